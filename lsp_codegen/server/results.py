"""Recent generation results, so a code action can be resolved without generating again.

Keyed by document URI, version and insertion offset: a result is only ever
reused for exactly the text it was computed for.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsp_codegen.context.document import Document
from lsp_codegen.context.types import Insertion
from lsp_codegen.pipeline import GenerationResult
from lsp_codegen.server.lru import Lru

Key = tuple[str, int, int]


@dataclass(frozen=True)
class Generated:
    """A pipeline result and the document snapshot it belongs to."""

    document: Document
    insertion: Insertion
    result: GenerationResult


class RecentResults:
    """A small LRU of `Generated` results."""

    def __init__(self, capacity: int = 16) -> None:
        self._items: Lru[Key, Generated] = Lru(capacity)

    @staticmethod
    def key_of(generated: Generated) -> Key:
        """The key a result is stored under."""
        document = generated.document
        return (document.uri, document.version, generated.insertion.offset)

    def put(self, generated: Generated) -> None:
        """Remember `generated`, evicting the least recently used beyond capacity."""
        self._items.put(self.key_of(generated), generated)

    def get(self, uri: str, version: int, offset: int) -> Generated | None:
        """The result for exactly this document version and insertion point, if kept."""
        key = (uri, version, offset)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found
