"""Bridging a generation that runs on a worker thread to an async stream of updates."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor

from lsp_codegen.engine.base import CancelToken, CandidateUpdate, EngineStats

log = logging.getLogger(__name__)

Emit = Callable[[CandidateUpdate], None]
# Runs on the worker: generates, calling `emit` once per update.
Job = Callable[[Emit], None]

_END = object()


def counted(stats: EngineStats, cancel: CancelToken, job: Job) -> Job:
    """`job`, counted in `stats`: a generation, active while it runs, and the decode steps
    it ran after `cancel` was set."""

    def run(emit: Emit) -> None:
        stats.generations += 1
        stats.active += 1
        stats.started_at = time.monotonic()
        try:
            job(emit)
        finally:
            stats.active -= 1
            if cancel.cancelled:
                stats.steps_after_cancel.append(cancel.steps_after)

    return run


async def stream_on_worker(
    worker: ThreadPoolExecutor, job: Job, cancel: CancelToken
) -> AsyncIterator[CandidateUpdate]:
    """Run `job` on `worker` and yield what it emits, in order, as it emits it.

    Closing the iterator (the awaiting task was cancelled, or the consumer
    stopped early) sets `cancel`, so the job stops at its next token.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()

    def emit(item: object) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, item)

    def run() -> None:
        try:
            job(emit)
        except Exception:
            raise
        except BaseException as error:
            # SystemExit or KeyboardInterrupt in the worker must not reach the
            # event loop as themselves: they would stop the whole server.
            raise RuntimeError(f"the engine worker stopped: {error!r}") from error
        finally:
            emit(_END)

    future = loop.run_in_executor(worker, run)
    try:
        while (item := await queue.get()) is not _END:
            assert isinstance(item, CandidateUpdate)
            yield item
        await future
    finally:
        cancel.cancel()
        if not future.done():
            future.add_done_callback(_log_failure)


def _log_failure(job: asyncio.Future[None]) -> None:
    """Log an error from a generation whose consumer had already gone."""
    if not job.cancelled() and (error := job.exception()) is not None:
        log.error("abandoned generation failed: %s", error, exc_info=error)
