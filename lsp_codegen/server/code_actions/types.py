"""What the code actions share at the protocol edge: requests, outcomes, edits and what
the client can do with an action."""

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


def client_resolves_edits(capabilities: types.ClientCapabilities) -> bool:
    """True when the client asks codeAction/resolve for an action's edit."""
    code_action = _code_action_capabilities(capabilities)
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


def client_shows_disabled(capabilities: types.ClientCapabilities) -> bool:
    """True when the client shows a disabled action with its reason."""
    code_action = _code_action_capabilities(capabilities)
    return code_action is not None and bool(code_action.disabled_support)


def range_json(selection: types.Range) -> dict[str, dict[str, int]]:
    """A range as plain JSON, for an action's `data` or a command's arguments."""
    return {
        "start": {"line": selection.start.line, "character": selection.start.character},
        "end": {"line": selection.end.line, "character": selection.end.character},
    }


def _code_action_capabilities(
    capabilities: types.ClientCapabilities,
) -> types.CodeActionClientCapabilities | None:
    text_document = capabilities.text_document
    return text_document.code_action if text_document else None
