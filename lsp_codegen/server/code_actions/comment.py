"""The "Generate code from comment" action and one action per candidate: listing them,
and the versioned edit each one resolves to."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Coroutine
from typing import Any

from lsprotocol import types

from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.document import Document
from lsp_codegen.context.insertion import insertion_for_comment
from lsp_codegen.context.types import CommentPrompt, Insertion
from lsp_codegen.ranking.unmet import inserted_text, unmet_examples, unmet_title
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.types import client_resolves_edits
from lsp_codegen.server.command_ids import GENERATE_FROM_COMMENT
from lsp_codegen.server.comment_runs import CommentRun
from lsp_codegen.server.errors import content_modified, invalid_params, request_failed
from lsp_codegen.server.generation import run_generation
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.results import Generated, Key
from lsp_codegen.server.traces import current_trace
from lsp_codegen.stages import StageLog
from lsp_codegen.tracing.trace import RequestTrace

log = logging.getLogger(__name__)

GENERATE_TITLE = "Generate code from comment"


def invoked(context: types.CodeActionContext) -> bool:
    return context.trigger_kind == types.CodeActionTriggerKind.Invoked


def prompt_at(document: Document, line: int) -> CommentPrompt | None:
    return find_comment_prompt(document.line_index.lines, line, document.language_id)


def generate_action(
    ls: CodegenServer, document: Document, line: int, generated: Generated | None = None
) -> types.CodeAction:
    """ "Generate code from comment"; with the candidates at hand, its title says when
    none of them passes the examples the user wrote."""
    data = {"uri": document.uri, "version": document.version, "line": line}
    title = GENERATE_TITLE
    unmet = unmet_examples(generated.result.candidates) if generated is not None else None
    if unmet is not None:
        title += f" — {unmet_title(unmet)}"
    action = types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, data=data)
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


def candidates_if_ready(
    ls: CodegenServer, document: Document, prompt: CommentPrompt
) -> Generated | None:
    """The ranked candidates for this exact document version if they are at hand; else
    None, with their generation started in the background (Ctrl+. answers at once)."""
    insertion = _insertion(document, prompt)
    cached = _cached(ls, document, insertion)
    if cached is None:
        run = _start(ls, document, insertion)
        # This request's trace shows the run's stages as it goes, and its candidates.
        trace = current_trace()
        trace.generation = run.stages
        trace.why_empty = "the candidates are being written; Ctrl+. again lists them"
        run.task.add_done_callback(functools.partial(_note_candidates, trace))
    return cached


async def comment_candidates(
    ls: CodegenServer, document: Document, prompt: CommentPrompt
) -> Generated | None:
    """Ranked candidates for a comment prompt in this exact document version.

    Reuses a result computed for the same version and insertion point, or joins its
    generation when one is running; None when the document changed while generating.
    """
    insertion = _insertion(document, prompt)
    cached = _cached(ls, document, insertion)
    if cached is not None:
        return cached
    trace = current_trace()
    run = _start(ls, document, insertion)
    trace.generation = run.stages
    try:
        generated = await run.task
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # this request was cancelled (its run stops with it)
        generated = None  # the run was stopped by an edit to the document
    if generated is None:
        trace.why_empty = "the document changed while the candidates were written"
    else:
        trace.use(generated.result)
    return generated


def _note_candidates(trace: RequestTrace, task: asyncio.Task[Generated | None]) -> None:
    if not task.cancelled() and task.exception() is None and (generated := task.result()):
        trace.use(generated.result)


def _cached(ls: CodegenServer, document: Document, insertion: Insertion) -> Generated | None:
    """The candidates written for exactly this version and insertion point, noted in the
    trace."""
    cached = ls.comment_runs.finished(_key(document, insertion))
    if cached is not None:
        trace = current_trace()
        trace.generation = StageLog()
        trace.generation.add("cached result", time.monotonic())
        trace.use(cached.result)
    return cached


def _insertion(document: Document, prompt: CommentPrompt) -> Insertion:
    return insertion_for_comment(document.text, prompt, document.language_id, document.line_index)


def _key(document: Document, insertion: Insertion) -> Key:
    return (document.uri, document.version, insertion.offset)


def _start(ls: CodegenServer, document: Document, insertion: Insertion) -> CommentRun:
    """The generation for `insertion` in `document`: the one running, else a new one."""

    def generate(stages: StageLog) -> Coroutine[Any, Any, Generated | None]:
        return run_generation(ls, document, insertion, thorough=True, stages=stages)

    return ls.comment_runs.start(_key(document, insertion), generate)


async def comment_edit(ls: CodegenServer, data: Any) -> types.WorkspaceEdit:
    """The versioned edit for the comment prompt (and candidate) named by `data`.

    For "Generate code from comment", a user who typed since the action was offered
    gets code for the prompt as it is now. A specific candidate belongs to the
    version it was shown for, so a changed document refuses it.
    """
    uri, line, candidate, version = _parse_data(data)
    if candidate is not None and version is None:
        raise invalid_params("a candidate's data names the document version it belongs to")
    pinned = version if candidate is not None else None
    return _edit(ls, await _candidates_at(ls, uri, line, pinned), candidate)


async def listed_candidates(ls: CodegenServer, data: Any) -> list[types.CodeAction]:
    """Every candidate for the comment prompt named by `data` ({uri, line, version?}), as
    the actions a second Ctrl+. lists, waiting for them to be written if need be."""
    uri, line, _, version = _parse_data(data)
    return candidate_actions(ls, await _candidates_at(ls, uri, line, version), line)


async def _candidates_at(ls: CodegenServer, uri: str, line: int, version: int | None) -> Generated:
    """The candidates for the comment prompt on `line` (of `version` unless None);
    ContentModified when the document no longer fits."""
    document = ls.document(uri)
    if version is not None and document.version != version:
        raise content_modified("the document changed since these candidates; ask again")
    prompt = prompt_at(document, line)
    if prompt is None:
        raise content_modified(
            f"line {line + 1} of {uri} holds no comment prompt (no longer, or never did)"
        )
    generated = await comment_candidates(ls, document, prompt)
    if generated is None:
        raise content_modified("the document changed while code was generated; try again")
    return generated


def _parse_data(data: Any) -> tuple[str, int, int | None, int | None]:
    """(uri, line, candidate, version) of an action's or a command's `data`."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("uri"), str)
        or not isinstance(data.get("line"), int)
        or not isinstance(data.get("candidate", 0), int)
        or not isinstance(data.get("version", 0), int)
    ):
        raise invalid_params(
            "code action data must be {uri: string, line: integer, version?: integer,"
            " candidate?: integer}"
        )
    return data["uri"], data["line"], data.get("candidate"), data.get("version")


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
    # The best pick failing the user's examples is inserted marked, never silently.
    text = inserted_text(best, insertion, mark=index is None)
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
