"""Turn what a worker reported, and how its process ended, into a RunResult."""

from __future__ import annotations

import json
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lsp_codegen.sandbox.types import Check, CheckResult, Limits, RunResult, Verdict

_VERDICTS = {v.value: v for v in Verdict}
# Text in stderr that says a crash was really an allocation failing under RLIMIT_AS.
_MEMORY_SIGNS = (
    "MemoryError",
    "Cannot allocate memory",
    "out of memory",
    "bad_alloc",
    "Failed to allocate",
    "failed to allocate",
)


@dataclass
class Ending:
    """How a worker's process ended, as the parent saw it."""

    returncode: int | None  # None: still running when we killed it
    seconds: float
    wall_kill: bool = False  # the parent killed it at the wall-clock limit
    output_kill: bool = False  # the parent killed it for writing too much
    channel_kill: bool = False  # the parent killed it for flooding the result channel
    closed_kill: bool = False  # the sandbox was closed while it ran
    bubblewrap: bool = False  # exit statuses come through bwrap (128 + signal)
    stdout: str = ""
    stderr: str = ""


@dataclass
class Events:
    """The events a worker wrote on its result channel, parsed as they arrive."""

    code: dict[str, Any] | None = None
    checks: dict[int, dict[str, Any]] = field(default_factory=dict)
    running: int | None = None  # the check that began and has not reported
    done: bool = False
    fatal: str = ""

    def feed(self, line: bytes) -> None:
        """Take one line from the channel; lines that are not our events are ignored."""
        try:
            event = json.loads(line)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        kind = event.get("t")
        if kind == "code":
            self.code = event
        elif kind == "begin" and isinstance(event.get("i"), int):
            self.running = event["i"]
        elif kind == "check" and isinstance(event.get("i"), int):
            self.checks[event["i"]] = event
            self.running = None
        elif kind == "done":
            self.done = True
        elif kind == "fatal":
            self.fatal = str(event.get("message", ""))


def exit_signal(returncode: int | None, bubblewrap: bool) -> int | None:
    """The signal that ended the worker, if one did (bwrap reports it as 128 + signal)."""
    if returncode is None:
        return None
    if returncode < 0:
        return -returncode
    if bubblewrap and 128 < returncode < 128 + 65:
        return returncode - 128
    return None


def signal_name(number: int) -> str:
    """'SIGSEGV' for 11, and so on."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_failure(ending: Ending, limits: Limits, events: Events) -> tuple[Verdict, str] | None:
    """Why the run as a whole ended abnormally, or None when the worker finished."""
    if ending.closed_kill:
        return Verdict.ERROR, "the sandbox was closed during the run"
    if ending.output_kill:
        return Verdict.ERROR, (
            f"output limit: the code wrote more than {_size(limits.output_bytes)} to "
            "stdout/stderr, so the run was stopped"
        )
    if ending.channel_kill:
        return Verdict.ERROR, "the code flooded the sandbox's result channel; the run was stopped"
    if ending.wall_kill:
        return Verdict.TIMEOUT, f"wall-clock limit reached ({limits.wall_seconds:g} s)"
    if events.fatal:
        return Verdict.ERROR, events.fatal
    if events.done:
        return None
    number = exit_signal(ending.returncode, ending.bubblewrap)
    if number == signal.SIGXCPU:
        return Verdict.TIMEOUT, f"CPU time limit reached ({limits.cpu_seconds:g} s)"
    if number == signal.SIGKILL:
        # Not our kill: the hard CPU limit (code that ignores SIGXCPU) or the kernel's
        # out-of-memory killer.
        if ending.seconds >= limits.cpu_seconds:
            return Verdict.TIMEOUT, f"CPU time limit reached ({limits.cpu_seconds:g} s)"
        return Verdict.MEMORY, "killed (SIGKILL), most likely for using too much memory"
    if number is not None:
        if any(sign in ending.stderr for sign in _MEMORY_SIGNS):
            return Verdict.MEMORY, (
                f"memory limit reached ({_size(limits.memory_bytes)}): the interpreter "
                f"died ({signal_name(number)}) when an allocation failed"
            )
        return Verdict.CRASHED, f"the interpreter crashed ({signal_name(number)})"
    return Verdict.ERROR, (
        f"the process exited (status {ending.returncode}) before finishing; "
        "the code may have called os._exit()"
    )


def build_result(
    checks: Sequence[Check], limits: Limits, events: Events, ending: Ending
) -> RunResult:
    """Combine the events and the ending into the run's result, one CheckResult per check."""
    failure = run_failure(ending, limits, events)
    results: list[CheckResult] = []
    code = events.code
    code_verdict = _VERDICTS.get(str(code.get("verdict"))) if code else None
    for index, check in enumerate(checks):
        event = events.checks.get(index)
        if event is not None:
            verdict = _VERDICTS.get(str(event.get("verdict")), Verdict.ERROR)
            results.append(
                CheckResult(
                    check, verdict, str(event.get("message", "")), float(event.get("seconds", 0.0))
                )
            )
        elif failure is not None and index == events.running:
            results.append(CheckResult(check, failure[0], failure[1]))
        else:
            results.append(CheckResult(check, *_not_run(failure, code)))
    verdict, message = _run_verdict(failure, code_verdict, code, results)
    return RunResult(
        verdict=verdict,
        checks=results,
        stdout=ending.stdout,
        stderr=ending.stderr,
        seconds=ending.seconds,
        message=message,
    )


def _run_verdict(
    failure: tuple[Verdict, str] | None,
    code_verdict: Verdict | None,
    code: dict[str, Any] | None,
    results: list[CheckResult],
) -> tuple[Verdict, str]:
    if failure is not None:
        return failure
    if code_verdict is None:
        return Verdict.ERROR, "the worker finished without reporting on the code"
    if code_verdict is not Verdict.PASSED:
        return code_verdict, str(code.get("message", "")) if code else ""
    failing = [r for r in results if r.verdict is not Verdict.PASSED]
    if not failing:
        return Verdict.PASSED, ""
    first = failing[0]
    return first.verdict, (
        f"{len(results) - len(failing)} of {len(results)} checks passed; "
        f"first failure: {first.message}"
    )


def _not_run(
    failure: tuple[Verdict, str] | None, code: dict[str, Any] | None
) -> tuple[Verdict, str]:
    if code is not None and code.get("verdict") != "passed":
        verdict = _VERDICTS.get(str(code.get("verdict")), Verdict.ERROR)
        return verdict, f"not run: the code failed ({code.get('message', '')})"
    if failure is not None:
        return failure[0], f"not run: {failure[1]}"
    return Verdict.ERROR, "not run"


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"
