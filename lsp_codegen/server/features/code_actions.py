"""textDocument/codeAction and codeAction/resolve: the comment, run and function actions."""

from __future__ import annotations

import logging

from lsprotocol import types

from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions import comment, function, run
from lsp_codegen.server.traces import traced

log = logging.getLogger(__name__)


def register(server: CodegenServer) -> None:
    """Register the code action provider and its resolver."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.RefactorRewrite],
            resolve_provider=True,
        ),
    )
    @traced("codeAction", generating_only=True)
    async def code_action(
        ls: CodegenServer, params: types.CodeActionParams
    ) -> list[types.CodeAction | types.Command] | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            log.info("code actions asked for %s, which is not open", params.text_document.uri)
            return None
        line = min(params.range.start.line, max(document.line_index.line_count - 1, 0))
        actions: list[types.CodeAction | types.Command] = []
        prompt = comment.prompt_at(document, line)
        if prompt is not None:
            generated = None
            if comment.invoked(params.context):
                # Asked for explicitly: every candidate once they are written. The menu
                # never waits for them: their generation starts now, in the background.
                generated = comment.candidates_if_ready(ls, document, prompt)
            actions.append(comment.generate_action(ls, document, line, generated))
            actions += comment.candidate_actions(ls, generated, line)
        run_selection = run.run_action(document, params)
        if run_selection is not None:
            actions.append(run_selection)
        actions += function.function_actions(ls, document, params)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: CodegenServer, action: types.CodeAction) -> types.CodeAction:
        if function.is_function_action(action.data):
            return await function.resolve_function_action(ls, action)
        action.edit = await comment.comment_edit(ls, action.data)
        return action
