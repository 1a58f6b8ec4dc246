"""The "Generate code from comment" action and one action per candidate: listing them,
and the versioned edit each one resolves to."""

from __future__ import annotations

import logging
import time
from typing import Any

from lsprotocol import types

from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.document import Document
from lsp_codegen.context.insertion import insertion_for_comment
from lsp_codegen.context.types import CommentPrompt
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import client_resolves_edits
from lsp_codegen.server.command_ids import GENERATE_FROM_COMMENT
from lsp_codegen.server.errors import content_modified, invalid_params, request_failed
from lsp_codegen.server.generation import run_generation
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.results import Generated
from lsp_codegen.server.traces import current_trace
from lsp_codegen.stages import StageLog

log = logging.getLogger(__name__)

GENERATE_TITLE = "Generate code from comment"


def invoked(context: types.CodeActionContext) -> bool:
    return context.trigger_kind == types.CodeActionTriggerKind.Invoked


def prompt_at(document: Document, line: int) -> CommentPrompt | None:
    return find_comment_prompt(document.line_index.lines, line, document.language_id)


def generate_action(ls: CodegenServer, document: Document, line: int) -> types.CodeAction:
    data = {"uri": document.uri, "version": document.version, "line": line}
    action = types.CodeAction(
        title=GENERATE_TITLE, kind=types.CodeActionKind.RefactorRewrite, data=data
    )
    if not client_resolves_edits(ls.client_capabilities):
        # Without codeAction/resolve the client runs a command, and the edit
        # arrives later through workspace/applyEdit.
        action.command = types.Command(
            title=GENERATE_TITLE, command=GENERATE_FROM_COMMENT, arguments=[data]
        )
    return action


def candidate_actions(
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
        if not client_resolves_edits(ls.client_capabilities):
            action.edit = _edit(ls, generated, candidate.index)
        actions.append(action)
    return actions


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
    trace = current_trace()
    trace.generation = StageLog()
    cached = ls.results.get(document.uri, document.version, insertion.offset)
    if cached is not None:
        trace.generation.add("cached result", time.monotonic())
        trace.use(cached.result)
        return cached
    generated = await run_generation(
        ls, document, insertion, thorough=True, stages=trace.generation
    )
    if generated is not None:
        ls.results.put(generated)
        trace.use(generated.result)
    else:
        trace.why_empty = "the document changed while the candidates were written"
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
    prompt = prompt_at(document, line)
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
    ls.retention.expect_edit(document.uri, document.version, insertion.offset, text)
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
