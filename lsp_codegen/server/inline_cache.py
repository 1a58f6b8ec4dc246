"""Type-through: answer from the suggestion already shown while the user types its first characters.

When the user types exactly what the ghost text proposes, asking the model
again is wasted time; the rest of the same suggestion is the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsp_codegen.context.document import Document
from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.score import RankedCandidate
from lsp_codegen.server.lru import Lru
from lsp_codegen.server.results import Generated

_CONTEXT_CHARS = 4096  # text around the insertion point that must be unchanged
_MAX_TYPED = 400


@dataclass(frozen=True)
class Remainder:
    """What is left to insert of one shown candidate after the characters typed into it."""

    candidate: RankedCandidate
    text: str


class ShownSuggestions:
    """The last result shown for each document (LRU, bounded), with hit counters."""

    def __init__(self, capacity: int = 32) -> None:
        self._items: Lru[str, Generated] = Lru(capacity)
        self.hits = 0
        self.misses = 0

    def remember(self, generated: Generated) -> None:
        """Keep `generated` as the suggestion shown for its document."""
        self._items.put(generated.document.uri, generated)

    def forget(self, uri: str) -> None:
        """Drop what was shown for `uri` (closed document)."""
        self._items.pop(uri, None)

    def type_through(self, document: Document, offset: int) -> list[Remainder]:
        """Remainders of the shown candidates that the text typed since begins; [] on a miss."""
        shown = self._items.get(document.uri)
        remainders = _remainders(shown, document, offset) if shown is not None else []
        if remainders:
            self.hits += 1
            self._items.move_to_end(document.uri)
        else:
            self.misses += 1
        return remainders


def _remainders(shown: Generated, document: Document, offset: int) -> list[Remainder]:
    typed = typed_since(shown.document, shown.insertion, document, offset)
    return remainders(shown, typed) if typed else []


def typed_since(then: Document, at: Insertion, now: Document, offset: int) -> str | None:
    """The text typed at insertion point `at` of `then` to reach `now` with the cursor at
    `offset`; None when anything else changed around it (a suggestion no longer fits)."""
    start = at.offset
    if not start <= offset <= start + _MAX_TYPED:
        return None
    old, new = then.text, now.text
    before = max(0, start - _CONTEXT_CHARS)
    if new[before:start] != old[before:start]:
        return None  # edited before the insertion point
    if new[offset : offset + _CONTEXT_CHARS] != old[start : start + _CONTEXT_CHARS]:
        return None  # the text after the cursor moved or changed
    return new[start:offset]


def remainders(shown: Generated, typed: str) -> list[Remainder]:
    """What is left of each of `shown`'s candidates that begins with `typed`, best first."""
    found = []
    for candidate in shown.result.candidates:
        full = shown.insertion.leading + candidate.text
        if len(full) > len(typed) and full.startswith(typed):
            found.append(Remainder(candidate, full[len(typed) :]))
    return found
