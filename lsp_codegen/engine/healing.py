"""Token healing: back the prompt up to a token boundary, and make the model write it again.

A prompt that ends inside a token — a partial identifier (`wor`), a trailing space
(`words `), an operator's first character — is tokenized as the model rarely saw in
training: `words ` becomes `words` + ` `, and after a lone space token the model
continues as if the space were not there (`1 = []`, giving `words 1 = []`). Healing
drops the prompt's last token and constrains the first generated token(s) to begin
with its text (or to be a prefix of it), so the model chooses `words` + ` =` itself.
The text the user already typed is then cut from the front of every candidate.

Engines supply token texts (`Vocabulary`) and apply `allowed` as a logits mask; this
module has no model in it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

# Above every character: the end of the range of strings that start with a prefix.
_AFTER_ALL = "\U0010ffff"


class Vocabulary:
    """Every token's text, searchable by prefix.

    `texts[i]` is the text token i adds to a decoded string; None (or "") for a token
    without text of its own (control tokens, one byte of a multi-byte character):
    such tokens are never healed and never allowed while healing.
    """

    def __init__(self, texts: Sequence[str | None]) -> None:
        self._texts = list(texts)
        order = sorted((t, i) for i, t in enumerate(texts) if t)
        self._sorted = [text for text, _ in order]
        self._ids = np.array([i for _, i in order], dtype=np.int64)
        self._by_text: dict[str, list[int]] = {}
        for text, token in order:
            self._by_text.setdefault(text, []).append(token)

    def text(self, token: int) -> str | None:
        """The text of `token`, or None when it has none of its own."""
        if 0 <= token < len(self._texts):
            return self._texts[token] or None
        return None

    def allowed(self, pending: str) -> npt.NDArray[np.int64]:
        """Ids of the tokens a healed candidate may write next, when `pending` (non-empty)
        is what it still has to write: tokens that start with it, and tokens that are a
        shorter prefix of it (the rest follows in the next step)."""
        start = bisect.bisect_left(self._sorted, pending)
        end = bisect.bisect_left(self._sorted, pending + _AFTER_ALL, lo=start)
        shorter = [
            token
            for cut in range(1, len(pending))
            for token in self._by_text.get(pending[:cut], ())
        ]
        return np.concatenate([self._ids[start:end], np.array(shorter, dtype=np.int64)])


@dataclass(frozen=True)
class Healed:
    """A prompt backed up to a token boundary: the ids to read and the text cut off."""

    ids: list[int]
    removed: str  # "" when nothing was cut


def heal(ids: list[int], vocabulary: Vocabulary) -> Healed:
    """Cut the prompt's last token when the cursor may sit inside a token.

    Not cut: a token that ends a line (a boundary any continuation starts after), a
    token without text of its own (a FIM marker, a control token), and the only
    token of the prompt (something must be read to predict from).
    """
    if len(ids) < 2:
        return Healed(ids, "")
    last = vocabulary.text(ids[-1])
    if not last or last.endswith("\n"):
        return Healed(ids, "")
    return Healed(ids[:-1], last)


@dataclass
class LazyVocabulary:
    """A model's `Vocabulary`, read when first asked for (every token's text: 1.7 s for
    a 262k vocabulary on 2 AVX2 cores); the engines ask on their worker right after
    loading, before the first prompt."""

    read: Callable[[], Vocabulary]
    _vocabulary: Vocabulary | None = field(default=None, repr=False)

    def get(self) -> Vocabulary:
        """The vocabulary, read now if it was not yet."""
        if self._vocabulary is None:
            self._vocabulary = self.read()
        return self._vocabulary


def heal_prompt(ids: list[int], enabled: bool, vocabulary: LazyVocabulary) -> Healed:
    """`heal` when the request asks for healing, else the prompt as it is."""
    return heal(ids, vocabulary.get()) if enabled else Healed(ids, "")


def constraints(
    vocabulary: LazyVocabulary, removed: str, written: Sequence[str]
) -> list[npt.NDArray[np.int64] | None]:
    """For each row (the text it has written so far), the token ids it may write next
    while it still writes the healed text; None where it is free (or where the
    vocabulary has no token to continue it)."""
    if not removed:
        return [None] * len(written)
    allowed: list[npt.NDArray[np.int64] | None] = []
    for text in written:
        pending = pending_text(removed, text)
        tokens = vocabulary.get().allowed(pending) if pending else None
        allowed.append(tokens if tokens is not None and tokens.size else None)
    return allowed


def pending_text(removed: str, written: str) -> str:
    """What a candidate that has written `written` must still write of `removed`."""
    return removed[len(written) :] if len(written) < len(removed) else ""


def masked(
    logits: npt.NDArray[np.float32], allowed: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """`logits` with every token outside `allowed` impossible (-inf); a copy."""
    out = np.full_like(logits, -np.inf)
    out[allowed] = logits[allowed]
    return out
