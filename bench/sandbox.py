"""Sandbox start-up: a trivial candidate run on a warm worker vs a cold start, for Python
and for Node (JavaScript, and TypeScript where the workspace has a compiler), beside a
bare `node -e 0` start outside any sandbox.

Warm and cold are measured in the same run, interleaved by `measure_startup`; the ratio
is what to read (the machine is shared and noisy). Goals: warm p50 <= 20 ms (Python),
<= 30 ms (Node).
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

from lsp_codegen.sandbox.bench import measure_bare_start, measure_startup
from lsp_codegen.sandbox.isolation import isolation_name
from lsp_codegen.sandbox.launch import Runtime
from lsp_codegen.sandbox.node import find_node, setup_for


def main() -> None:
    """Print warm and cold p50 for `--runs` trivial runs per runtime."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workspace", type=Path, help="a folder whose node_modules has typescript")
    args = parser.parse_args()
    print(f"sandbox start-up, {args.runs} runs each, isolation: {isolation_name()}")
    print(f"CPU: {_cpu()}")
    _report("python", None, args.runs, goal_ms=20)
    node, problem = find_node(None)
    if node is None:
        print(f"node: not measured ({problem})")
        return
    javascript, _ = setup_for("javascript", node, args.workspace)
    _report(f"node {node.version} (javascript)", javascript, args.runs, goal_ms=30)
    typescript, why = setup_for("typescript", node, args.workspace)
    if typescript is None:
        print(f"node (typescript): not measured ({why}; pass --workspace)")
    else:
        _report(f"node {node.version} (typescript)", typescript, args.runs, goal_ms=30)
    bare = measure_bare_start(args.runs, [str(node.path), "-e", "0"]) * 1000
    print(f"  bare `node -e 0` start, no sandbox: p50 {bare:7.1f} ms")


def _report(name: str, runtime: Runtime | None, runs: int, goal_ms: float) -> None:
    figures = measure_startup(runs, runtime)
    warm, cold = figures["warm_p50_s"] * 1000, figures["cold_p50_s"] * 1000
    verdict = "ok" if warm <= goal_ms else "MISSED"
    print(f"{name}:")
    print(f"  warm p50 {warm:7.1f} ms   (goal <= {goal_ms:g} ms: {verdict})")
    print(f"  cold p50 {cold:7.1f} ms   (cold / warm {cold / warm:5.1f}x)")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f", {_cores()} cores"
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cores() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
