"""Rlimits set from outside, for runtimes that cannot set their own (Node has no setrlimit).

worker.py sets its limits itself once its job arrives. A Node worker cannot, so the
parent sets them on the worker's process (prlimit) before it sends the job: no
candidate code ever runs without them. A warm Node process has already reserved
address space, threads and descriptors, so those limits are what it holds now plus
the run's allowance; CPU time, as in worker.py, is what it has used plus the budget.
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
from collections.abc import Callable, Iterator
from pathlib import Path

from lsp_codegen.sandbox.types import Limits

# Threads a Node process may still start on its own (libuv's pool of 4 is lazy):
# they count against RLIMIT_NPROC like processes do.
_RUNTIME_THREADS = 4


def find_in_namespace(outer: int, inner: int) -> int | None:
    """The host pid of the process that is `inner` inside the pid namespace that `outer`
    (bubblewrap) made, searched among `outer`'s descendants; None if there is none. Blocking.
    """
    for pid in _descendants(outer):
        namespaced = (_status(pid) or {}).get("NSpid", "").split()
        if namespaced and namespaced[-1] == str(inner):
            return pid
    return None


def _descendants(outer: int) -> Iterator[int]:
    """`outer`'s descendants, from the kernel's lists of each task's children (a few
    reads) where it keeps them, else from every process's parent (all of /proc)."""
    lists = Path(f"/proc/{outer}/task/{outer}/children").exists()
    children = _children if lists else _every_parent()
    todo = children(outer)
    while todo:
        pid = todo.pop()
        yield pid
        todo += children(pid)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.scandir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                found += map(int, Path(task.path, "children").read_text().split())
    return found


def _every_parent() -> Callable[[int], list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        fields = _status(int(entry.name)) if entry.name.isdigit() else None
        with contextlib.suppress(ValueError):
            if fields is not None:
                children.setdefault(int(fields.get("PPid", "0")), []).append(int(entry.name))
    return lambda pid: list(children.get(pid, []))


def apply_to(pid: int, limits: Limits) -> str | None:
    """Set the run's rlimits on process `pid`; None when done, else what went wrong."""
    try:
        fields = _status(pid)
        if fields is None:
            return "the worker's process is gone"
        cpu = max(1, math.ceil(_cpu_seconds(pid) + limits.cpu_seconds))
        address_space = _kib(fields.get("VmSize", "0 kB")) + limits.memory_bytes
        tasks = int(fields.get("Threads", "1")) + _RUNTIME_THREADS + limits.processes
        files = len(os.listdir(f"/proc/{pid}/fd")) + limits.open_files
        _set(pid, resource.RLIMIT_CPU, cpu, cpu + 1)
        _set(pid, resource.RLIMIT_AS, address_space)
        _set(pid, resource.RLIMIT_NPROC, tasks)
        _set(pid, resource.RLIMIT_FSIZE, limits.file_bytes)
        _set(pid, resource.RLIMIT_NOFILE, files)
        _set(pid, resource.RLIMIT_CORE, 0)  # an abort must not write a core file
    except (OSError, ValueError) as error:
        return f"could not set the worker's limits: {error}"
    return None


def _set(pid: int, which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    _, current_hard = resource.prlimit(pid, which)
    # Never above the hard limit it already has (only root could raise it anyway).
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.prlimit(pid, which, (soft, hard))


def _status(pid: int) -> dict[str, str] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return {
        key: value.strip() for key, _, value in (line.partition(":") for line in text.splitlines())
    }


def _cpu_seconds(pid: int) -> float:
    # utime and stime are fields 14 and 15, counted after the ")" that ends the name.
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    after = stat[stat.rindex(")") + 2 :].split()
    return (int(after[11]) + int(after[12])) / os.sysconf("SC_CLK_TCK")


def _kib(value: str) -> int:
    return int(value.split()[0]) * 1024 if value.split() else 0
