"""The sandbox side of comparing and timing two versions of a function, and of
telling apart how several candidates behave.

This file's source is sent to a sandbox worker as the code of a run; one check
then calls `lsp_codegen_compare(job)` (or `lsp_codegen_behaviours(job)`), which
prints one line: RESULT_MARKER and a JSON report. It runs under the workspace's
interpreter, so: stdlib only, and Python 3.8 compatible.

Both versions are loaded as separate modules in the same process, each call gets
freshly built arguments (so a version that mutates them cannot affect the other),
and the function's own output is captured so it cannot forge the report line.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import math
import signal
import sys
import time
import types
from typing import Any

RESULT_MARKER = "@@lsp-codegen-compare@@"
_REPR_LIMIT = 120
_MIN_SAMPLE_SECONDS = 0.002
_MAX_LOOPS = 1000
_REPEATS = 7
_MIN_REPEATS = 3


class _Timeout(BaseException):
    """Raised by the interval timer inside a call that ran too long."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _pack(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return args, kwargs


def _load(source: str, label: str, name: str) -> tuple[Any, dict[str, Any]]:
    module = types.ModuleType("__" + label + "__")
    sys.modules[module.__name__] = module  # dataclasses and pickle look it up
    namespace = module.__dict__
    namespace["__lsp_codegen_pack__"] = _pack
    with _quiet():
        exec(compile(source, "<" + label + ">", "exec"), namespace)
    return namespace[name], namespace


def _arguments(text: str, namespace: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    packed: tuple[tuple[Any, ...], dict[str, Any]] = eval(
        "__lsp_codegen_pack__(" + text + ")", namespace
    )
    return packed


class _Sink(io.TextIOBase):
    """Output thrown away (nothing is kept, however much is printed), remembering
    whether there was any."""

    wrote = False

    def write(self, text: str) -> int:
        self.wrote = self.wrote or bool(text)
        return len(text)


@contextlib.contextmanager
def _quiet(sink: Any = None) -> Any:
    sink = _Sink() if sink is None else sink
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # a hostile __repr__ may raise anything
        text = "<unprintable " + type(value).__name__ + ">"
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 1] + "…"


def _call(
    function: Any, namespace: dict[str, Any], text: str, timeout: float, sink: Any = None
) -> list[Any]:
    """["ok", value, arguments after], ["raise", type name] or ["timeout"]; what the call
    prints goes to `sink` (a _Sink, to learn whether it printed), else nowhere."""
    try:
        args, kwargs = _arguments(text, namespace)
    except BaseException as error:
        return ["raise", "arguments: " + type(error).__name__]
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with _quiet(sink):
            value = function(*args, **kwargs)
    except _Timeout:
        return ["timeout"]
    except BaseException as error:
        return ["raise", type(error).__name__]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return ["ok", value, [args, kwargs]]


def _equal(first: Any, second: Any) -> bool:
    try:
        if type(first) is not type(second):
            return False
        return bool(first == second) or repr(first) == repr(second)
    except BaseException:
        return False


def _same(first: list[Any], second: list[Any]) -> bool:
    if first[0] != second[0]:
        return False
    if first[0] == "raise":
        return bool(first[1] == second[1])
    if first[0] == "ok":
        return _equal(first[1], second[1]) and _equal(first[2], second[2])
    return True


def _describe(outcome: list[Any], timeout: float) -> str:
    if outcome[0] == "ok":
        return "returned " + _short(outcome[1])
    if outcome[0] == "raise":
        return "raised " + str(outcome[1])
    return f"did not finish in {timeout:g} s"


def _compare(job: dict[str, Any], original: Any, rewrite: Any) -> dict[str, Any]:
    timeout = float(job["call_timeout"])
    report: dict[str, Any] = {"identical": 0, "returned": 0, "skipped": 0, "timed": []}
    for index, text in enumerate(job["inputs"]):
        before = _call(original[0], original[1], text, timeout)
        if before[0] == "timeout":
            report["skipped"] += 1  # the original itself does not finish: nothing to compare
            continue
        after = _call(rewrite[0], rewrite[1], text, timeout)
        if not _same(before, after):
            report["mismatch"] = {
                "index": index,
                "original": _describe(before, timeout),
                "rewrite": _describe(after, timeout),
            }
            return report
        report["identical"] += 1
        report["returned"] += before[0] == "ok"
        report["timed"].append(index)
    return report


def _round(function: Any, namespace: dict[str, Any], texts: list[str], loops: int) -> float:
    """Seconds for `loops` calls on every input, argument building left out."""
    total = 0.0
    for _ in range(loops):
        calls = [_arguments(text, namespace) for text in texts]
        with _quiet():
            start = time.perf_counter()
            for args, kwargs in calls:
                # A bare try costs less than contextlib.suppress inside the timed loop.
                try:  # noqa: SIM105
                    function(*args, **kwargs)
                except Exception:
                    pass  # an input both versions raise on is timed as well
            total += time.perf_counter() - start
    return total / loops


def _time(job: dict[str, Any], original: Any, rewrite: Any, timed: list[int]) -> dict[str, Any]:
    texts = [job["inputs"][index] for index in timed]
    versions = [original, rewrite]
    warm = [_round(fn, ns, texts, 1) for fn, ns in versions]  # warm-up, not counted
    loops = int(min(_MAX_LOOPS, max(1, math.ceil(_MIN_SAMPLE_SECONDS / max(min(warm), 1e-9)))))
    per_repeat = sum(warm) * loops
    budget = float(job["timing_budget"])
    repeats = int(max(_MIN_REPEATS, min(_REPEATS, budget // max(per_repeat, 1e-9))))
    samples: list[list[float]] = [[], []]
    gc.disable()
    try:
        for repeat in range(repeats):
            # Alternate which version goes first, so drift in the machine's speed
            # falls on both.
            order = [0, 1] if repeat % 2 == 0 else [1, 0]
            for which in order:
                fn, ns = versions[which]
                samples[which].append(_round(fn, ns, texts, loops))
    finally:
        gc.enable()
    return {"original": samples[0], "rewrite": samples[1], "loops": loops}


def lsp_codegen_compare(job: dict[str, Any]) -> None:
    """Compare the job's two versions on its inputs, time them, print the report."""
    signal.signal(signal.SIGALRM, _on_alarm)
    name = job["name"]
    report: dict[str, Any]
    try:
        original = _load(job["original"], "original", name)
    except BaseException as error:
        report = {"error": "the original does not load: " + type(error).__name__}
    else:
        try:
            rewrite = _load(job["rewrite"], "rewrite", name)
        except BaseException as error:
            report = {"error": "the rewrite does not load: " + _short(error)}
        else:
            report = _compare(job, original, rewrite)
            if "mismatch" not in report and report["timed"] and job["time"]:
                report["timing"] = _time(job, original, rewrite, report["timed"])
    print(RESULT_MARKER + json.dumps(report), file=sys.__stdout__, flush=True)


def _signature(outcome: list[Any]) -> str:
    """A short fingerprint of one call's behaviour (its value and mutated arguments, or
    the exception's type, or a timeout)."""
    if outcome[0] == "ok":
        text = "ok " + repr(outcome[1]) + " " + repr(outcome[2])
    else:
        text = " ".join(str(part) for part in outcome)
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16]


def _untouched(text: str, namespace: dict[str, Any], after: list[Any]) -> bool:
    """Whether a call left its arguments as freshly built ones (one that returns None but
    changes them in place, `xs.sort()`, does something)."""
    try:
        return _equal(list(_arguments(text, namespace)), after)
    except BaseException:
        return False


def _behaviour(job: dict[str, Any], index: int, source: str) -> dict[str, Any]:
    try:
        function, namespace = _load(source, "candidate" + str(index), job["name"])
    except BaseException as error:
        return {"error": type(error).__name__}
    timeout = float(job["call_timeout"])
    output = _Sink()
    signatures, returned, nones = [], 0, 0
    for text in job["inputs"]:
        try:
            outcome = _call(function, namespace, text, timeout, output)
            signatures.append(_signature(outcome))
        except BaseException as error:  # a hostile __repr__ or __eq__
            signatures.append("unreadable " + type(error).__name__)
            continue
        if outcome[0] == "timeout":
            # It would most likely hang on the rest too: one timeout per candidate, not
            # one per input (12 inputs of a `while True` were 3 s of the user's wait).
            break
        if outcome[0] == "ok":
            returned += 1
            nones += outcome[1] is None and _untouched(text, namespace, outcome[2])
    return {
        "signature": hashlib.sha1("|".join(signatures).encode()).hexdigest()[:16],
        "printed": output.wrote,
        "none": returned > 0 and nones == returned,
    }


def lsp_codegen_behaviours(job: dict[str, Any]) -> None:
    """Run each of the job's modules' function on every input; print, per module, a
    fingerprint of what it did on all of them, and whether it printed or returned None."""
    signal.signal(signal.SIGALRM, _on_alarm)
    report = {"behaviours": [_behaviour(job, i, src) for i, src in enumerate(job["modules"])]}
    print(RESULT_MARKER + json.dumps(report), file=sys.__stdout__, flush=True)
