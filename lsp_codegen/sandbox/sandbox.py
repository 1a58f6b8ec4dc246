"""The sandbox the server uses: run candidate code plus checks, get a RunResult."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Sequence
from types import TracebackType

from lsp_codegen.sandbox import isolation
from lsp_codegen.sandbox.launch import Launch, Runtime
from lsp_codegen.sandbox.outcome import Ending, Events, build_result
from lsp_codegen.sandbox.pool import WarmPool
from lsp_codegen.sandbox.process import StartError, WorkerSpec, remove_stale_workdirs
from lsp_codegen.sandbox.types import Check, Limits, RunResult

log = logging.getLogger(__name__)
_SERIAL = itertools.count(1)


class Sandbox:
    """Runs untrusted code in one-shot worker processes, some kept warm.

    Each run gets a fresh worker (a fresh temp dir, a scrubbed environment, its own
    process group, inside bubblewrap when available) that is killed at the end of
    the run whatever happened. At most `concurrency` runs are in flight at once.
    """

    def __init__(
        self,
        interpreter: Runtime,
        warm: int = 2,
        *,
        concurrency: int = 2,
        bubblewrap: bool | None = None,
    ) -> None:
        self.interpreter = interpreter
        self._bubblewrap = isolation.bubblewrap_available() if bubblewrap is None else bubblewrap
        if self._bubblewrap and not isolation.bubblewrap_available():
            raise RuntimeError("bubblewrap was asked for but does not work here")
        self.isolation = isolation.BUBBLEWRAP if self._bubblewrap else isolation.RLIMITS_ONLY
        self.tag = f"lsp-codegen-sandbox:{os.getpid()}:{next(_SERIAL)}"
        self._spec: WorkerSpec | None = None
        self._launch: Launch | None = None
        self._spec_lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._pool = WarmPool(self._worker_spec, warm)
        self._closed = False
        self._pool.refill()  # starts now inside a running loop, else on the first run

    async def run(
        self, code: str, checks: Sequence[Check], limits: Limits | None = None
    ) -> RunResult:
        """Run `code`, then each check in its namespace, within `limits` (defaults: Limits())."""
        if self._closed:
            raise RuntimeError("the sandbox is closed")
        limits = limits or Limits()
        checks = list(checks)
        async with self._slots:
            problem = "the sandbox could not start"
            for _attempt in range(2):
                try:
                    worker, was_warm = await self._pool.take()
                except StartError as error:
                    return _not_started(checks, str(error))
                try:
                    problem = await worker.ready() or ""
                    if not problem:
                        events, ending = await worker.execute(code, checks, limits)
                        return build_result(checks, limits, events, ending)
                finally:
                    # Its process group is dead already (or dies now, if the request was
                    # cancelled); reaping it and deleting its temp dir need not delay us.
                    worker.kill()
                    self._pool.release_soon(worker)
                if self._closed:
                    problem = "the sandbox was closed during the run"
                    break
                if not was_warm:
                    break  # a fresh worker failed: a second one would fail the same way
                log.warning("a warm sandbox worker had died (%s); starting a fresh one", problem)
            return _not_started(checks, problem)

    async def ready(self) -> None:
        """Wait until the warm workers are started (useful at start-up and in benchmarks)."""
        self._pool.refill()
        await self._pool.wait_warm()

    async def close(self) -> None:
        """Kill every worker, warm or running; the sandbox cannot run anything after this."""
        self._closed = True
        await self._pool.close()

    @property
    def contains_fork_bombs(self) -> bool:
        """Whether RLIMIT_NPROC binds the code (it never binds root: see isolation.py)."""
        return not isolation.running_as_root() or self._drops_privileges()

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _worker_spec(self) -> WorkerSpec:
        # Probing the interpreter's paths runs it once (~70 ms): off the event loop, once.
        async with self._spec_lock:
            if self._spec is None:
                await asyncio.to_thread(remove_stale_workdirs)
                launch = await asyncio.to_thread(self._launched)
                drop = await asyncio.to_thread(self._drops_privileges)
                self._spec = WorkerSpec(launch, self._bubblewrap, drop, self.tag)
            return self._spec

    def _launched(self) -> Launch:
        if self._launch is None:
            self._launch = self.interpreter.launch()
        return self._launch

    def _drops_privileges(self) -> bool:
        if not isolation.running_as_root():
            return False
        if self._bubblewrap:
            return True
        # Without bubblewrap the interpreter must be usable by another uid as it is.
        launch = self._launched()
        return isolation.can_run_as(isolation.PROBE_UID, str(launch.executable), launch.probe)


def create_sandbox(interpreter: Runtime, warm: int = 2) -> Sandbox:
    """A Sandbox for `interpreter`, `warm` workers kept started, isolated as well as it can be.

    Call it inside the running event loop to have the warm workers start at once.
    """
    sandbox = Sandbox(interpreter, warm)
    if sandbox.isolation == isolation.RLIMITS_ONLY:
        log.warning("bubblewrap is not available: candidate code runs with rlimits only")
    if isolation.running_as_root() and not sandbox.contains_fork_bombs:
        log.warning(
            "running as root without a usable unprivileged uid: RLIMIT_NPROC will not "
            "hold a fork bomb"
        )
    return sandbox


def _not_started(checks: list[Check], problem: str) -> RunResult:
    events = Events()
    ending = Ending(returncode=None, seconds=0.0)
    events.fatal = problem
    return build_result(checks, Limits(), events, ending)
