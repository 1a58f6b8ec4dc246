"""The items the server answered with, kept until the user accepts one of them.

An accept command carries only `{uri, version, candidate}` (older clients send nothing
more, and the features that build it need not change): the text of the accepted item,
where it goes and which request answered with it are looked up here, keyed by those three
values. Inline and completion answers for the same document version and candidate index
share a key; the later answer wins (a client shows one of them at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from lsp_codegen.context.document import Document
from lsp_codegen.server.command_ids import ACCEPTED
from lsp_codegen.server.lru import Lru
from lsp_codegen.stats.records import Kind

Key = tuple[str, int, int]  # uri, version, candidate


@dataclass(frozen=True)
class Offer:
    """One answered item: its text, inserted at `offset` of document version `version`."""

    request: Kind
    version: int
    offset: int
    text: str


class OfferBook:
    """The items of recent answers, by (uri, version, candidate); a bounded LRU."""

    def __init__(self, capacity: int = 64) -> None:
        self._items: Lru[Key, Offer] = Lru(capacity)

    def remember(self, document: Document, request: Kind, result: object, encoding: str) -> None:
        """Keep each item of `result` (an inline or completion answer for `document`)."""
        for key, position, text in _items(result):
            if key[0] != document.uri or key[1] != document.version or not text:
                continue  # an item for another version cannot be placed in this text
            offset = document.line_index.offset_at(position.line, position.character, encoding)
            self._items.put(key, Offer(request, document.version, offset, text))

    def take(self, uri: str, version: int, candidate: int) -> Offer | None:
        """The offer an accept names, removed (an item is accepted once); None if unknown."""
        return self._items.pop((uri, version, candidate), None)

    def forget(self, uri: str) -> None:
        """Drop every offer for `uri` (closed document)."""
        for key in [k for k in self._items if k[0] == uri]:
            del self._items[key]


def _items(result: object) -> list[tuple[Key, types.Position, str]]:
    """(accept key, insertion position, text) of each item in an inline or completion answer."""
    found = []
    items = (
        result.items
        if isinstance(result, types.InlineCompletionList | types.CompletionList)
        else []
    )
    for item in items:
        key = _accept_key(item.command)
        if isinstance(item, types.InlineCompletionItem):
            place = item.range.start if item.range is not None else None
            text = item.insert_text if isinstance(item.insert_text, str) else None
        else:
            edit = item.text_edit
            place = edit.range.start if isinstance(edit, types.TextEdit) else None
            text = edit.new_text if isinstance(edit, types.TextEdit) else None
        if key is not None and place is not None and text is not None:
            found.append((key, place, text))
    return found


def _accept_key(command: types.Command | None) -> Key | None:
    if command is None or command.command != ACCEPTED or not command.arguments:
        return None
    data = command.arguments[0]
    if not isinstance(data, dict):
        return None
    uri, version, candidate = data.get("uri"), data.get("version"), data.get("candidate")
    if isinstance(uri, str) and isinstance(version, int) and isinstance(candidate, int):
        return (uri, version, candidate)
    return None
