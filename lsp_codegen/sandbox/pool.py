"""Warm workers: one-shot processes started ahead of time, replaced in the background."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from lsp_codegen.sandbox import isolation
from lsp_codegen.sandbox.process import StartError, WorkerProcess, WorkerSpec

log = logging.getLogger(__name__)


class UidPool:
    """Throw-away uids for workers of a root server, one per live worker.

    Drawn at random from a range of hundreds of millions, not lowest-free: other
    server processes on the machine draw from the same range without knowing our
    choices, and the killed processes of a run (a fork bomb's, say) can linger as
    zombies until init reaps them, still counting against their uid's RLIMIT_NPROC.
    """

    def __init__(
        self, base: int, count: int, draw: Callable[[int, int], int] | None = None
    ) -> None:
        self._base = base
        self._count = count
        self._draw = draw or random.SystemRandom().randrange
        self._used: set[int] = set()

    def take(self) -> int:
        """A uid no live worker of ours has."""
        if len(self._used) >= self._count:
            raise StartError("no free sandbox uid: too many workers alive")
        while True:
            uid = self._draw(self._base, self._base + self._count)
            if uid not in self._used:
                self._used.add(uid)
                return uid

    def give(self, uid: int) -> None:
        """Return a uid once its worker and every process it started are gone."""
        self._used.discard(uid)


# Shared by every sandbox of the process: two pools must never hand out the same uid.
UIDS = UidPool(isolation.SANDBOX_UID_BASE, isolation.SANDBOX_UID_COUNT)


class WarmPool:
    """Keeps `warm` workers started (interpreter loaded, blocked on stdin) for the next runs.

    Workers are one-shot: a run takes one, and when it is over a replacement is
    started in the background, so no run ever sees what an earlier run left behind.
    """

    def __init__(self, spec: Callable[[], Awaitable[WorkerSpec]], warm: int) -> None:
        self._spec = spec
        self._warm = max(0, warm)
        self._idle: collections.deque[WorkerProcess] = collections.deque()
        self._starting: set[asyncio.Task[None]] = set()
        self._spawns: set[asyncio.Future[Any]] = set()  # starts and clean-ups under way
        self._busy: set[WorkerProcess] = set()
        self._closed = False

    async def take(self) -> tuple[WorkerProcess, bool]:
        """A worker for one run, and whether it was started ahead of time."""
        if self._closed:
            raise RuntimeError("the sandbox is closed")
        while self._idle and not self._idle[0].alive:
            self.release_soon(self._idle.popleft())  # died while it waited (killed, OOM)
        if self._idle:
            worker, warm = self._idle.popleft(), True
        else:
            worker, warm = await self.start(), False
        self._busy.add(worker)
        return worker, warm

    async def start(self) -> WorkerProcess:
        """Start one worker now (the cold path).

        The start itself is never cancelled (asyncio cannot cancel a half-made
        subprocess cleanly): a cancelled caller leaves it to finish and be disposed of.
        """
        spawn = asyncio.ensure_future(self._spawn())
        self._spawns.add(spawn)
        spawn.add_done_callback(self._spawns.discard)
        try:
            return await asyncio.shield(spawn)
        except asyncio.CancelledError:
            spawn.add_done_callback(self._dispose_unwanted)
            raise

    async def _spawn(self) -> WorkerProcess:
        spec = await self._spec()
        uid = UIDS.take() if spec.drop_privileges else None
        try:
            return await WorkerProcess.start(spec, uid)
        except BaseException:
            if uid is not None:
                UIDS.give(uid)
            raise

    def _dispose_unwanted(self, spawn: asyncio.Future[WorkerProcess]) -> None:
        if not spawn.cancelled() and spawn.exception() is None:
            self.release_soon(spawn.result())

    def release_soon(self, worker: WorkerProcess) -> None:
        """release() in the background: the caller need not wait for the reaping and rm -r.

        The worker's process group must already have been killed (execute() does).
        """
        self._busy.discard(worker)
        cleanup = asyncio.ensure_future(self.release(worker))
        self._spawns.add(cleanup)
        cleanup.add_done_callback(self._spawns.discard)

    async def release(self, worker: WorkerProcess) -> None:
        """Kill and clean up a worker after its run (or a failed start)."""
        self._busy.discard(worker)
        try:
            await worker.dispose()
        finally:
            if worker.uid is not None:
                UIDS.give(worker.uid)
            # Replace it only now: a start-up (~0.1 s of CPU) running beside the run
            # would slow the very run the warm worker was there to speed up.
            self.refill()

    def refill(self) -> None:
        """Start workers in the background until `warm` are idle or starting."""
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: the first run refills
            while len(self._idle) + len(self._starting) < self._warm:
                task = asyncio.get_running_loop().create_task(self._start_idle())
                self._starting.add(task)
                task.add_done_callback(self._starting.discard)

    async def _start_idle(self) -> None:
        try:
            worker = await self.start()
        except Exception as error:  # noqa: BLE001 - a run will start its own and report
            log.warning("could not pre-start a sandbox worker: %s", error)
            return
        if self._closed:
            await self.release(worker)
        else:
            self._idle.append(worker)

    async def wait_warm(self) -> None:
        """Wait until the warm workers being started are up."""
        while self._starting:
            await asyncio.gather(*self._starting, return_exceptions=True)
        for worker in list(self._idle):
            await worker.ready()

    async def close(self) -> None:
        """Kill every worker, idle or busy, and stop starting new ones."""
        self._closed = True
        # Starts in progress are let finish (see start()); they then see the pool closed.
        while self._starting or self._spawns:
            await asyncio.gather(*self._starting, *self._spawns, return_exceptions=True)
        workers = [*self._idle, *self._busy]
        self._idle.clear()
        for worker in workers:
            worker.stop()
        await asyncio.gather(*(self.release(w) for w in workers), return_exceptions=True)
