"""What the function actions (Optimize, Explain, Write tests) share at the protocol edge."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from lsp_codegen.actions.target import Target
from lsp_codegen.context.document import Document


@dataclass(frozen=True)
class ActionRequest:
    """One action asked for on a document version: the function and/or selection."""

    kind: str  # "optimize", "explain" or "writeTests"
    document: Document
    target: Target | None  # the top-level Python function at the cursor, if any
    start: int  # the selection as str offsets (equal when there is none)
    end: int
    offer: int | None = None  # optimize: which verified rewrite (best first)


@dataclass(frozen=True)
class ActionOutcome:
    """What an action computed: its title, the edit (None when nothing qualifies) and
    a message for the user (why not, or what was done)."""

    title: str
    edit: types.WorkspaceEdit | None
    message: str


def versioned_edit(document: Document, edits: list[types.TextEdit]) -> types.TextDocumentEdit:
    """Edits to `document` that a client refuses once the document has changed."""
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(
            uri=document.uri, version=document.version
        ),
        edits=list(edits),
    )
