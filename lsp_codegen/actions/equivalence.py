"""Run an original function and a rewrite on the same inputs in the sandbox: same
results (return values, argument mutations, raised exception types), and timings."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

from lsp_codegen.actions import harness
from lsp_codegen.actions.inputs import Input
from lsp_codegen.actions.timing import Timing
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, Limits, RunResult

CALL_TIMEOUT_SECONDS = 1.0
TIMING_BUDGET_SECONDS = 3.0
LIMITS = Limits(cpu_seconds=40.0, wall_seconds=60.0)
_HARNESS = inspect.getsource(harness)


@dataclass(frozen=True)
class Mismatch:
    """The first input on which the two versions behaved differently."""

    input: Input
    original: str  # "returned [1, 2]", "raised TypeError", "did not finish in 1 s"
    rewrite: str


@dataclass(frozen=True)
class Comparison:
    """What running both versions found."""

    identical: int = 0  # inputs with the same behaviour
    returned: int = 0  # of those, inputs on which the original returned a value
    skipped: int = 0  # inputs on which the original itself did not finish
    mismatch: Mismatch | None = None
    timing: Timing | None = None
    error: str | None = None  # the run as a whole failed (does not load, sandbox limit)


@dataclass(frozen=True)
class Versions:
    """Two runnable modules defining the same function `name`."""

    name: str
    original: str
    rewrite: str


async def compare(
    sandbox: Sandbox, versions: Versions, inputs: list[Input], *, time_them: bool = True
) -> Comparison:
    """Run both versions on every input in one sandbox worker; time them when identical."""
    job = {
        "name": versions.name,
        "original": versions.original,
        "rewrite": versions.rewrite,
        "inputs": [item.arguments for item in inputs],
        "call_timeout": CALL_TIMEOUT_SECONDS,
        "timing_budget": TIMING_BUDGET_SECONDS,
        "time": time_them,
    }
    report = await run_harness(sandbox, "lsp_codegen_compare", job, LIMITS)
    if isinstance(report, str):
        return Comparison(error=f"the comparison did not finish ({report})")
    return _from_json(report, inputs)


async def run_harness(
    sandbox: Sandbox, function: str, job: dict[str, object], limits: Limits
) -> dict[str, object] | str:
    """Run one of the harness's entry points on `job` in a sandbox worker: the report it
    printed, or why it printed none ("timeout: …")."""
    source = f"{function}(__import__('json').loads({json.dumps(job)!r}))"
    return read_report(await sandbox.run(_HARNESS, [Check(source, function)], limits))


def read_report(result: RunResult) -> dict[str, object] | str:
    """The report a harness run printed; why there is none, when it printed none."""
    for line in result.stdout.splitlines():
        if line.startswith(harness.RESULT_MARKER):
            report: dict[str, object] = json.loads(line[len(harness.RESULT_MARKER) :])
            return report
    why = result.message or next((c.message for c in result.checks if c.message), "")
    return f"{result.verdict.value}: {why}"


def _from_json(report: dict[str, object], inputs: list[Input]) -> Comparison:
    if isinstance(report.get("error"), str):
        return Comparison(error=str(report["error"]))
    mismatch = None
    found = report.get("mismatch")
    if isinstance(found, dict):
        item = inputs[int(found["index"])]
        mismatch = Mismatch(item, str(found["original"]), str(found["rewrite"]))
    timing = None
    measured = report.get("timing")
    if isinstance(measured, dict):
        timing = Timing(tuple(measured["original"]), tuple(measured["rewrite"]))
    return Comparison(
        identical=_int(report.get("identical")),
        returned=_int(report.get("returned")),
        skipped=_int(report.get("skipped")),
        mismatch=mismatch,
        timing=timing,
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0
