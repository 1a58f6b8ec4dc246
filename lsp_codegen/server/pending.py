"""Inline generations still running, which a later request may join instead of starting its own.

Two kinds share one mechanism:

- a request's own generation: the user types the first characters of what is
  still streaming, so the newer request waits for it instead of cancelling it
  and reading the prompt again;
- a speculative one (`inline.speculative`): the lines that follow the
  suggestion shown, generated while the user reads it, before Tab;
- one that answered early (`inline.answerMs`): its request showed the whole lines
  written by then, and it goes on for the rest, like a speculative one.

A generation runs in its own task and is cancelled when its last waiter goes
(a speculative one, which nobody waits for at first, when another request
needs the engine or a newer generation for its document starts).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from lsp_codegen.context.document import Document
from lsp_codegen.context.types import Insertion
from lsp_codegen.engine.base import CandidateUpdate
from lsp_codegen.pipeline import Collected
from lsp_codegen.server.inline_cache import Remainder, remainders, typed_since
from lsp_codegen.server.results import Generated
from lsp_codegen.stages import StageLog

log = logging.getLogger(__name__)

# After its deadline, answer_by looks at what streamed this often.
_POLL_S = 0.03

# Runs the generation, passing each streamed update to its first argument and recording
# its stages in the second.
Run = Callable[[Callable[[CandidateUpdate], None], StageLog], Coroutine[Any, Any, Generated]]


@dataclass
class Pending:
    """One generation in flight (or finished and not yet claimed, when speculative)."""

    document: Document  # the snapshot it generates for
    insertion: Insertion
    speculative: bool
    task: asyncio.Task[Generated] | None = None
    collected: dict[int, Collected] = field(default_factory=dict)  # candidate -> its tokens
    updates: int = 0  # updates streamed so far: answer_by ranks again only after new ones
    waiters: int = 0
    abandoned: bool = False  # cancelled: nobody may join it any more
    answered_early: bool = False  # its request answered before it ended (answer_by)
    started: float = field(default_factory=time.monotonic)
    stages: StageLog = field(default_factory=StageLog)  # the generation's, for traces
    owner: int | None = None  # the trace id of the request that started it

    def on_update(self, update: CandidateUpdate) -> None:
        """Record a streamed piece of a candidate."""
        self.collected.setdefault(update.index, Collected()).add(update)
        self.updates += 1

    def could_begin_with(self, typed: str) -> bool:
        """True while some candidate streamed so far may still start with `typed`."""
        if not typed:
            return True
        leading = self.insertion.leading
        for candidate in self.collected.values():
            full = leading + "".join(candidate.pieces)
            running = candidate.finish is None
            if full.startswith(typed) or (running and typed.startswith(full)):
                return True
        return False

    def task_done(self) -> bool:
        """True once the generation has ended (finished, failed or cancelled)."""
        return self.task is None or self.task.done()

    def cancel(self) -> None:
        """Stop the generation (its engine stops at the next decode step)."""
        self.abandoned = True
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def result(self) -> Generated:
        """Wait for the generation; the last waiter to leave early cancels it."""
        assert self.task is not None
        try:
            return await asyncio.shield(self.task)
        finally:
            self._leave()

    async def answer_by(
        self, seconds: float, so_far: Callable[[Pending], Generated]
    ) -> tuple[Generated, bool]:
        """The result if the generation ends within `seconds`; else, at the first moment
        after that when `so_far` makes something to show of what streamed, that — and
        the generation goes on without this waiter, for whoever joins it (stopped like a
        speculative one when another request needs the engine). The flag: it ended."""
        task, loop = self.task, asyncio.get_running_loop()
        assert task is not None
        deadline, ranked_at = loop.time() + seconds, -1
        try:
            while not task.done():
                if (left := deadline - loop.time()) > 0:
                    await asyncio.wait({task}, timeout=left)
                    continue
                if self.updates != ranked_at:  # something new streamed since the last look
                    ranked_at, shown = self.updates, so_far(self)
                    if shown.result.candidates:
                        self.answered_early = self.speculative = True
                        self.waiters -= 1  # without cancelling: it runs on for a joiner
                        return shown, False
                await asyncio.wait({task}, timeout=_POLL_S)
        except asyncio.CancelledError:
            self._leave()
            raise
        return await self.result(), True

    def _leave(self) -> None:
        self.waiters -= 1
        if self.waiters == 0:
            self.cancel()


@dataclass
class Joined:
    """A request that joined a pending generation, and what it had typed since."""

    pending: Pending
    typed: str

    async def remainders(self) -> tuple[Generated, list[Remainder]] | None:
        """The finished result and the rest of each candidate after `typed` ([] if none
        begins with it); None when the generation was stopped under this request (a
        newer generation replaced it): the request then generates for itself."""
        try:
            generated = await self.pending.result()
        except asyncio.CancelledError:
            request = asyncio.current_task()
            if request is not None and request.cancelling():
                raise  # this request itself was cancelled
            return None
        return generated, remainders(generated, self.typed)


@dataclass
class PendingCounters:
    """How pending generations were used, for engineStatus."""

    joined_streaming: int = 0  # requests answered from a generation still running
    speculative_started: int = 0
    speculative_used: int = 0  # speculative results a request was answered from
    speculative_stopped: int = 0  # stopped because a request needed the engine


class PendingGenerations:
    """The latest inline generation of each document."""

    def __init__(self) -> None:
        self._by_uri: dict[str, Pending] = {}
        self.counters = PendingCounters()

    def start(
        self,
        document: Document,
        insertion: Insertion,
        run: Run,
        *,
        speculative: bool = False,
        owner: int | None = None,
    ) -> Pending:
        """Start `run` as the document's pending generation, cancelling the one before;
        `owner`: the trace id of the request that starts it (None: speculative)."""
        uri = document.uri
        self.drop(uri)
        pending = Pending(document, insertion, speculative, owner=owner)
        pending.task = asyncio.ensure_future(run(pending.on_update, pending.stages))
        pending.task.add_done_callback(lambda _: self._settled(pending))
        self._by_uri[uri] = pending
        if speculative:
            self.counters.speculative_started += 1
        else:
            pending.waiters = 1  # the request that starts it waits for it
        return pending

    def join(self, document: Document, offset: int) -> Joined | None:
        """Join the document's pending generation when `document` is its snapshot plus
        text typed at its insertion point that a candidate may still begin with.

        Synchronous on purpose: the waiter is counted before the request that
        started the generation can be cancelled and leave.
        """
        pending = self._by_uri.get(document.uri)
        if pending is None or pending.abandoned:
            return None
        typed = typed_since(pending.document, pending.insertion, document, offset)
        if typed is None or not pending.could_begin_with(typed):
            return None
        if typed and not pending.collected and not pending.speculative:
            return None  # nothing streamed to match yet: a prompt with `typed` is better
        pending.waiters += 1
        if pending.speculative and not pending.answered_early:
            self.counters.speculative_used += 1
        else:
            self.counters.joined_streaming += 1
        return Joined(pending, typed)

    def yield_engine(self) -> None:
        """Cancel every speculative generation: a request the user waits for needs the engine."""
        for pending in list(self._by_uri.values()):
            if pending.speculative and pending.waiters == 0 and not pending.task_done():
                self.counters.speculative_stopped += 1
                self.drop(pending.document.uri)

    def drop(self, uri: str) -> None:
        """Cancel and forget the pending generation of `uri`."""
        pending = self._by_uri.pop(uri, None)
        if pending is not None:
            pending.cancel()

    def cancel_all(self) -> None:
        """Cancel every pending generation (shutdown)."""
        for uri in list(self._by_uri):
            self.drop(uri)

    def _settled(self, pending: Pending) -> None:
        """A finished generation: keep a speculative result until used; forget the rest."""
        uri = pending.document.uri
        succeeded = _succeeded(pending)  # also marks a failure as seen
        kept = pending.speculative and succeeded
        if self._by_uri.get(uri) is pending and not kept:
            del self._by_uri[uri]


def _succeeded(pending: Pending) -> bool:
    """True when the generation returned a result; a failure is logged (a speculative
    one has nobody to report it to) and so never left unretrieved."""
    task = pending.task
    if task is None or task.cancelled():
        return False
    error = task.exception()
    if error is not None:
        log.info("pending generation for %s failed: %s", pending.document.uri, error)
    return error is None
