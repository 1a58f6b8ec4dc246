"""Suggestions while the user types, shared by inline completion and completion items.

An editor may ask both on the same keystroke (VS Code's quick suggestions send
textDocument/completion beside textDocument/inlineCompletion). Both are answered
from one generation: the rest of the suggestion already shown, the document's
pending generation, or, after a pause in typing, a new one that the other joins.
Two generations for one keystroke would share one engine, and the ghost text
would wait behind the menu's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from lsp_codegen.context.document import Document
from lsp_codegen.context.insertion import locate_insertion, next_lines_insertion
from lsp_codegen.context.prompt import start_alike
from lsp_codegen.context.types import Prompt
from lsp_codegen.pipeline import OnUpdate, rank_so_far
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.generation import compute, current
from lsp_codegen.server.inline_cache import Remainder, remainders
from lsp_codegen.server.pending import Pending
from lsp_codegen.server.results import Generated
from lsp_codegen.server.traces import current_trace
from lsp_codegen.stages import StageLog


@dataclass(frozen=True)
class Suggestions:
    """What to insert at the cursor, best first; `stale` when the document changed while
    the candidates were written (nothing to show)."""

    remainders: list[Remainder]
    stale: bool = False


async def suggest(
    ls: CodegenServer, document: Document, offset: int, *, typing: bool, received: float
) -> Suggestions:
    """Suggestions at `offset` of `document`. `typing`: the editor asked on its own while
    the user types; wait for a pause first, and answer by `inline.answerMs` after
    `received` with the whole lines written by then."""
    trace = current_trace()
    if typed_into := ls.shown.type_through(document, offset):
        trace.stages.add("type-through", received, note="the rest of the shown suggestion")
        return Suggestions(typed_into)
    if (joined := await _from_pending(ls, document, offset)) is not None:
        return Suggestions(joined)
    started = time.monotonic()
    if typing:
        await asyncio.sleep(ls.rhythm.delay(document.uri))  # a newer request cancels this one
        started = trace.stages.add("wait", received, note="for a pause in typing")
        # Another request for this keystroke (inline beside completion) may have started
        # the generation during the wait.
        if (joined := await _from_pending(ls, document, offset)) is not None:
            return Suggestions(joined)
    answer_at = received + ls.settings.inline.answer_ms / 1000 if typing else None
    generated, ended = await _generate(ls, document, offset, answer_at)
    ls.rhythm.answered(time.monotonic() - started)
    if generated is None:
        trace.why_empty = "the document changed while the candidates were written"
        return Suggestions([], stale=True)
    ls.shown.remember(generated)
    if ended:  # else the generation itself goes on with what follows
        speculate(ls, generated)
    return Suggestions(remainders(generated, ""))


async def _from_pending(
    ls: CodegenServer, document: Document, offset: int
) -> list[Remainder] | None:
    """Remainders from a generation already running (or speculated) for this text.

    None (a new generation is due) when there is none, when it was stopped, or when
    none of its candidates begins with the text typed since it began.
    """
    joined = ls.pending.join(document, offset)
    if joined is None:
        return None
    trace, asked = current_trace(), time.monotonic()
    trace.joined, trace.generation = joined.pending.owner, joined.pending.stages
    outcome = await joined.remainders()
    trace.stages.add("join", asked, typed=len(joined.typed))
    if outcome is None:
        trace.joined = trace.generation = None
        return None
    generated, found = outcome
    trace.use(generated.result)
    if not found and joined.typed:
        trace.joined = trace.generation = None
        return None
    ls.shown.remember(generated)
    speculate(ls, generated)
    return found


async def _generate(
    ls: CodegenServer, document: Document, offset: int, answer_at: float | None
) -> tuple[Generated | None, bool]:
    """Generate at `offset` as the document's pending generation (which newer requests
    for the same text plus typed characters may join); None when stale. `answer_at`
    (a request sent while the user types, `inline.answerMs` after it arrived): answer
    then with the whole lines written by then; the flag is False when the generation
    goes on after this answer."""
    insertion = locate_insertion(document.text, offset, document.language_id, document.line_index)
    typing = answer_at is not None
    trace = current_trace()

    def run(on_update: OnUpdate, stages: StageLog) -> Coroutine[Any, Any, Generated]:
        return compute(ls, document, insertion, on_update=on_update, typing=typing, stages=stages)

    pending = ls.pending.start(document, insertion, run, owner=trace.id)
    trace.generation = pending.stages
    if answer_at is None or not ls.settings.inline.answer_ms:
        generated = await pending.result()
        trace.use(generated.result)
        return current(ls, generated), True
    seconds = answer_at - time.monotonic()
    generated, ended = await pending.answer_by(seconds, lambda p: _so_far(ls, p))
    trace.use(generated.result)
    if not ended:
        trace.stages.add("early answer", pending.started, note="whole lines written so far")
    return current(ls, generated), ended


def _so_far(ls: CodegenServer, pending: Pending) -> Generated:
    """What `pending` has streamed, ranked as if it had stopped now."""
    seconds = time.monotonic() - pending.started
    result = rank_so_far(pending.collected, pending.insertion, model_name(ls), seconds)
    return Generated(pending.document, pending.insertion, result)


def model_name(ls: CodegenServer) -> str:
    """The loaded engine's model name ("" before it loads)."""
    engine = ls.models.current()
    return engine.info().model if engine is not None else ""


def speculate(ls: CodegenServer, shown: Generated) -> None:
    """With `inline.speculative`, start generating what follows accepting `shown`'s best:
    the lines after it, shown at once after Tab and typed through after Enter."""
    shown_prompt = shown.result.prompt
    if not ls.settings.inline.speculative or not shown.result.candidates or shown_prompt is None:
        return
    before = shown.insertion
    accepted = before.leading + shown.result.candidates[0].text
    document = shown.document.replaced(before.offset, before.offset, accepted)
    offset = before.offset + len(accepted)
    insertion = next_lines_insertion(
        document.text, offset, document.language_id, document.line_index
    )

    def only_if(prompt: Prompt) -> bool:
        # Not when the prompt window of a long file would move (it moves in steps): that
        # is a whole prompt read now, and another one when the user types on instead.
        return start_alike(prompt, shown_prompt)

    def run(on_update: OnUpdate, stages: StageLog) -> Coroutine[Any, Any, Generated]:
        return compute(
            ls,
            document,
            insertion,
            on_update=on_update,
            speculative=True,
            only_if=only_if,
            stages=stages,
        )

    ls.pending.start(document, insertion, run, speculative=True)
