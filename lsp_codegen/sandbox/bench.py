"""What warm workers save: the latency of a trivial run, warm versus cold."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time

from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.launch import Runtime
from lsp_codegen.sandbox.node import NodeSetup
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, Verdict

_PYTHON = ("def square(x):\n    return x * x\n", Check("assert square(3) == 9", "square(3) == 9"))
_NODE = (
    "function square(x) { return x * x; }\n",
    Check("assert.strictEqual(square(3), 9)", "square(3) === 9"),
)


def measure_startup(runs: int = 20, interpreter: Runtime | None = None) -> dict[str, float]:
    """Median seconds of a trivial run with a warm worker waiting, and with none.

    Returns {"runs", "warm_p50_s", "cold_p50_s"}. Runs are sequential; before each
    warm run the replacement worker is given time to start, as it would be between
    a user's requests. `interpreter`: a Python (the server's by default) or a
    node.NodeSetup. Not for use inside a running event loop (it makes its own).
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    chosen = interpreter or find_interpreter(None, None)[0]
    warm, cold = asyncio.run(_measure(runs, chosen))
    return {
        "runs": float(runs),
        "warm_p50_s": statistics.median(warm),
        "cold_p50_s": statistics.median(cold),
    }


def measure_bare_start(runs: int, command: list[str]) -> float:
    """Median seconds for `command` (e.g. `node -e 0`) to start and exit, unsandboxed:
    what a run would cost if every run started its runtime."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _measure(runs: int, runtime: Runtime) -> tuple[list[float], list[float]]:
    warm_times: list[float] = []
    cold_times: list[float] = []
    code, check = _NODE if isinstance(runtime, NodeSetup) else _PYTHON
    async with Sandbox(runtime, warm=1) as warm, Sandbox(runtime, warm=0) as cold:
        for _ in range(runs):
            await warm.ready()
            warm_times.append(await _timed(warm, code, check))
            cold_times.append(await _timed(cold, code, check))
    return warm_times, cold_times


async def _timed(sandbox: Sandbox, code: str, check: Check) -> float:
    start = time.perf_counter()
    result = await sandbox.run(code, [check])
    elapsed = time.perf_counter() - start
    if result.verdict is not Verdict.PASSED:
        raise RuntimeError(f"the trivial run did not pass: {result.message}")
    return elapsed
