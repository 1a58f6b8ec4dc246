"""Operating-system isolation around a worker: bubblewrap when it works, rlimits always.

With bubblewrap a worker sees a read-only view of the machine in which the places
that hold secrets or scratch data (/tmp, /var/tmp, /run, /root, /home, the user's
home, the system temp dir) are empty, size-capped tmpfs mounts; only its own temp dir
is writable; it has its own pid, network (loopback only, nothing listening), ipc and
uts namespaces, a minimal /proc and /dev, and dies with the server.

Root needs care: RLIMIT_NPROC does not bind uid 0 (a fork bomb would run the host out
of pids), and inside a user namespace bubblewrap keeps root's capabilities (enough to
remount the read-only view writable). So when the server runs as root, bubblewrap is
used WITHOUT a user namespace, with every capability dropped except setuid/setgid,
and the worker switches to a throw-away uid of its own (after its rlimits, before any
candidate code). Everyone else gets `--unshare-all` and no capabilities.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BUBBLEWRAP = "bubblewrap + rlimits"
RLIMITS_ONLY = "rlimits only"

PROBE_TIMEOUT = 5.0
# Throw-away uids for workers when the server is root: far above regular users and the
# usual subuid ranges, below 2**31 (some tools read uids as signed), one per live worker
# so that their RLIMIT_NPROC counts stay apart.
SANDBOX_UID_BASE = 1_500_000_000
SANDBOX_UID_COUNT = 600_000_000
PROBE_UID = SANDBOX_UID_BASE - 1  # only ever used by can_run_as

_SCRATCH_DIRS = ("/tmp", "/var/tmp")  # hidden, but left writable (capped) for tempfile users
_SECRET_DIRS = ("/run", "/root", "/home", "/mnt", "/media")
_NEVER_HIDE = frozenset(
    {
        "/",
        "/usr",
        "/etc",
        "/bin",
        "/sbin",
        "/lib",
        "/lib64",
        "/var",
        "/proc",
        "/dev",
        "/sys",
        "/opt",
    }
)
_SCRATCH_SIZE = 16 * 1024 * 1024
_MOUNT_POINT_SIZE = 1024 * 1024  # the other tmpfs mounts only hold mount points
_SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# What proves a Python runs for another uid (its start-up imports included).
PYTHON_PROBE = ("-B", "-s", "-c", "import encodings, json, os")


def running_as_root() -> bool:
    """True when the server has root's uid (and so needs to drop it for the code)."""
    return os.geteuid() == 0


@functools.cache
def bubblewrap_path() -> str | None:
    """Where `bwrap` is, or None."""
    return shutil.which("bwrap")


@functools.cache
def bubblewrap_available() -> bool:
    """Whether bubblewrap can actually build our sandbox here (probed once, then cached).

    Being installed is not enough: containers often forbid the namespaces it needs.
    """
    bwrap = bubblewrap_path()
    true = shutil.which("true")
    if bwrap is None or true is None:
        return False
    command = [bwrap, *_base_mounts(), *_namespace_flags(for_worker=True), true]
    try:
        done = run_probe(command, PROBE_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def run_probe(
    command: list[str], timeout: float, **extra: Any
) -> subprocess.CompletedProcess[bytes]:
    """Run a short probe command quietly: no stdin, output captured, a scrubbed
    environment, cwd "/". Raises what `subprocess.run` raises."""
    options: dict[str, Any] = {"env": probe_environment(), "cwd": "/", **extra}
    return subprocess.run(
        command,
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
        **options,
    )


def ask_version(
    command: list[str], pattern: re.Pattern[str], timeout: float
) -> tuple[re.Match[str] | None, str]:
    """Run `command` (an untrusted runtime asked for its version) as a probe, inside
    bubblewrap when there is one; the match of `pattern` on its output, or None and what
    went wrong. Blocking."""
    try:
        done = run_probe([*probe_prefix(), *command], timeout)
    except subprocess.TimeoutExpired:
        return None, f"did not answer within {timeout:g} s"
    except OSError as error:
        return None, f"could not be started ({error.strerror or error})"
    output = done.stdout.decode(errors="replace").strip()
    match = pattern.match(output)
    if done.returncode != 0 or match is None:
        tail = (done.stderr.decode(errors="replace").strip().splitlines() or [output or "?"])[-1]
        return None, f"failed (exit status {done.returncode}: {tail[:200]})"
    return match, ""


def isolation_name() -> str:
    """'bubblewrap + rlimits' when bubblewrap works here, else 'rlimits only'."""
    return BUBBLEWRAP if bubblewrap_available() else RLIMITS_ONLY


def probe_prefix() -> list[str]:
    """argv prefix for running an untrusted interpreter just to ask it something.

    A workspace's `.venv/bin/python` comes from whoever wrote the repository: ask it
    for its version in a read-only, network-less bubblewrap when there is one.
    """
    bwrap = bubblewrap_path()
    if bwrap is None or not bubblewrap_available():
        return []
    return [bwrap, *_base_mounts(), *_namespace_flags(for_worker=False), "--"]


def probe_environment() -> dict[str, str]:
    """The environment for probes: nothing of the server's."""
    return {"PATH": _SAFE_PATH, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


def run_environment(workdir: Path, interpreter_path: Path) -> dict[str, str]:
    """The whole environment of a worker: no keys, tokens or cloud/ssh settings.

    LANG is fixed so that results do not depend on the server's locale.
    """
    return {
        "PATH": f"{interpreter_path.parent}:{_SAFE_PATH}",
        "LANG": "C.UTF-8",
        "HOME": str(workdir),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


@functools.cache
def interpreter_paths(interpreter_path: str) -> tuple[str, ...]:
    """Every path the interpreter needs to see: prefixes, executable, sys.path entries.

    They are bound back (read-only) when they fall under a hidden folder, e.g. a pyenv
    in /root or a virtualenv in /tmp. Probed once per interpreter. Blocking.
    """
    script = (
        "import json, os, sys; print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix,"
        " sys.base_exec_prefix, os.path.dirname(sys.executable)] + sys.path))"
    )
    command = [*probe_prefix(), interpreter_path, "-B", "-s", "-c", script]
    paths = [
        str(Path(interpreter_path).parent),
        os.path.dirname(os.path.realpath(interpreter_path)),
    ]
    try:
        done = run_probe(command, PROBE_TIMEOUT)
        found = json.loads(done.stdout) if done.returncode == 0 else []
    except (OSError, subprocess.SubprocessError, ValueError):
        found = []
    paths += [p for p in found if isinstance(p, str) and p]
    every = {os.path.abspath(p) for p in paths} | {os.path.realpath(p) for p in paths}
    return tuple(sorted(p for p in every if os.path.exists(p)))


def hidden_dirs() -> list[str]:
    """The folders bubblewrap replaces with empty tmpfs mounts, outermost only."""
    candidates = [*_SCRATCH_DIRS, *_SECRET_DIRS, tempfile.gettempdir(), os.path.expanduser("~")]
    chosen: list[str] = []
    for path in sorted({os.path.realpath(c) for c in candidates}, key=len):
        if path in _NEVER_HIDE or not os.path.isdir(path):
            continue
        if not any(_is_under(path, outer) for outer in chosen):
            chosen.append(path)
    return chosen


def sandbox_prefix(workdir: Path, visible: Sequence[str]) -> list[str]:
    """The bwrap argv prefix for one worker whose only writable place is `workdir`.

    `visible` (see `interpreter_paths`) stays readable even under a hidden folder.
    """
    bwrap = bubblewrap_path()
    if bwrap is None:
        raise RuntimeError("bubblewrap is not installed")
    hidden = hidden_dirs()
    args = [bwrap, *_base_mounts()]
    for path in hidden:
        scratch = path in _SCRATCH_DIRS or path == os.path.realpath(tempfile.gettempdir())
        perms, size = ("1777", _SCRATCH_SIZE) if scratch else ("0755", _MOUNT_POINT_SIZE)
        args += ["--perms", perms, "--size", str(size), "--tmpfs", path]
    made: set[str] = set(hidden)
    wanted = sorted({p for p in visible if any(_is_under(p, h) for h in hidden)}, key=len)
    bound: list[str] = []
    for path in wanted:
        if any(_is_under(path, outer) for outer in bound):
            continue
        args += _make_parents(path, made)
        args += ["--ro-bind", path, path]
        bound.append(path)
    work = str(workdir)
    args += _make_parents(work, made)
    args += ["--bind", work, work, "--chdir", work]
    args += [*_namespace_flags(for_worker=True), "--hostname", "sandbox", "--"]
    return args


@functools.cache
def can_run_as(uid: int, interpreter_path: str, args: tuple[str, ...] = PYTHON_PROBE) -> bool:
    """Whether the interpreter still works as `uid` (root without bubblewrap only),
    run with `args` (a Python by default).

    E.g. a pyenv under /root (mode 700) does not: the worker then stays root, and
    RLIMIT_NPROC cannot hold a fork bomb. Probed once per interpreter. Blocking.
    """
    command = [interpreter_path, *args]
    try:
        done = run_probe(command, PROBE_TIMEOUT, user=uid, group=uid, extra_groups=[])
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _base_mounts() -> list[str]:
    return ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]


def _namespace_flags(*, for_worker: bool) -> list[str]:
    flags = ["--die-with-parent", "--new-session"]
    if running_as_root():
        # No user namespace (see the module docstring); the worker keeps only what it
        # needs to switch to its throw-away uid, and loses that when it switches.
        flags += [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--cap-drop",
            "ALL",
        ]
        if for_worker:
            flags += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        flags += ["--unshare-all", "--cap-drop", "ALL"]
    return flags


def _make_parents(path: str, made: set[str]) -> list[str]:
    # bwrap creates missing mount points with mode 0700, which a switched uid cannot
    # enter: create them readable first.
    args: list[str] = []
    parents = [str(p) for p in Path(path).parents][::-1]
    for parent in parents:
        if parent in made or not any(_is_under(parent, h) and parent != h for h in made):
            continue
        args += ["--perms", "0755", "--dir", parent]
        made.add(parent)
    return args


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
