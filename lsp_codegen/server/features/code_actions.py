"""Code actions: "Generate code from comment", resolved lazily into a versioned edit."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.document import Document
from lsp_codegen.context.insertion import insertion_for_comment
from lsp_codegen.context.types import CommentPrompt
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.errors import content_modified, invalid_params, request_failed
from lsp_codegen.server.features.commands import GENERATE_FROM_COMMENT
from lsp_codegen.server.features.function_actions import (
    function_actions,
    is_function_action,
    resolve_function_action,
)
from lsp_codegen.server.features.run_selection import run_action
from lsp_codegen.server.generation import run_generation
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.results import Generated

log = logging.getLogger(__name__)

GENERATE_TITLE = "Generate code from comment"


def register(server: CodegenServer) -> None:
    """Register the code action provider and its resolver."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.RefactorRewrite],
            resolve_provider=True,
        ),
    )
    async def code_action(
        ls: CodegenServer, params: types.CodeActionParams
    ) -> list[types.CodeAction | types.Command] | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            log.info("code actions asked for %s, which is not open", params.text_document.uri)
            return None
        line = min(params.range.start.line, max(document.line_index.line_count - 1, 0))
        actions: list[types.CodeAction | types.Command] = []
        prompt = _prompt_at(document, line)
        if prompt is not None:
            actions.append(_generate_action(ls, document, line))
            if _invoked(params.context):
                # Asked for explicitly: generate now and offer every candidate.
                generated = await comment_candidates(ls, document, prompt)
                actions += _candidate_actions(ls, generated, line)
        run = run_action(document, params)
        if run is not None:
            actions.append(run)
        actions += function_actions(ls, document, params)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: CodegenServer, action: types.CodeAction) -> types.CodeAction:
        if is_function_action(action.data):
            return await resolve_function_action(ls, action)
        action.edit = await comment_edit(ls, action.data)
        return action


def _invoked(context: types.CodeActionContext) -> bool:
    return context.trigger_kind == types.CodeActionTriggerKind.Invoked


def _prompt_at(document: Document, line: int) -> CommentPrompt | None:
    return find_comment_prompt(document.line_index.lines, line, document.language_id)


def _generate_action(ls: CodegenServer, document: Document, line: int) -> types.CodeAction:
    data = {"uri": document.uri, "version": document.version, "line": line}
    action = types.CodeAction(
        title=GENERATE_TITLE, kind=types.CodeActionKind.RefactorRewrite, data=data
    )
    if not _client_resolves_edits(ls):
        # Without codeAction/resolve the client runs a command, and the edit
        # arrives later through workspace/applyEdit.
        action.command = types.Command(
            title=GENERATE_TITLE, command=GENERATE_FROM_COMMENT, arguments=[data]
        )
    return action


def _candidate_actions(
    ls: CodegenServer, generated: Generated | None, line: int
) -> list[types.CodeAction]:
    """One action per ranked candidate, best first, titled with its evidence."""
    if generated is None:
        return []
    document, candidates = generated.document, generated.result.candidates
    actions = []
    for rank, candidate in enumerate(candidates, start=1):
        data = {
            "uri": document.uri,
            "version": document.version,
            "line": line,
            "candidate": candidate.index,
        }
        title = f"Candidate {rank}/{len(candidates)}: {candidate.title()}"
        action = types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, data=data)
        if not _client_resolves_edits(ls):
            action.edit = _edit(ls, generated, candidate.index)
        actions.append(action)
    return actions


def _client_resolves_edits(ls: CodegenServer) -> bool:
    text_document = ls.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


async def comment_candidates(
    ls: CodegenServer, document: Document, prompt: CommentPrompt
) -> Generated | None:
    """Ranked candidates for a comment prompt in this exact document version.

    Reuses a result computed for the same version and insertion point; None when
    the document changed while generating.
    """
    insertion = insertion_for_comment(
        document.text, prompt, document.language_id, document.line_index
    )
    cached = ls.results.get(document.uri, document.version, insertion.offset)
    if cached is not None:
        return cached
    generated = await run_generation(ls, document, insertion, thorough=True)
    if generated is not None:
        ls.results.put(generated)
    return generated


async def comment_edit(ls: CodegenServer, data: Any) -> types.WorkspaceEdit:
    """The versioned edit for the comment prompt (and candidate) named by `data`.

    For "Generate code from comment", a user who typed since the action was offered
    gets code for the prompt as it is now. A specific candidate belongs to the
    version it was shown for, so a changed document refuses it.
    """
    uri, line, candidate = _parse_data(data)
    document = ls.document(uri)
    if candidate is not None and document.version != data.get("version"):
        raise content_modified("the document changed since these candidates; ask again")
    prompt = _prompt_at(document, line)
    if prompt is None:
        raise content_modified(f"line {line + 1} of {uri} no longer holds a comment prompt")
    generated = await comment_candidates(ls, document, prompt)
    if generated is None:
        raise content_modified("the document changed while code was generated; try again")
    return _edit(ls, generated, candidate)


def _parse_data(data: Any) -> tuple[str, int, int | None]:
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("uri"), str)
        or not isinstance(data.get("line"), int)
        or not isinstance(data.get("candidate", 0), int)
    ):
        raise invalid_params(
            "code action data must be {uri: string, line: integer, candidate?: integer}"
        )
    return data["uri"], data["line"], data.get("candidate")


def _edit(ls: CodegenServer, generated: Generated, index: int | None) -> types.WorkspaceEdit:
    """Insert the candidate with engine index `index` (the best one when None)."""
    candidates = generated.result.candidates
    if not candidates:
        raise request_failed("the model produced no usable code for this comment")
    chosen = [c for c in candidates if index is None or c.index == index]
    if not chosen:
        raise invalid_params(f"candidate {index} is not among this prompt's candidates")
    best = chosen[0]
    document, insertion = generated.document, generated.insertion
    at = to_position(document, insertion.offset, ls.encoding)
    text = insertion.leading + best.text + "\n"
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=document.uri, version=document.version
                ),
                edits=[types.TextEdit(range=types.Range(start=at, end=at), new_text=text)],
            )
        ]
    )
