"""Turning a growing list of token ids into text deltas, one token at a time."""

from __future__ import annotations

from typing import Any

from lsp_codegen.engine.healing import Vocabulary

_INCOMPLETE = "\ufffd"  # what a tokenizer prints for a cut multi-byte character


class IncrementalDetokenizer:
    """Decodes one candidate's tokens into text deltas.

    Decoding a token alone loses information: SentencePiece tokenizers drop a
    leading space and byte-level tokenizers may split a character over several
    tokens. So the whole continuation is decoded after an anchor token (the last
    prompt token), and the anchor's own text is cut off; a delta that would end
    in a half character is held back until the next token completes it.
    """

    def __init__(self, tokenizer: Any, anchor_id: int) -> None:
        self._tokenizer = tokenizer
        self._ids: list[int] = [anchor_id]
        self._anchor_len = len(self._decode())
        self.text = ""

    def push(self, token_id: int) -> str:
        """Add a token; return the new text it completes (maybe "")."""
        self._ids.append(token_id)
        full = self._decode()[self._anchor_len :]
        if full.endswith(_INCOMPLETE) or not full.startswith(self.text):
            return ""
        delta = full[len(self.text) :]
        self.text = full
        return delta

    def _decode(self) -> str:
        text: str = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        return text


def token_texts(tokenizer: Any) -> Vocabulary:
    """Every token's text as it appears in decoded output (decoded after an anchor
    token, as `IncrementalDetokenizer` does); None for special tokens and for pieces
    that are not whole characters."""
    anchor = tokenizer("a", add_special_tokens=False)["input_ids"][0]
    base = tokenizer.decode([anchor])
    special = set(tokenizer.all_special_ids)
    decoded = tokenizer.batch_decode([[anchor, token] for token in range(len(tokenizer))])
    texts: list[str | None] = []
    for token, text in enumerate(decoded):
        usable = token not in special and text.startswith(base) and _INCOMPLETE not in text
        texts.append(text[len(base) :] if usable else None)
    return Vocabulary(texts)
