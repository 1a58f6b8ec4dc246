"""The code actions on a function or a selection — "Optimize…", "Explain", "Write tests
for this function" — listed cheaply and computed on codeAction/resolve (or, for
clients without resolve, by a command that applies the edit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types

from lsp_codegen.actions.target import target_at
from lsp_codegen.context.document import Document
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions import explain, optimize, write_tests
from lsp_codegen.server.code_actions.types import (
    ActionOutcome,
    ActionRequest,
    client_resolves_edits,
    client_shows_disabled,
    range_json,
)
from lsp_codegen.server.command_ids import FUNCTION_ACTION
from lsp_codegen.server.errors import content_modified, invalid_params
from lsp_codegen.server.positions import to_offset

Runner = Callable[[CodegenServer, ActionRequest], Awaitable[ActionOutcome]]
RUNNERS: dict[str, Runner] = {
    "optimize": optimize.run,
    "explain": explain.run,
    "writeTests": write_tests.run,
}


async def run_function_action(ls: CodegenServer, data: Any) -> dict[str, object]:
    """Compute the action `data` names and apply its edit (clients without resolve)."""
    outcome = await RUNNERS[_kind(data)](ls, request_from(ls, data))
    applied = False
    if outcome.edit is not None:
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=outcome.edit, label=outcome.title)
        )
        applied = bool(response.applied)
    show(ls, outcome)
    return {"title": outcome.title, "applied": applied, "message": outcome.message}


def function_actions(
    ls: CodegenServer, document: Document, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """The function actions for the cursor or selection in `params` (none apply outside
    a top-level Python function unless code is selected)."""
    selection = params.range
    target = None
    if document.language_id == "python":
        target = target_at(document.text, selection.start.line)
    data = {
        "uri": document.uri,
        "version": document.version,
        "range": range_json(selection),
    }
    actions = []
    if target is not None:
        for title, offer, reason in optimize.listed(document, target):
            offered = {**data, "action": "optimize", "offer": offer}
            actions.append(_action(ls, title, offered, reason))
    if target is not None or selection.start != selection.end:
        actions.append(_action(ls, explain.TITLE, {**data, "action": "explain"}, None))
    if target is not None:
        actions.append(_action(ls, write_tests.TITLE, {**data, "action": "writeTests"}, None))
    return actions


def is_function_action(data: Any) -> bool:
    """True for the `data` of an action this module listed."""
    return isinstance(data, dict) and data.get("action") in RUNNERS


async def resolve_function_action(ls: CodegenServer, action: types.CodeAction) -> types.CodeAction:
    """Compute the action: its edit, or a disabled reason saying why there is none."""
    outcome = await RUNNERS[_kind(action.data)](ls, request_from(ls, action.data))
    action.title = outcome.title
    action.edit = outcome.edit
    if outcome.edit is None:
        action.disabled = types.CodeActionDisabled(reason=outcome.message)
    show(ls, outcome)
    return action


def request_from(ls: CodegenServer, data: Any) -> ActionRequest:
    """The request `data` describes, for the document version it was listed for."""
    try:
        uri, version, raw = data["uri"], data["version"], data["range"]
        selection = types.Range(
            start=types.Position(**raw["start"]), end=types.Position(**raw["end"])
        )
    except (KeyError, TypeError) as error:
        raise invalid_params(f"function action data is malformed: {error}") from error
    document = ls.document(uri)
    if version != document.version:
        raise content_modified("the document changed since this action was offered; ask again")
    offer = data.get("offer")
    return ActionRequest(
        kind=_kind(data),
        document=document,
        target=target_at(document.text, selection.start.line)
        if document.language_id == "python"
        else None,
        start=to_offset(document, selection.start, ls.encoding),
        end=to_offset(document, selection.end, ls.encoding),
        offer=offer if isinstance(offer, int) else None,
    )


def show(ls: CodegenServer, outcome: ActionOutcome) -> None:
    """Tell the user what was done, or why nothing is offered."""
    kind = types.MessageType.Info if outcome.edit is not None else types.MessageType.Warning
    ls.window_show_message(types.ShowMessageParams(type=kind, message=outcome.message))


def _kind(data: Any) -> str:
    if not is_function_action(data):
        raise invalid_params(f"function action data needs action: one of {sorted(RUNNERS)}")
    kind: str = data["action"]
    return kind


def _action(
    ls: CodegenServer, title: str, data: dict[str, Any], reason: str | None
) -> types.CodeAction:
    action = types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, data=data)
    if reason is not None and client_shows_disabled(ls.client_capabilities):
        action.disabled = types.CodeActionDisabled(reason=reason)
    if not client_resolves_edits(ls.client_capabilities):
        action.command = types.Command(title=title, command=FUNCTION_ACTION, arguments=[data])
    return action
