"""LSP positions ↔ str offsets for a document, in the negotiated encoding."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.context.document import Document


def to_offset(document: Document, position: types.Position, encoding: str) -> int:
    """The str offset of `position`; positions past the end are clamped (see LineIndex)."""
    return document.line_index.offset_at(position.line, position.character, encoding)


def to_position(document: Document, offset: int, encoding: str) -> types.Position:
    """The LSP position of a str offset."""
    line, character = document.line_index.position_at(offset, encoding)
    return types.Position(line=line, character=character)
