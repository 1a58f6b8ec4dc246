"""Variants side by side in one run: read from `--variant`, interleaved per problem, each
problem generated under each variant's own settings by a real (tiny) model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lsp_codegen.config import Settings
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.evaluation.problems import Problem
from lsp_codegen.evaluation.variants import (
    Variant,
    VariantError,
    parse_variant,
    run_variants,
    variant_order,
)
from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.sandbox import create_sandbox
from tests.unit.evaluation.eval_cli import run_eval

BASE = Settings(num_candidates=8, max_new_tokens=6, device="cpu")


def _problem(name: str, value: int) -> Problem:
    test = f"\n\ndef check(candidate):\n    assert candidate() == {value}\n"
    return Problem(name, f"# Return {name}.\ndef {name}():", name, test)


ONE, TWO = _problem("one", 1), _problem("two", 2)


def test_a_variant_is_a_name_and_settings_laid_over_the_base() -> None:
    flat = parse_variant('flat={"temperatureSpread": 0, "temperature": 0.6}', BASE)
    assert flat.name == "flat"
    assert (flat.settings.temperature_spread, flat.settings.temperature) == (0.0, 0.6)
    assert flat.settings.num_candidates == 8  # the rest is the base's
    assert parse_variant("base", BASE) == Variant("base", BASE)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ('hot={"temperatureSpread": 3}', "temperatureSpread"),
        ("hot={temperature: 1}", "not JSON"),
        ("hot=[1]", "JSON object"),
        ('={"temperature": 1}', "NAME=SETTINGS"),
        ('a/b={"temperature": 1}', "NAME=SETTINGS"),
    ],
)
def test_a_bad_variant_says_what_is_wrong(spec: str, says: str) -> None:
    with pytest.raises(VariantError, match=says):
        parse_variant(spec, BASE)


def test_the_order_rotates_by_one_per_problem() -> None:
    a, b, c = (Variant(name, BASE) for name in "abc")
    assert [[v.name for v in variant_order([a, b, c], i)] for i in range(4)] == [
        ["a", "b", "c"],
        ["b", "c", "a"],
        ["c", "a", "b"],
        ["a", "b", "c"],
    ]


async def test_each_problem_runs_under_each_variant_in_turn(two_answer_model_dir: Path) -> None:
    import torch

    torch.manual_seed(7)  # the coin flips of the sampled candidates, for a repeatable test
    engine = load_local_engine(
        LoadOptions(model=str(two_answer_model_dir)), lambda _: None, lambda _: None
    )
    interpreter, _ = find_interpreter(None, None)
    sandbox = create_sandbox(interpreter, warm=1)
    # The model writes `return 1` or `return 2`, a coin flip per sampled candidate:
    # all greedy, the 8 candidates are one answer; sampled, both answers are there.
    greedy = parse_variant('greedy={"temperature": 0}', BASE)
    spread = parse_variant('spread={"temperature": 1, "temperatureSpread": 0.5}', BASE)
    seen: list[tuple[str, str]] = []
    try:
        runs = await run_variants(
            engine,
            [ONE, TWO],
            [greedy, spread],
            sandbox,
            source="test",
            on_result=lambda name, result: seen.append((name, result.task_id)),
        )
    finally:
        await sandbox.close()
        engine.close()
    assert seen == [("greedy", "one"), ("spread", "one"), ("spread", "two"), ("greedy", "two")]
    assert list(runs) == ["greedy", "spread"]
    assert runs["spread"].settings.temperature_spread == 0.5
    assert runs["greedy"].settings.temperature == 0.0
    for result in runs["greedy"].results:
        assert [c.evidence["votes"] for c in result.candidates] == [8]
    assert runs["greedy"].metrics.oracle == 1  # one answer: right for one problem only
    assert runs["spread"].metrics.oracle == 2
    assert all(len(result.candidates) == 2 for result in runs["spread"].results)
    for run in runs.values():
        assert run.seconds == pytest.approx(
            sum(r.generation_seconds + r.judge_seconds for r in run.results)
        )


def test_eval_compares_variants_in_one_run(two_answer_model_dir: Path, tmp_path: Path) -> None:
    problems = tmp_path / "p.jsonl"
    fields = ("task_id", "prompt", "entry_point", "test")
    problems.write_text(
        "".join(json.dumps({f: getattr(p, f) for f in fields}) + "\n" for p in (ONE, TWO))
    )
    out = tmp_path / "report"
    result = run_eval(
        "--problems", str(problems), "--n", "4", "--max-new-tokens", "6",
        "--model", str(two_answer_model_dir), "--device", "cpu", "--out", str(out),
        "--variant", 'greedy={"temperature": 0}', "--variant", "spread",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 variants interleaved" in result.stderr and "4/4" in result.stderr
    table = result.stdout.splitlines()
    header = next(line for line in table if line.startswith("variant"))
    assert "pass@4" in header and "sel.eff" in header and "gen s mean/p95" in header
    assert any(line.startswith("greedy ") for line in table)
    assert any(line.startswith("spread ") for line in table)
    comparison = json.loads((out / "comparison.json").read_text())
    assert list(comparison) == ["greedy", "spread"]
    assert comparison["spread"]["settings"] == {"temperature": 0.8}  # the base's, not greedy's
    assert comparison["greedy"]["distinct_per_problem"] == 1.0
    for name in ("greedy", "spread"):
        report = json.loads((out / name / "report.json").read_text())
        assert [p["task_id"] for p in report["problems"]] == ["one", "two"]


def test_a_bad_variant_stops_eval_before_the_model_loads(tmp_path: Path) -> None:
    result = run_eval("--set", "ours", "--model", str(tmp_path / "nothing"), "--variant", "a=[1]")
    assert result.returncode == 2 and "JSON object" in result.stderr
    result = run_eval("--set", "ours", "--variant", "a", "--variant", "a")
    assert result.returncode == 2 and "its own name" in result.stderr
