"""Open text documents and the edits LSP clients send for them."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from lsp_codegen.context.positions import UTF16, LineIndex, check_encoding

Position = tuple[int, int]  # (line, character) in the session's position encoding
Range = tuple[Position, Position]  # (start, end)
Change = tuple["Range | None", str]  # a range of None replaces the whole text


@dataclass(frozen=True)
class Document:
    """One version of an open document; edits return a new Document."""

    uri: str
    language_id: str
    version: int
    text: str

    @cached_property
    def line_index(self) -> LineIndex:
        """Line offsets of `text`, computed on first use."""
        return LineIndex(self.text)

    def with_version(self, version: int) -> Document:
        """The same text under a new version number (its line index is kept)."""
        document = dataclasses.replace(self, version=version)
        if "line_index" in self.__dict__:
            document.__dict__["line_index"] = self.line_index
        return document

    def apply_change(
        self,
        start: Position | None,
        end: Position | None,
        new_text: str,
        encoding: str = UTF16,
    ) -> Document:
        """Replace the text between LSP positions `start` and `end` with `new_text`.

        When either position is None the whole text is replaced. Positions are
        clamped as LineIndex.offset_at documents; a reversed range is reordered.
        The version is kept; DocumentStore.change sets the new one.
        """
        check_encoding(encoding)
        if start is None or end is None:
            return dataclasses.replace(self, text=new_text)
        index = self.line_index
        begin = index.offset_at(start[0], start[1], encoding)
        finish = index.offset_at(end[0], end[1], encoding)
        return self.replaced(min(begin, finish), max(begin, finish), new_text)

    def replaced(self, begin: int, end: int, new_text: str) -> Document:
        """Replace the text between string offsets `begin` and `end` (version kept)."""
        edited = self.line_index.edited(begin, end, new_text)
        document = dataclasses.replace(self, text=edited.text)
        document.__dict__["line_index"] = edited  # cached_property's slot: no rescan
        return document


class DocumentStore:
    """The documents a client has open, by URI."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        # Recency for context from other files: uri → when it was last opened or
        # edited (a counter), and the line of its last ranged edit.
        self._clock = itertools.count()
        self._touched: dict[str, int] = {}
        self._edited_line: dict[str, int] = {}

    def open(self, uri: str, language_id: str, version: int, text: str) -> Document:
        """Record a newly opened document (replacing any previous one for `uri`)."""
        document = Document(uri, language_id, version, text)
        self._documents[uri] = document
        self._touched[uri] = next(self._clock)
        self._edited_line.pop(uri, None)
        return document

    def change(
        self,
        uri: str,
        version: int,
        changes: Sequence[Change],
        encoding: str = UTF16,
    ) -> Document | None:
        """Apply `changes` in order and set `version`; None when `uri` is not open."""
        document = self._documents.get(uri)
        if document is None:
            return None
        for change_range, new_text in changes:
            if change_range is None:
                document = document.apply_change(None, None, new_text, encoding)
            else:
                document = document.apply_change(
                    change_range[0], change_range[1], new_text, encoding
                )
        document = document.with_version(version)
        self._documents[uri] = document
        self._touched[uri] = next(self._clock)
        last_range = changes[-1][0] if changes else None
        if last_range is not None:
            self._edited_line[uri] = last_range[0][0]  # where the last change starts
        return document

    def close(self, uri: str) -> None:
        """Forget `uri`; closing a document that is not open does nothing."""
        self._documents.pop(uri, None)
        self._touched.pop(uri, None)
        self._edited_line.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        """The current version of `uri`, or None when it is not open."""
        return self._documents.get(uri)

    def uris(self) -> list[str]:
        """URIs of every open document."""
        return list(self._documents)

    def recent(self) -> list[Document]:
        """Every open document, the most recently opened or edited first."""
        order = sorted(self._touched, key=self._touched.__getitem__, reverse=True)
        return [self._documents[uri] for uri in order]

    def edited_line(self, uri: str) -> int | None:
        """The line of the last ranged edit of `uri` since it was opened; None if none."""
        return self._edited_line.get(uri)
