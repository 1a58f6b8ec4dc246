"""What warm workers save: the latency of a trivial run, warm versus cold."""

from __future__ import annotations

import asyncio
import statistics
import time

from lsp_codegen.sandbox.interpreter import Interpreter, find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, Verdict

_CODE = "def square(x):\n    return x * x\n"
_CHECKS = [Check("assert square(3) == 9", "square(3) == 9")]


def measure_startup(runs: int = 20, interpreter: Interpreter | None = None) -> dict[str, float]:
    """Median seconds of a trivial run with a warm worker waiting, and with none.

    Returns {"runs", "warm_p50_s", "cold_p50_s"}. Runs are sequential; before each
    warm run the replacement worker is given time to start, as it would be between
    a user's requests. Not for use inside a running event loop (it makes its own).
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


async def _measure(runs: int, interpreter: Interpreter) -> tuple[list[float], list[float]]:
    warm_times: list[float] = []
    cold_times: list[float] = []
    async with Sandbox(interpreter, warm=1) as warm, Sandbox(interpreter, warm=0) as cold:
        for _ in range(runs):
            await warm.ready()
            warm_times.append(await _timed(warm))
            cold_times.append(await _timed(cold))
    return warm_times, cold_times


async def _timed(sandbox: Sandbox) -> float:
    start = time.perf_counter()
    result = await sandbox.run(_CODE, _CHECKS)
    elapsed = time.perf_counter() - start
    if result.verdict is not Verdict.PASSED:
        raise RuntimeError(f"the trivial run did not pass: {result.message}")
    return elapsed
