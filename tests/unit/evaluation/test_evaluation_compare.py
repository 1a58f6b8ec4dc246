"""The variants' figures side by side: pass counts, distinct candidates, generation time."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from lsp_codegen.config import Settings
from lsp_codegen.evaluation.compare import comparison_table, variant_row, write_comparison
from lsp_codegen.evaluation.runner import CandidateResult, EvalRun, ProblemResult


def _judged(rank: int, index: int, verdict: str) -> CandidateResult:
    return CandidateResult(rank, index, f"return {index}", -1.0, {"votes": 1}, verdict)


def _run(settings: Settings, *problems: tuple[list[str], float]) -> EvalRun:
    """Problems as the verdicts of their ranked candidates (the greedy one first) and the
    seconds their generation took."""
    results = [
        ProblemResult(
            f"p/{i}",
            [_judged(rank, rank, verdict) for rank, verdict in enumerate(verdicts)],
            first_sample_rank=0 if verdicts else None,
            generation_seconds=seconds,
        )
        for i, (verdicts, seconds) in enumerate(problems)
    ]
    return EvalRun("m", settings, "test", results, seconds=60.0)


FLAT = _run(
    Settings(temperature_spread=0.0, num_candidates=4),
    (["passed"], 10.0),
    (["failed"], 20.0),
    ([], 30.0),
    (["failed"], 40.0),
)
SPREAD = _run(
    Settings(num_candidates=4, temperature_spread=0.5),
    (["passed", "failed"], 5.0),
    (["failed", "passed", "failed"], 6.0),
    (["failed"], 7.0),
    (["failed", "failed"], 100.0),
)


def test_a_variants_row_counts_passes_distinct_candidates_and_time() -> None:
    row = variant_row(SPREAD)
    assert (row["first_sample"], row["ranked"], row["oracle"]) == (1, 1, 2)
    assert row["selection_efficiency"] == 0.5
    assert row["distinct_per_problem"] == 2.0  # 8 shown candidates over 4 problems
    assert row["generation_seconds_mean"] == 29.5
    assert row["generation_seconds_p95"] == 100.0
    assert variant_row(FLAT)["distinct_per_problem"] == 0.75


def test_the_table_has_one_line_per_variant() -> None:
    header, flat, spread = comparison_table({"flat": FLAT, "spread": SPREAD}).splitlines()
    assert header.split()[:4] == ["variant", "first", "ranked", "pass@4"]
    assert flat.split()[:7] == ["flat", "1", "25.0%", "1", "25.0%", "1", "25.0%"]
    assert spread.split()[5:9] == ["2", "50.0%", "0.50", "2.00"]
    assert "29.5/100.0" in spread and spread.endswith("1.0 m    4")


def test_variants_with_their_own_n_are_labelled_by_it() -> None:
    sixteen = dataclasses.replace(SPREAD, settings=Settings(num_candidates=16))
    header, flat, wide = comparison_table({"flat": FLAT, "n16": sixteen}).splitlines()
    assert header.split()[3] == "pass@N" and header.split()[-1] == "N"
    assert flat.split()[-1] == "4" and wide.split()[-1] == "16"
    assert variant_row(sixteen)["num_candidates"] == 16


def test_the_json_names_what_each_variant_changed(tmp_path: Path) -> None:
    path = write_comparison({"flat": FLAT, "spread": SPREAD}, tmp_path)
    data = json.loads(path.read_text())
    assert data["flat"]["settings"] == {}
    assert data["spread"]["settings"] == {"temperatureSpread": 0.5}
    assert data["spread"]["oracle"] == 2 and data["flat"]["oracle"] == 1
