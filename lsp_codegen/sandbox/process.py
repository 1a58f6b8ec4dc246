"""One one-shot worker process: start it ahead of time, give it a job, watch it, kill it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsp_codegen.sandbox import isolation, rlimits
from lsp_codegen.sandbox.launch import Launch
from lsp_codegen.sandbox.outcome import Ending, Events
from lsp_codegen.sandbox.types import Check, Limits

STARTUP_TIMEOUT = 10.0  # a cold start is ~0.1 s; this only catches a wedged machine
DRAIN_TIMEOUT = 0.5  # after the kill: time for pipes to deliver what was already written
CHANNEL_LIMIT = 4 * 1024 * 1024  # the result channel carries small JSON lines, no more
STARTUP_OUTPUT = 16 * 1024  # what is kept of a worker's output before its job (bwrap errors)
WORKDIR_PREFIX = "lsp-codegen-run-"  # then the server's pid, then mkdtemp's random part
_LINE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class WorkerSpec:
    """How a sandbox starts its workers."""

    launch: Launch
    bubblewrap: bool
    drop_privileges: bool  # root: the worker switches to its own throw-away uid
    tag: str  # an argv word naming the sandbox, so its processes can be found in `ps`


class StartError(RuntimeError):
    """A worker could not be started."""


class ChannelFlood(Exception):
    """The result channel carried more than any honest worker writes."""


class _Budget:
    """The bytes of stdout + stderr a run may still write."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.exceeded = asyncio.Event()

    def take(self, count: int) -> int:
        allowed = min(count, max(self.left, 0))
        self.left -= count
        if self.left < 0:
            self.exceeded.set()
        return allowed


class _Watcher(asyncio.SubprocessProtocol):
    """Collects stdout/stderr within a byte budget and notices the exit.

    Its own protocol rather than asyncio's Process: Process.wait() also waits for
    every pipe to close, which a stalled or escaped writer can put off indefinitely.
    Output past the budget is read and dropped, so the writer never blocks on us.
    """

    def __init__(self) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.budget = _Budget(STARTUP_OUTPUT)
        self.exited = asyncio.Event()
        self.pipes_closed = asyncio.Event()
        self._open = {1, 2}

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        chunk = data.encode() if isinstance(data, str) else data
        sink = self.stdout if fd == 1 else self.stderr
        sink += chunk[: self.budget.take(len(chunk))]

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        self._open.discard(fd)
        if not self._open:
            self.pipes_closed.set()

    def process_exited(self) -> None:
        self.exited.set()

    def start_run(self, output_bytes: int) -> _Budget:
        """Forget start-up output; count the run's output against its limit."""
        self.stdout.clear()
        self.stderr.clear()
        self.budget = _Budget(output_bytes)
        return self.budget


class WorkerProcess:
    """A started worker, waiting for its one job; its temp dir lives as long as it does."""

    def __init__(
        self,
        spec: WorkerSpec,
        transport: asyncio.SubprocessTransport,
        watcher: _Watcher,
        workdir: Path,
        results: asyncio.StreamReader,
        results_transport: asyncio.BaseTransport,
        uid: int | None,
    ) -> None:
        self.spec = spec
        self.workdir = workdir
        self.uid = uid
        self.pid = transport.get_pid()
        self._transport = transport
        self._watcher = watcher
        self._results = results
        self._results_transport = results_transport
        self._ready: asyncio.Task[str | None] = asyncio.ensure_future(self._wait_ready())
        self._disposed = False
        self._stopped = False  # killed by the pool closing, not by its run
        self._runtime_pid: int | None = None  # the runtime's own pid (inside bwrap: its child)

    @classmethod
    async def start(cls, spec: WorkerSpec, uid: int | None) -> WorkerProcess:
        """Start a worker (inside bubblewrap when the spec says so) in a fresh temp dir."""
        loop = asyncio.get_running_loop()
        workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        read_fd, write_fd = os.pipe()
        watcher = _Watcher()
        try:
            if uid is not None:
                # The code (as `uid`) owns it; bwrap and the worker before its switch
                # (root without capabilities) get in through the group.
                os.chown(workdir, uid, os.getegid())
                os.chmod(workdir, 0o770)
            launch = spec.launch
            for name, target in launch.links:
                os.symlink(target, workdir / name)
            prefix = isolation.sandbox_prefix(workdir, launch.visible) if spec.bubblewrap else []
            argv = [*prefix, str(launch.executable), *launch.argv, str(write_fd), spec.tag]
            transport, _ = await loop.subprocess_exec(
                lambda: watcher,
                *argv,
                pass_fds=(write_fd,),
                env=isolation.run_environment(workdir, launch.executable),
                cwd=workdir,
                start_new_session=True,  # its own process group: killpg reaches every child
            )
        except BaseException as error:
            os.close(read_fd)
            remove_tree(workdir)
            if isinstance(error, OSError):
                raise StartError(f"the sandbox could not start: {error}") from error
            raise
        finally:
            os.close(write_fd)  # the child holds the only write end: EOF means it is gone
        reader = asyncio.StreamReader(limit=_LINE_LIMIT)
        try:
            results_transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", buffering=0)
            )
        except BaseException:
            transport.close()  # kills the worker
            remove_tree(workdir)
            raise
        return cls(spec, transport, watcher, workdir, reader, results_transport, uid)

    async def ready(self) -> str | None:
        """Wait until the worker is up; None, or why it failed to start."""
        return await asyncio.shield(self._ready)

    @property
    def alive(self) -> bool:
        """False once the process has exited (a warm worker can die while it waits)."""
        return not self._watcher.exited.is_set()

    def stop(self) -> None:
        """Kill it because the sandbox is closing; a run in progress says so."""
        self._stopped = True
        self.kill()

    async def _wait_ready(self) -> str | None:
        try:
            line = await asyncio.wait_for(self._results.readline(), STARTUP_TIMEOUT)
        except (TimeoutError, ValueError):
            line = b""
        with contextlib.suppress(ValueError):
            event = json.loads(line or b"null")
            if isinstance(event, dict) and event.get("t") == "ready":
                return await self._find_runtime(event.get("pid"))
        self.kill()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._watcher.pipes_closed.wait(), DRAIN_TIMEOUT)
        text = self._watcher.stderr.decode(errors="replace").strip() or "no message"
        return f"the sandbox failed to start: {text[-1000:]}"

    async def _find_runtime(self, pid: object) -> str | None:
        if not self.spec.launch.parent_limits:
            return None
        if not self.spec.bubblewrap:
            self._runtime_pid = self.pid
            return None
        inner = pid if isinstance(pid, int) else -1
        self._runtime_pid = await asyncio.to_thread(rlimits.find_in_namespace, self.pid, inner)
        if self._runtime_pid is None:
            self.kill()
            return "the sandbox failed to start: its process was not found to set its limits"
        return None

    async def execute(
        self, code: str, checks: list[Check], limits: Limits
    ) -> tuple[Events, Ending]:
        """Send the job, watch the run within its limits, then kill the process group."""
        if self._runtime_pid is not None:
            problem = rlimits.apply_to(self._runtime_pid, limits)
            if problem:
                self.kill()
                events = Events()
                events.fatal = "sandbox setup: " + problem
                return events, Ending(returncode=None, seconds=0.0)
        job: dict[str, Any] = {
            "code": code,
            "checks": [{"source": c.source, "label": c.label} for c in checks],
            "limits": {
                "cpu_seconds": limits.cpu_seconds,
                "memory_bytes": limits.memory_bytes,
                "processes": limits.processes,
                "file_bytes": limits.file_bytes,
                "open_files": limits.open_files,
            },
            "run_as": self.uid,
        }
        events = Events()
        watcher = self._watcher
        budget = watcher.start_run(limits.output_bytes)
        stdin = self._transport.get_pipe_transport(0)
        assert isinstance(stdin, asyncio.WriteTransport)
        start = time.perf_counter()
        # stdin stays open after the job: the worker waits on it at the end, and sees
        # end-of-file (and exits) if the server goes away.
        stdin.write(json.dumps(job).encode() + b"\n")
        reading = asyncio.ensure_future(_read_events(self._results, events))
        exited = asyncio.ensure_future(watcher.exited.wait())
        overflow = asyncio.ensure_future(budget.exceeded.wait())
        ending = Ending(returncode=None, seconds=0.0, bubblewrap=self.spec.bubblewrap)
        waiting: set[asyncio.Future[Any]] = {reading, exited, overflow}
        deadline = start + limits.wall_seconds
        try:
            while True:
                remaining = deadline - time.perf_counter()
                finished, _ = await asyncio.wait(
                    waiting, timeout=max(remaining, 0), return_when=asyncio.FIRST_COMPLETED
                )
                if not finished:
                    ending.wall_kill = True
                    break
                if overflow in finished:
                    ending.output_kill = True
                    break
                if reading in finished:
                    if isinstance(reading.exception(), ChannelFlood):
                        ending.channel_kill = True
                        break
                    if events.done:
                        break
                    waiting.discard(reading)  # end of channel without "done": wait for the exit
                if exited in finished:
                    break
            ending.seconds = time.perf_counter() - start
            ending.closed_kill = self._stopped
        finally:
            self.kill()  # every run ends with the process group killed, finished or not
            for future in (exited, overflow):
                future.cancel()
        await self._sweep_uid()
        # What the worker wrote before it ended is still in the pipes: read it out.
        # (A child that escaped the process group can hold them open: not for long.)
        # A worker that finished needs no exit status, and one that closed its output
        # before "done" (node_worker.js) closed the pipes already: its exit, which
        # for a big process is the kernel freeing its memory, is then not waited for.
        if not events.done:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(watcher.exited.wait(), 5.0)
        await _settle([asyncio.ensure_future(watcher.pipes_closed.wait()), reading], DRAIN_TIMEOUT)
        ending.returncode = self._transport.get_returncode()
        ending.stdout = watcher.stdout.decode("utf-8", errors="replace")
        ending.stderr = watcher.stderr.decode("utf-8", errors="replace")
        return events, ending

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (with bwrap: its whole pid namespace)."""
        if self._transport.get_returncode() is not None and self.spec.bubblewrap:
            return  # bwrap is gone, and its pid namespace with it: the group id may be reused
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    async def dispose(self) -> None:
        """Kill what is left, reap it, delete the temp dir. Safe to call twice."""
        if self._disposed:
            return
        self._disposed = True
        self.kill()  # (its start-up watch, if still waiting, then ends by itself)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._watcher.exited.wait(), 5.0)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._watcher.pipes_closed.wait(), DRAIN_TIMEOUT)
        self._transport.close()
        self._results_transport.close()
        await self._sweep_uid()
        await asyncio.to_thread(remove_tree, self.workdir)

    async def _sweep_uid(self) -> None:
        # Without a pid namespace, a child that left the process group (setsid)
        # survives killpg; but everything running as this throw-away uid is ours.
        if self.uid is not None and not self.spec.bubblewrap:
            await asyncio.to_thread(kill_uid, self.uid)


async def _read_events(reader: asyncio.StreamReader, events: Events) -> None:
    total = 0
    while not events.done:
        try:
            line = await reader.readline()
        except ValueError as error:  # a line longer than any event
            raise ChannelFlood from error
        if not line:
            return
        total += len(line)
        if total > CHANNEL_LIMIT:
            raise ChannelFlood
        events.feed(line)


async def _settle(futures: list[asyncio.Future[Any]], timeout: float) -> None:
    _, pending = await asyncio.wait(futures, timeout=timeout)
    for future in pending:
        future.cancel()
    for future in futures:
        if future.done() and not future.cancelled():
            future.exception()  # retrieved, so asyncio does not log it as lost


def kill_uid(uid: int) -> None:
    """SIGKILL every live process of `uid` (a throw-away sandbox uid), until none is left."""
    for _ in range(50):
        found = False
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and _runs_as(entry.name, uid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(entry.name), signal.SIGKILL)
                found = True
        if not found:
            return
        time.sleep(0.01)


def _runs_as(pid: str, uid: int) -> bool:
    # /proc/PID is owned by root once a process changed uid: read its status instead.
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
    except OSError:
        return False
    if fields.get("State", "").strip().startswith(("Z", "X")):
        return False  # already dead, waiting to be reaped
    real = fields.get("Uid", "").split()
    return bool(real) and real[0] == str(uid)


def remove_stale_workdirs() -> None:
    """Delete the temp dirs that servers which died without cleaning up left behind.

    A dir names its server's pid; one whose server is gone is nobody's. (A reused pid
    only keeps a stale dir a while longer.) Blocking.
    """
    root = Path(tempfile.gettempdir())
    for path in root.glob(f"{WORKDIR_PREFIX}*-*"):
        owner = path.name[len(WORKDIR_PREFIX) :].split("-", 1)[0]
        if not owner.isdigit() or int(owner) == os.getpid():
            continue
        try:
            os.kill(int(owner), 0)
        except ProcessLookupError:
            remove_tree(path)
        except PermissionError:
            pass  # alive, someone else's


def remove_tree(path: Path) -> None:
    """Delete a temp dir even where the code removed its own permissions."""

    def unlock(function: Any, name: str, _: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            os.chmod(name, stat.S_IRWXU)
        with contextlib.suppress(OSError):
            function(name)

    shutil.rmtree(path, onerror=unlock)
