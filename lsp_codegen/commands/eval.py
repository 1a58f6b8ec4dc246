"""`lsp-codegen eval`: pass rates of the whole pipeline on problems with hidden tests."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from lsp_codegen.commands.common import load_or_report, settings_from_args
from lsp_codegen.config import Settings
from lsp_codegen.engine.base import Engine
from lsp_codegen.evaluation.ablation import ablation
from lsp_codegen.evaluation.problems import Problem, ProblemError, load_problems, problems_path
from lsp_codegen.evaluation.progress import ProgressBar
from lsp_codegen.evaluation.report import summary, write_report
from lsp_codegen.evaluation.runner import (
    EvalRun,
    OnResult,
    ProblemResult,
    finished_run,
    run_evaluation,
)
from lsp_codegen.evaluation.strip import strip_examples
from lsp_codegen.sandbox import node
from lsp_codegen.sandbox.interpreter import Interpreter, find_interpreter
from lsp_codegen.sandbox.launch import Runtime
from lsp_codegen.sandbox.sandbox import create_sandbox
from lsp_codegen.sandbox.types import Limits

# Sandbox workers kept started, so each candidate does not pay for an interpreter start.
_WARM = 2


def run_eval(args: argparse.Namespace) -> int:
    """Generate for every problem, judge every candidate, write the reports, print the totals."""
    try:
        path = Path(args.problems) if args.problems else problems_path(args.set)
        problems = load_problems(path)
    except ProblemError as error:
        print(f"lsp-codegen: {error}", file=sys.stderr)
        return 2
    if args.limit is not None:
        problems = problems[: args.limit]
    if args.strip_examples:
        problems = [strip_examples(problem) for problem in problems]
    # Never fails: a broken --python falls back to this Python, with a warning.
    interpreter, warning = find_interpreter(None, args.python)
    if warning:
        print(f"lsp-codegen: {warning}", file=sys.stderr)
    budget = {} if args.max_time_ms is None else {"maxTimeMs": args.max_time_ms}
    settings = settings_from_args(args, numCandidates=args.n, **budget)
    engine = load_or_report(settings)
    if engine is None:
        return 1
    limits = _limits(args.timeout)
    print(
        f"evaluating {len(problems)} problems from {path} with {settings.num_candidates} "
        f"candidates each, {args.ranking} ranking"
        + (", examples stripped from the prompts" if args.strip_examples else ""),
        file=sys.stderr,
    )
    finished: list[ProblemResult] = []
    bar = ProgressBar(len(problems))

    def on_result(result: ProblemResult) -> None:
        finished.append(result)
        bar.update(result)

    thorough = args.ranking == "thorough"
    started = time.monotonic()
    bar.start()
    try:
        run = asyncio.run(
            _evaluate(
                engine,
                interpreter,
                problems,
                settings,
                str(path),
                limits,
                on_result,
                thorough=thorough,
            )
        )
    except KeyboardInterrupt:
        # Keep what finished: an hour-long run stopped late is still worth a report.
        run = finished_run(
            engine, settings, str(path), finished, started, thorough=thorough, interrupted=True
        )
    finally:
        bar.finish()
        engine.close()
    json_path, html_path = write_report(run, Path(args.out))
    print(summary(run.metrics, settings.num_candidates, ablation(run.results)))
    if run.interrupted:
        print(f"interrupted after {len(run.results)} of {len(problems)} problems")
    print(f"report: {html_path} (data: {json_path})")
    return 130 if run.interrupted else 0


async def _evaluate(
    engine: Engine,
    interpreter: Interpreter,
    problems: Sequence[Problem],
    settings: Settings,
    source: str,
    limits: Limits | None,
    on_result: OnResult,
    *,
    thorough: bool,
) -> EvalRun:
    # One sandbox per language (Python, and the workspace's Node for JavaScript and
    # TypeScript), created inside the event loop that uses it and always closed. The
    # same sandbox runs the prompt's examples (thorough ranking) and the hidden tests.
    started = time.monotonic()
    results: list[ProblemResult] = []
    for language, group in _by_language(problems).items():
        runtime, problem = _runtime_for(language, interpreter, settings)
        if runtime is None:
            print(f"lsp-codegen: {language} problems not judged: {problem}", file=sys.stderr)
            for each in group:
                result = ProblemResult(each.task_id, prompt=each.prompt, error=problem)
                results.append(result)
                on_result(result)
            continue
        sandbox = create_sandbox(runtime, warm=_WARM)
        try:
            run = await run_evaluation(
                engine,
                group,
                settings,
                sandbox,
                source=source,
                limits=limits,
                on_result=on_result,
                thorough=sandbox if thorough else None,
            )
        finally:
            await sandbox.close()
        results += run.results
    return finished_run(engine, settings, source, results, started, thorough=thorough)


def _by_language(problems: Sequence[Problem]) -> dict[str, list[Problem]]:
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.language, []).append(problem)
    return groups


def _runtime_for(
    language: str, interpreter: Interpreter, settings: Settings
) -> tuple[Runtime | None, str]:
    """The runtime that judges `language` problems: the Python, or the workspace's Node
    (the current folder is the workspace: its node_modules may hold typescript)."""
    if language == "python":
        return interpreter, ""
    return node.node_setup(language, Path.cwd(), settings.node.executable)


def _limits(timeout: float | None) -> Limits | None:
    """Sandbox limits for `--timeout`; None keeps the sandbox's defaults."""
    if timeout is None:
        return None
    # CPU time can only be spent within the wall time, so it gets the same budget.
    return Limits(cpu_seconds=timeout, wall_seconds=timeout)
