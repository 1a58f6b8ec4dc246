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
from lsp_codegen.server.generation import Generated, run_generation
from lsp_codegen.server.positions import to_position

log = logging.getLogger(__name__)

GENERATE_TITLE = "Generate code from comment"


def register(server: CodegenServer) -> None:
    """Register the code action provider and its resolver."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.RefactorRewrite], resolve_provider=True
        ),
    )
    def code_action(
        ls: CodegenServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            log.info("code actions asked for %s, which is not open", params.text_document.uri)
            return None
        line = min(params.range.start.line, max(document.line_index.line_count - 1, 0))
        if _prompt_at(document, line) is None:
            return None
        return [_generate_action(ls, document, line)]

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: CodegenServer, action: types.CodeAction) -> types.CodeAction:
        action.edit = await comment_edit(ls, action.data)
        return action


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


def _client_resolves_edits(ls: CodegenServer) -> bool:
    text_document = ls.client_capabilities.text_document
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


async def comment_edit(ls: CodegenServer, data: Any) -> types.WorkspaceEdit:
    """Generate code for the comment prompt named by `data` and build the versioned edit.

    If the user typed since the action was offered, the prompt is looked up again
    in the current text; the edit always carries the version it was computed for.
    """
    uri, line = _parse_data(data)
    document = ls.document(uri)
    prompt = _prompt_at(document, line)
    if prompt is None:
        raise content_modified(f"line {line + 1} of {uri} no longer holds a comment prompt")
    insertion = insertion_for_comment(document.text, prompt, document.language_id)
    generated = await run_generation(ls, document, insertion)
    if generated is None:
        raise content_modified("the document changed while code was generated; try again")
    return _edit(ls, generated)


def _parse_data(data: Any) -> tuple[str, int]:
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("uri"), str)
        or not isinstance(data.get("line"), int)
    ):
        raise invalid_params("code action data must be {uri: string, line: integer, ...}")
    return data["uri"], data["line"]


def _edit(ls: CodegenServer, generated: Generated) -> types.WorkspaceEdit:
    if not generated.result.candidates:
        raise request_failed("the model produced no usable code for this comment")
    best = generated.result.candidates[0]
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
