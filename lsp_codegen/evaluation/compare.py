"""Variants side by side: each one's pass rates, how many distinct candidates it gave
and how long its generations took, as terminal lines and as JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping
from pathlib import Path

from lsp_codegen.config import to_wire
from lsp_codegen.evaluation.runner import EvalRun

COMPARISON_NAME = "comparison.json"


def variant_row(run: EvalRun) -> dict[str, object]:
    """One variant's figures: pass counts and rates, selection efficiency, distinct
    candidates per problem (shown after merging duplicates) and generation seconds."""
    metrics = run.metrics
    results = run.results
    generation = sorted(result.generation_seconds for result in results)
    return {
        "problems": metrics.problems,
        "num_candidates": run.settings.num_candidates,
        "first_sample": metrics.first_sample,
        "ranked": metrics.ranked,
        "oracle": metrics.oracle,
        "selection_efficiency": metrics.selection_efficiency,
        "distinct_per_problem": (
            statistics.fmean(len(result.candidates) for result in results) if results else 0.0
        ),
        "generation_seconds_mean": statistics.fmean(generation) if generation else 0.0,
        "generation_seconds_p95": _percentile(generation, 0.95),
        "seconds": run.seconds,
    }


def _percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of an ascending list (0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def comparison_table(runs: Mapping[str, EvalRun]) -> str:
    """The variants as aligned terminal lines, one per variant. The oracle column is
    "pass@N" with each variant's own N when the variants set different ones."""
    width = max([len("variant"), *(len(name) for name in runs)])
    sizes = {run.settings.num_candidates for run in runs.values()}
    oracle = f"pass@{sizes.pop()}" if len(sizes) == 1 else "pass@N"
    header = (
        f"{'variant':<{width}}  {'first':>10}  {'ranked':>10}  {oracle:>10}  "
        f"{'sel.eff':>7}  {'distinct':>8}  {'gen s mean/p95':>14}  {'time':>7}  {'N':>3}"
    )
    lines = [header]
    for name, run in runs.items():
        row = variant_row(run)
        total = run.metrics.problems
        efficiency = run.metrics.selection_efficiency
        lines.append(
            f"{name:<{width}}  {_count(row['first_sample'], total):>10}  "
            f"{_count(row['ranked'], total):>10}  {_count(row['oracle'], total):>10}  "
            f"{'n/a' if efficiency is None else f'{efficiency:.2f}':>7}  "
            f"{row['distinct_per_problem']:>8.2f}  "
            f"{row['generation_seconds_mean']:>6.1f}/{row['generation_seconds_p95']:<7.1f}  "
            f"{run.seconds / 60:>5.1f} m  {run.settings.num_candidates:>3}"
        )
    return "\n".join(lines)


def _count(count: object, total: int) -> str:
    number = count if isinstance(count, int) else 0
    percent = number / total * 100 if total else 0.0
    return f"{number} {percent:4.1f}%"


def write_comparison(runs: Mapping[str, EvalRun], out_dir: Path) -> Path:
    """comparison.json in `out_dir`: each variant's settings that differ from the first
    variant's, and its figures (variant_row)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    first = to_wire(next(iter(runs.values())).settings) if runs else {}
    data = {
        name: {"settings": _differences(first, to_wire(run.settings)), **variant_row(run)}
        for name, run in runs.items()
    }
    path = out_dir / COMPARISON_NAME
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def _differences(base: Mapping[str, object], other: Mapping[str, object]) -> dict[str, object]:
    """The entries of `other` that differ from `base`, nested sections compared inside."""
    out: dict[str, object] = {}
    for key, value in other.items():
        before = base.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            inner = _differences(before, value)
            if inner:
                out[key] = inner
        elif value != before:
            out[key] = value
    return out
