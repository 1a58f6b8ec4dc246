"""Several settings side by side in one run: each problem is generated for and judged
under every variant in turn, so the machine's load at that moment weighs on all of them
alike (a busy 2-core machine changes speed by minutes; a variant run an hour later
would be measured on another machine)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.engine.base import Engine
from lsp_codegen.evaluation.problems import Problem
from lsp_codegen.evaluation.runner import (
    EvalRun,
    Judge,
    ProblemResult,
    evaluate_problem,
)
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Limits

# Called with each variant's name and one problem's result as it finishes.
OnVariantResult = Callable[[str, ProblemResult], None]


@dataclass(frozen=True)
class Variant:
    """A named set of settings to evaluate."""

    name: str
    settings: Settings


class VariantError(ValueError):
    """A `--variant` that cannot be read; the message says what is wrong."""


def parse_variant(spec: str, base: Settings) -> Variant:
    """`NAME=SETTINGS`: the settings are camelCase JSON laid over `base`, e.g.
    `flat={"temperatureSpread": 0}`; `NAME` alone (or `NAME=`) is `base` itself."""
    name, _, raw = spec.partition("=")
    name = name.strip()
    if not name or "/" in name or name.startswith("."):
        raise VariantError(f"--variant {spec!r}: expected NAME=SETTINGS, NAME a folder name")
    try:
        overlay = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as error:
        raise VariantError(f"--variant {name}: the settings are not JSON ({error})") from error
    if not isinstance(overlay, dict):
        raise VariantError(f"--variant {name}: the settings must be a JSON object")
    settings, problems = parse_settings(overlay, base)
    if problems:
        raise VariantError(f"--variant {name}: " + "; ".join(problems))
    return Variant(name, settings)


def variant_order(variants: Sequence[Variant], position: int) -> list[Variant]:
    """The order the variants run in for the problem at `position`: rotated by one per
    problem, so none always runs first (on a prompt the engine has not read yet) or
    last (on one it has cached)."""
    if not variants:
        return []
    shift = position % len(variants)
    return [*variants[shift:], *variants[:shift]]


async def run_variants(
    engine: Engine,
    problems: Sequence[Problem],
    variants: Sequence[Variant],
    judge: Judge,
    *,
    source: str = "",
    limits: Limits | None = None,
    on_result: OnVariantResult | None = None,
    thorough: Sandbox | None = None,
) -> dict[str, EvalRun]:
    """Evaluate every problem under every variant, interleaved per problem; one run per
    variant name, in the order `variants` gives (see runner.run_evaluation)."""
    results: dict[str, list[ProblemResult]] = {variant.name: [] for variant in variants}
    seconds = dict.fromkeys(results, 0.0)
    for position, problem in enumerate(problems):
        for variant in variant_order(variants, position):
            result = await evaluate_problem(
                engine, problem, variant.settings, judge, limits=limits, thorough=thorough
            )
            results[variant.name].append(result)
            seconds[variant.name] += result.generation_seconds + result.judge_seconds
            if on_result is not None:
                on_result(variant.name, result)
    model = engine.info().model
    return {
        variant.name: variant_run(
            model,
            variant,
            source,
            results[variant.name],
            seconds[variant.name],
            thorough=thorough is not None,
        )
        for variant in variants
    }


def variant_run(
    model: str,
    variant: Variant,
    source: str,
    results: list[ProblemResult],
    seconds: float,
    *,
    thorough: bool,
    interrupted: bool = False,
) -> EvalRun:
    """The EvalRun of one variant's `results`; `seconds` is the time of its own problems,
    not the run's (which every variant shares)."""
    return EvalRun(
        model=model,
        settings=variant.settings,
        source=source,
        results=results,
        seconds=seconds,
        interrupted=interrupted,
        ranking="thorough" if thorough else "inline",
    )
