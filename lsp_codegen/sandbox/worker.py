"""The child side of a sandboxed run: this file is executed INSIDE the sandboxed python.

The parent starts `python -B -s -u -c <this source> <result fd> <tag>` ahead of time
(inside bubblewrap where available), so a run only pays for sending its job. Protocol:

* the worker writes `{"t": "ready"}` on the result fd once the interpreter is up;
* the parent writes one JSON line on stdin: {code, checks: [{source, label}], limits, run_as};
* the worker applies its rlimits (and, when the server runs as root, switches to the
  unprivileged uid `run_as`) BEFORE any candidate code runs, then executes the code and
  each check in one fresh module namespace, writing one JSON line per event on the
  result fd: {"t": "code", ...}, {"t": "begin", "i"}, {"t": "check", "i", ...}, {"t": "done"};
* after "done" it waits until the parent kills its process group (or closes stdin).

Results go to a dedicated fd, never stdout: candidate code may print anything. The
candidate runs in this same process, so it could forge that channel; the sandbox
protects the machine from the code, it does not make the code's self-report
tamper-proof.

Stdlib only, and Python 3.8+ compatible: it may run under a workspace's interpreter.
"""

from __future__ import annotations

import ast
import contextlib
import faulthandler
import json
import linecache
import math
import os
import resource
import sys
import time
import traceback
import types
from typing import Any

CODE_FILE = "<candidate>"
MODULE_NAME = "__candidate__"  # not "__main__": a demo `if __name__ == "__main__":` block stays off
LEFT = "__sandbox_left__"
RIGHT = "__sandbox_right__"
MESSAGE_LIMIT = 2000
REPR_LIMIT = 300


def emit(fd: int, event: dict[str, Any]) -> None:
    """Write one event as a JSON line on the result fd (all of it, even if the pipe is slow)."""
    data = (json.dumps(event) + "\n").encode()
    while data:
        written = os.write(fd, data)
        data = data[written:]


def clip(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Shorten text for a message, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_repr(value: object) -> str:
    """repr() that never raises and never floods a message."""
    try:
        text = repr(value)
    except BaseException:  # a hostile __repr__ may raise anything
        text = f"<unprintable {type(value).__name__}>"
    return clip(text, REPR_LIMIT)


def describe_exception(error: BaseException) -> str:
    """'Type: message' for an exception, tolerant of a broken __str__."""
    try:
        text = str(error)
    except BaseException:
        text = ""
    name = type(error).__name__
    return clip(f"{name}: {text}" if text else name)


def apply_limits(limits: dict[str, Any]) -> None:
    """Set the run's rlimits; called before any candidate code runs.

    RLIMIT_CPU counts the whole process, interpreter start-up included, in whole
    seconds: the soft limit is what was already used plus the budget, rounded up
    (never less than asked); the hard limit one second later is SIGKILL for code that
    catches SIGXCPU.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = max(1, math.ceil(usage.ru_utime + usage.ru_stime + float(limits["cpu_seconds"])))
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    _set_limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    _set_limit(resource.RLIMIT_NPROC, int(limits["processes"]))
    _set_limit(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    _set_limit(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    _set_limit(resource.RLIMIT_CORE, 0)  # an abort must not write a core file


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    _, current_hard = resource.getrlimit(which)
    # An unprivileged process cannot raise its hard limit: stay within the current one.
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def drop_privileges(uid: int) -> None:
    """Become `uid` for good (groups, then gid, then uid); refuse to go on otherwise.

    Used when the server runs as root: RLIMIT_NPROC does not bind root, and root
    would be able to undo every other limit.
    """
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
        raise PermissionError(f"could not switch to uid {uid}")
    _no_new_privileges()


def _no_new_privileges() -> None:
    # bubblewrap sets this already; without it, stop set-uid programs (su, sudo) from
    # giving the code its privileges back. Best effort: ctypes may be missing.
    with contextlib.suppress(Exception):
        import ctypes  # imported ahead by _preload(), so this costs nothing then

        ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS


def _preload() -> None:
    # Imports the run itself may need, done while the worker is still only warm.
    with contextlib.suppress(Exception):
        import ctypes  # noqa: F401


def instrument(source: str) -> ast.Module:
    """Parse a check and make each top-level `assert` keep the values it compared.

    `assert a == b` becomes `assert (LEFT := a) == (RIGHT := b)`: each side is still
    evaluated once, in order, and a failure can report the actual value.
    """
    tree = ast.parse(source, mode="exec")
    for statement in tree.body:
        if not isinstance(statement, ast.Assert):
            continue
        test = statement.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            test.left = _capture(LEFT, test.left)
            test.comparators[0] = _capture(RIGHT, test.comparators[0])
        elif not isinstance(test, ast.Compare):
            statement.test = _capture(LEFT, test)
    return ast.fix_missing_locations(tree)


def _capture(name: str, node: ast.expr) -> ast.expr:
    target = ast.copy_location(ast.Name(id=name, ctx=ast.Store()), node)
    return ast.copy_location(ast.NamedExpr(target=target, value=node), node)


def describe_failure(label: str, error: AssertionError, namespace: dict[str, Any]) -> str:
    """The message for a failed check: its label, the actual value, the assert's own text."""
    parts = [label]
    if LEFT in namespace:
        got = safe_repr(namespace[LEFT])
        detail = "got " + got
        if RIGHT in namespace:
            expected = safe_repr(namespace[RIGHT])
            # Repeat the other side only when the label does not already show it
            # ("fib(10) == 55" needs no "expected 55").
            if expected not in label:
                detail += ", expected " + expected
        parts.append(detail)
        try:
            note = str(error)  # the assert's own message, if it has one
        except BaseException:
            note = ""
        if note:
            parts.append(note)
    else:
        # Nothing captured: the AssertionError came from inside the code, or from a
        # form we do not instrument (chained comparisons).
        text = describe_exception(error)
        parts.append(text if text != "AssertionError" else "assertion failed")
    return clip(": ".join(parts))


def run_code(code: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Execute the candidate's code; return its "code" event."""
    try:
        compiled = compile(code, CODE_FILE, "exec")
    except SyntaxError as error:
        message = f"SyntaxError: {error.msg} (line {error.lineno})"
        return {"t": "code", "verdict": "error", "message": clip(message)}
    except (MemoryError, ValueError, RecursionError) as error:
        return {"t": "code", "verdict": "error", "message": describe_exception(error)}
    # Tracebacks then show the candidate's lines, not just "<candidate>, line 3".
    linecache.cache[CODE_FILE] = (len(code), None, code.splitlines(True), CODE_FILE)
    try:
        exec(compiled, namespace)
    except MemoryError:
        return {"t": "code", "verdict": "memory", "message": "MemoryError"}
    except BaseException as error:  # SystemExit and the like end the code too
        _print_traceback(error)
        return {"t": "code", "verdict": "error", "message": describe_exception(error)}
    return {"t": "code", "verdict": "passed", "message": ""}


def run_check(index: int, check: dict[str, str], namespace: dict[str, Any]) -> dict[str, Any]:
    """Run one check in the code's namespace; return its "check" event."""
    label = check.get("label") or check["source"]
    event: dict[str, Any] = {"t": "check", "i": index, "seconds": 0.0}
    try:
        compiled = compile(instrument(check["source"]), f"<check {index}>", "exec")
    except SyntaxError as error:
        event.update(verdict="error", message=clip(f"{label}: SyntaxError: {error.msg}"))
        return event
    namespace.pop(LEFT, None)
    namespace.pop(RIGHT, None)
    start = time.perf_counter()
    try:
        exec(compiled, namespace)
        event.update(verdict="passed", message="")
    except AssertionError as error:
        event.update(verdict="failed", message=describe_failure(label, error, namespace))
    except MemoryError:
        event.update(verdict="memory", message=label + ": MemoryError")
    except BaseException as error:  # the check may raise anything, SystemExit included
        _print_traceback(error)
        event.update(verdict="error", message=clip(label + ": " + describe_exception(error)))
    finally:
        event["seconds"] = time.perf_counter() - start
        namespace.pop(LEFT, None)
        namespace.pop(RIGHT, None)
    return event


def _print_traceback(error: BaseException) -> None:
    # Start below the worker's own exec() frame: the user wants their code's lines.
    tb = error.__traceback__
    tb = tb.tb_next if tb is not None and tb.tb_next is not None else tb
    with contextlib.suppress(BaseException):  # a traceback is a courtesy, never a failure
        traceback.print_exception(type(error), error, tb, file=sys.__stderr__)


def _take_stdin() -> int:
    """Keep stdin (the job, then the end-of-run signal) for the worker; give the code /dev/null.

    `input()` in candidate code then sees end-of-file instead of waiting for the parent.
    """
    control = os.dup(0)
    os.set_inheritable(control, False)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return control


def _read_line(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    return b"".join(chunks)


def _flush_stdio() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except BaseException:  # the code may have closed or replaced them
            pass


def main(argv: list[str]) -> None:
    """Serve one job (see the module docstring), then exit."""
    result_fd = int(argv[1])
    faulthandler.enable(file=2)  # a segfault leaves a Python traceback on stderr
    os.set_inheritable(result_fd, False)  # programs the code starts do not get the channel
    control = _take_stdin()
    _preload()
    emit(result_fd, {"t": "ready"})
    line = _read_line(control)
    if not line.strip():
        os._exit(0)  # the parent went away (or closed the pool) before sending a job
    job = json.loads(line)
    try:
        apply_limits(job["limits"])
        if job.get("run_as") is not None:
            drop_privileges(int(job["run_as"]))
    except BaseException as error:  # never run code without its limits
        emit(result_fd, {"t": "fatal", "message": "sandbox setup: " + describe_exception(error)})
        os._exit(70)
    os.environ.pop("PWD", None)  # bwrap's --chdir adds it; the code gets exactly what we sent
    module = types.ModuleType(MODULE_NAME)
    sys.modules[MODULE_NAME] = module  # dataclasses, pickle and typing look the module up
    namespace = module.__dict__
    code_event = run_code(job["code"], namespace)
    emit(result_fd, code_event)
    if code_event["verdict"] == "passed":
        for index, check in enumerate(job["checks"]):
            emit(result_fd, {"t": "begin", "i": index})
            emit(result_fd, run_check(index, check, namespace))
    _flush_stdio()
    emit(result_fd, {"t": "done"})
    # The parent kills the whole process group now; wait for that (or for stdin to close).
    _read_line(control)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
