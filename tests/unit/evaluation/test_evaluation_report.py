"""The JSON and HTML reports: complete, valid, and readable in a browser without anything else."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

from lsp_codegen.config import Settings
from lsp_codegen.evaluation.report import HTML_NAME, JSON_NAME, bar_chart, render_html, write_report
from lsp_codegen.evaluation.runner import (
    CandidateResult,
    EvalRun,
    ProblemResult,
    RejectedResult,
    compute_metrics,
)


def candidate(rank: int, index: int, verdict: str, text: str = "return 1") -> CandidateResult:
    return CandidateResult(
        rank=rank,
        index=index,
        text=text,
        score=-0.5 - rank,
        evidence={"mean_logprob": -0.5 - rank, "tokens": 7, "votes": 1, "odd": {1, 2}},
        verdict=verdict,
        message="AssertionError" if verdict == "failed" else "",
        seconds=0.01,
    )


def sample_run() -> EvalRun:
    results = [
        # Ranked choice (sample 1) passes where the greedy sample failed.
        ProblemResult(
            "beat/1",
            [candidate(0, 1, "passed"), candidate(1, 0, "failed")],
            prompt="# one & only\ndef one():",
            first_sample_rank=1,
        ),
        # Ranked choice fails; sample 2 (ranked second) passes: lost to the oracle.
        ProblemResult(
            "lost/2",
            [candidate(0, 0, "failed", "<script>alert(1)</script>"), candidate(1, 2, "passed")],
            first_sample_rank=0,
        ),
        ProblemResult(
            "hang/3",
            [candidate(0, 0, "timeout")],
            first_sample_rank=0,
            rejected=[RejectedResult(1, "return (", "syntax: never closed", {"votes": 1})],
            examples=2,
        ),
        ProblemResult("error/4", error="EngineError: no model", note=""),
    ]
    return EvalRun(
        model="tiny-model",
        settings=Settings(num_candidates=2),
        source="problems.jsonl",
        results=results,
        seconds=3.5,
        ranking="thorough",
    )


def test_json_report_holds_settings_totals_and_every_candidate(tmp_path: Path) -> None:
    json_path, html_path = write_report(sample_run(), tmp_path / "out")
    assert (json_path.name, html_path.name) == (JSON_NAME, HTML_NAME)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["model"] == "tiny-model"
    assert data["ranking"] == "thorough"
    assert data["settings"]["numCandidates"] == 2
    assert data["totals"] == {
        "problems": 4,
        "first_sample": 0,
        "ranked": 1,
        "oracle": 2,
        "generation_errors": 1,
        "candidates": 5,
        "verdicts": {"failed": 2, "passed": 2, "timeout": 1},
        "pass_at_1_first_sample": 0.0,
        "pass_at_1_ranked": 0.25,
        "pass_at_n_oracle": 0.5,
        "selection_efficiency": 0.5,
    }
    beat = data["problems"][0]
    assert (beat["task_id"], beat["ranked_passed"], beat["first_sample_passed"]) == (
        "beat/1",
        True,
        False,
    )
    assert beat["prompt"] == "# one & only\ndef one():"
    first = beat["candidates"][0]
    assert first["verdict"] == "passed" and first["passed"] is True
    assert first["evidence"]["tokens"] == 7
    assert isinstance(first["evidence"]["odd"], str)  # a set is not JSON; kept as text
    hang = data["problems"][2]
    assert hang["candidates"][0]["verdict"] == "timeout"
    assert hang["examples"] == 2
    assert hang["rejected"] == [
        {"index": 1, "reason": "syntax: never closed", "evidence": {"votes": 1}, "text": "return ("}
    ]
    assert data["problems"][3]["error"] == "EngineError: no model"


def test_non_finite_numbers_become_null(tmp_path: Path) -> None:
    run = sample_run()
    odd = CandidateResult(0, 0, "x", -math.inf, {"mean_logprob": math.nan}, "failed")
    run.results.append(ProblemResult("inf/5", [odd], first_sample_rank=0))
    json_path, _ = write_report(run, tmp_path)
    text = json_path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["problems"][4]["candidates"][0]["score"] is None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.scripts += tag == "script"


def test_html_report_has_the_chart_and_the_comparison_tables(tmp_path: Path) -> None:
    _, html_path = write_report(sample_run(), tmp_path)
    page = html_path.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)
    assert parser.scripts == 0  # nothing to run, nothing fetched
    assert "<svg" in page and page.count('class="bar"') == 3
    assert not re.search(r'(src|href)="https?:', page)
    assert "first sample" in page and "ranked" in page and "oracle" in page
    # The candidate's text is shown, not executed.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    lost = page.index("Ranked choice lost to the oracle (1)")
    beat = page.index("Ranked choice beat the first sample (1)")
    worse = page.index("Ranked choice lost to the first sample (0)")
    assert lost < page.index("lost/2") < beat < page.index("beat/1") < worse
    assert "EngineError: no model" in page
    assert "not shown · sample 1 · syntax: never closed" in page
    assert "thorough (prompt examples run in the sandbox, lint)" in page
    assert "# one &amp; only" in page  # the prompt, for reading the candidates in context


def test_bar_heights_follow_the_rates() -> None:
    run = sample_run()
    svg = bar_chart(compute_metrics(run.results), 2)
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    first, ranked, oracle = heights
    assert first == 0.0
    assert oracle == 2 * ranked > 0
    assert "pass@2" in svg


def test_an_interrupted_run_says_so() -> None:
    run = sample_run()
    interrupted = EvalRun(run.model, run.settings, run.source, run.results[:1], 1.0, True)
    assert "interrupted" in render_html(interrupted)
