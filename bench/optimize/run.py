"""Optimize each function of bench/optimize/slow.py with the embedded default model.

Prints, per function, the verified speedup or why nothing qualifies, then how many
functions got a verified speedup and how many rewrites were rejected for changed
behaviour. Runs the same core as the "Optimize…" code action (lsp_codegen.actions).

    .venv/bin/python bench/optimize/run.py [--n 4] [--json out.json] [--only fib]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import time
from pathlib import Path

from lsp_codegen.actions.optimize import CHANGED, OptimizeReport, optimize
from lsp_codegen.actions.target import Target, target_at
from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.engine.base import Engine
from lsp_codegen.engine.factory import load_engine
from lsp_codegen.sandbox import create_sandbox, find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox

SLOW = Path(__file__).with_name("slow.py")


def targets(text: str) -> list[Target]:
    """Every top-level function of `text`, in order."""
    found: list[Target] = []
    for line, content in enumerate(text.splitlines()):
        if content.startswith("def "):
            target = target_at(text, line)
            if target is not None:
                found.append(target)
    return found


async def bench(engine: Engine, settings: Settings, only: str | None) -> list[dict[str, object]]:
    """Optimize every function; one result row per function."""
    text = SLOW.read_text()
    interpreter, problem = find_interpreter(None, None)
    sandbox = create_sandbox(interpreter)
    rows = []
    try:
        for target in targets(text):
            if only is None or target.name == only:
                rows.append(await bench_one(engine, settings, sandbox, text, target))
    finally:
        await sandbox.close()
    return rows


async def bench_one(
    engine: Engine, settings: Settings, sandbox: Sandbox, text: str, target: Target
) -> dict[str, object]:
    """Optimize one function and print what came of it."""
    started = time.monotonic()
    report: OptimizeReport = await optimize(engine, settings, sandbox, text, target)
    seconds = time.monotonic() - started
    best = report.offered[0] if report.offered else None
    changed = sum(1 for refused in report.refused if refused.reason == CHANGED)
    print(f"{target.name:16} {seconds:5.1f} s  {report.summary()}", flush=True)
    return {
        "function": target.name,
        "seconds": round(seconds, 1),
        "inputs": report.inputs,
        "speedup": round(best.speedup, 2) if best else None,
        "rewrites": len(report.offered) + len(report.refused),
        "changed_behaviour": changed,
        "summary": report.summary(),
        "refused": [dataclasses.asdict(r) for r in report.refused],
        "offered": [dataclasses.asdict(o) for o in report.offered],
    }


def totals(rows: list[dict[str, object]]) -> str:
    """The bench's headline numbers."""
    sped = [row for row in rows if row["speedup"] is not None]
    factors = ", ".join(f"{row['function']} {row['speedup']}\u00d7" for row in sped)
    changed = sum(int(str(row["changed_behaviour"])) for row in rows)
    rewrites = sum(int(str(row["rewrites"])) for row in rows)
    return (
        f"verified speedups: {len(sped)}/{len(rows)} functions ({factors or 'none'})\n"
        f"distinct rewrites: {rewrites}; rejected for changed behaviour: {changed}"
    )


def main() -> int:
    """Parse arguments, load the default model, run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4, help="rewrites per function")
    parser.add_argument("--model", default="default")
    parser.add_argument("--engine", default="local", help="the `engine` setting")
    parser.add_argument("--only", help="one function's name")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    wire = {"model": args.model, "numCandidates": args.n, "engine": args.engine}
    settings, problems = parse_settings(wire, Settings())
    for problem in problems:
        print(problem, file=sys.stderr)
    engine = load_engine(settings, lambda message: print(message, file=sys.stderr))
    try:
        rows = asyncio.run(bench(engine, settings, args.only))
    finally:
        engine.close()
    print(totals(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
