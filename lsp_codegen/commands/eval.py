"""`lsp-codegen eval`: pass rates of the whole pipeline on problems with hidden tests."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from lsp_codegen.commands.common import load_or_report, settings_from_args
from lsp_codegen.config import Settings
from lsp_codegen.engine.base import Engine
from lsp_codegen.evaluation.ablation import ablation
from lsp_codegen.evaluation.compare import comparison_table, write_comparison
from lsp_codegen.evaluation.problems import Problem, ProblemError, load_problems, problems_path
from lsp_codegen.evaluation.progress import ProgressBar
from lsp_codegen.evaluation.report import summary, write_report
from lsp_codegen.evaluation.runner import EvalRun, ProblemResult
from lsp_codegen.evaluation.strip import strip_examples
from lsp_codegen.evaluation.variants import (
    OnVariantResult,
    Variant,
    VariantError,
    parse_variant,
    run_variants,
    variant_run,
)
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
    budget = {} if args.max_time_ms is None else {"maxTimeMs": args.max_time_ms}
    settings = settings_from_args(args, numCandidates=args.n, **budget)
    try:
        variants = [parse_variant(spec, settings) for spec in args.variant]
    except VariantError as error:
        print(f"lsp-codegen: {error}", file=sys.stderr)
        return 2
    if len({variant.name for variant in variants}) < len(variants):
        print("lsp-codegen: --variant: each variant needs its own name", file=sys.stderr)
        return 2
    # Never fails: a broken --python falls back to this Python, with a warning.
    interpreter, warning = find_interpreter(None, args.python)
    if warning:
        print(f"lsp-codegen: {warning}", file=sys.stderr)
    engine = load_or_report(settings)
    if engine is None:
        return 1
    compared = bool(variants)
    variants = variants or [Variant("", settings)]
    print(
        f"evaluating {len(problems)} problems from {path} with {settings.num_candidates} "
        f"candidates each, {args.ranking} ranking"
        + (", examples stripped from the prompts" if args.strip_examples else "")
        + (f", {len(variants)} variants interleaved" if compared else ""),
        file=sys.stderr,
    )
    finished: dict[str, list[ProblemResult]] = {variant.name: [] for variant in variants}
    bar = ProgressBar(len(problems) * len(variants))

    def on_result(name: str, result: ProblemResult) -> None:
        finished[name].append(result)
        bar.update(result)

    thorough = args.ranking == "thorough"
    started = time.monotonic()
    bar.start()
    interrupted = False
    try:
        asyncio.run(
            _evaluate(
                engine, interpreter, problems, variants, str(path), limits=_limits(args.timeout),
                on_result=on_result, thorough=thorough,
            )
        )  # fmt: skip
    except KeyboardInterrupt:
        # Keep what finished: an hour-long run stopped late is still worth a report.
        interrupted = True
    finally:
        bar.finish()
        model = engine.info().model
        engine.close()
    runs = {
        variant.name: variant_run(
            model, variant, str(path), finished[variant.name], _seconds(finished[variant.name]),
            thorough=thorough, interrupted=interrupted,
        )
        for variant in variants
    }  # fmt: skip
    if compared:
        _report_variants(runs, Path(args.out))
    else:
        run = dataclasses.replace(runs[""], seconds=time.monotonic() - started)
        json_path, html_path = write_report(run, Path(args.out))
        print(summary(run.metrics, settings.num_candidates, ablation(run.results)))
        print(f"report: {html_path} (data: {json_path})")
    if interrupted:
        print(f"interrupted after {bar.done} of {bar.total} problem runs")
    return 130 if interrupted else 0


def _seconds(results: Sequence[ProblemResult]) -> float:
    """The time a variant's own problems took (generation and judging)."""
    return sum(result.generation_seconds + result.judge_seconds for result in results)


def _report_variants(runs: Mapping[str, EvalRun], out: Path) -> None:
    """One report per variant in OUT/NAME/ (with its own N), the comparison printed and
    in OUT/."""
    for name, run in runs.items():
        print(f"== {name}")
        print(summary(run.metrics, run.settings.num_candidates, ablation(run.results)))
        write_report(run, out / name)
    print(comparison_table(runs))
    print(f"reports: {out}/NAME/report.html (comparison: {write_comparison(runs, out)})")


async def _evaluate(
    engine: Engine,
    interpreter: Interpreter,
    problems: Sequence[Problem],
    variants: Sequence[Variant],
    source: str,
    *,
    limits: Limits | None,
    on_result: OnVariantResult,
    thorough: bool,
) -> None:
    # One sandbox per language (Python, and the workspace's Node for JavaScript and
    # TypeScript), created inside the event loop that uses it and always closed. The
    # same sandbox runs the prompt's examples (thorough ranking) and the hidden tests.
    node_settings = variants[0].settings
    for language, group in _by_language(problems).items():
        runtime, problem = _runtime_for(language, interpreter, node_settings)
        if runtime is None:
            print(f"lsp-codegen: {language} problems not judged: {problem}", file=sys.stderr)
            for each in group:
                for variant in variants:
                    on_result(
                        variant.name, ProblemResult(each.task_id, prompt=each.prompt, error=problem)
                    )
            continue
        sandbox = create_sandbox(runtime, warm=_WARM)
        try:
            await run_variants(
                engine, group, variants, sandbox, source=source, limits=limits,
                on_result=on_result, thorough=sandbox if thorough else None,
            )  # fmt: skip
        finally:
            await sandbox.close()


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
