""" "Explain": a short explanation from the model, inserted above the function or the
selection as comment lines in the document's comment syntax."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.actions.explain import comment_block, explain, only_comments
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import ActionOutcome, ActionRequest, versioned_edit
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.server.progress import WorkProgress

TITLE = "Explain"


async def run(ls: CodegenServer, request: ActionRequest) -> ActionOutcome:
    """Explain the selection (or the function at the cursor) as a comment block above it."""
    document = request.document
    if request.start != request.end:
        code, name = document.text[request.start : request.end], None
        line = document.line_index.line_of(request.start)
    elif request.target is not None:
        code, name, line = request.target.source, request.target.name, request.target.first_line
    else:
        raise invalid_params("Explain needs a selection, or the cursor in a Python function")
    progress = WorkProgress(ls, "lsp-codegen: explain")
    await progress.begin("explaining…")
    try:
        engine = await ls.models.engine()
        words = await explain(engine, ls.settings, code, document.language_id, name)
    finally:
        progress.end("done")
    first = document.line_index.line_text(line)
    indent = first[: len(first) - len(first.lstrip())]
    block = comment_block(words, document.language_id, indent) if words else None
    if block is None or not only_comments(block, document.language_id):
        return ActionOutcome(TITLE, None, "Explain: the model wrote no usable explanation")
    if not ls.settings.explain.insert:  # shown only: an edit that changes nothing
        return ActionOutcome(TITLE, types.WorkspaceEdit(changes={}), f"Explain: {words}")
    at = types.Position(line=line, character=0)
    edit = types.TextEdit(range=types.Range(start=at, end=at), new_text=block)
    workspace_edit = types.WorkspaceEdit(document_changes=[versioned_edit(document, [edit])])
    return ActionOutcome(TITLE, workspace_edit, f"Explain: {words}")
