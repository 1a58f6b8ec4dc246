"""Token healing's pure parts: which token is cut, and which tokens may follow."""

from __future__ import annotations

import numpy as np

from lsp_codegen.engine.healing import Vocabulary, heal, masked, pending_text

# id: text; None for a control token, "" for one byte of a multi-byte character.
TEXTS: list[str | None] = [None, "words", " ", " =", "  ", "=", "w", "wo", "word", "\n", "1", ""]
VOCAB = Vocabulary(TEXTS)


def _allowed(pending: str) -> set[str | None]:
    return {TEXTS[i] for i in VOCAB.allowed(pending)}


def test_a_trailing_space_is_cut_and_written_again() -> None:
    healed = heal([0, 1, 2], VOCAB)  # <bos> "words" " "
    assert (healed.ids, healed.removed) == ([0, 1], " ")
    assert _allowed(" ") == {" ", " =", "  "}


def test_a_partial_word_allows_longer_tokens_and_its_own_prefixes() -> None:
    assert _allowed("wor") == {"word", "words", "w", "wo"}
    assert _allowed("words") == {"words", "w", "wo", "word"}


def test_a_line_end_a_control_token_and_a_lone_token_are_not_cut() -> None:
    assert heal([0, 1, 9], VOCAB).removed == ""  # ends with a newline: a boundary
    assert heal([1, 0], VOCAB).removed == ""  # a control token (a FIM marker)
    assert heal([1], VOCAB).ids == [1]  # something must be read
    assert heal([1, 11], VOCAB).removed == ""  # a byte of a character has no text


def test_pending_text_shrinks_as_the_candidate_writes_it() -> None:
    assert pending_text("wor", "") == "wor"
    assert pending_text("wor", "w") == "or"
    assert pending_text("wor", "words") == ""


def test_masked_keeps_only_the_allowed_logits() -> None:
    logits = np.arange(len(TEXTS), dtype=np.float32)
    out = masked(logits, VOCAB.allowed(" "))
    assert np.isfinite(out).nonzero()[0].tolist() == [2, 3, 4]
    assert out[3] == 3.0 and logits[0] == 0.0  # a copy: the input is unchanged
