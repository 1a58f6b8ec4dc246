"""Totals arithmetic, finding the greedy sample, and the pieces of a judged program."""

from __future__ import annotations

import io

import pytest

from lsp_codegen.context.types import Mode
from lsp_codegen.evaluation.problems import Problem
from lsp_codegen.evaluation.progress import ProgressBar, _duration
from lsp_codegen.evaluation.report import summary
from lsp_codegen.evaluation.runner import (
    CandidateResult,
    ProblemResult,
    check_for,
    compute_metrics,
    find_first_sample,
    problem_insertion,
    program,
)
from lsp_codegen.ranking.score import RankedCandidate, Rejected


def judged(*verdicts: str) -> list[CandidateResult]:
    """Candidates in ranked order with these verdicts; sample index = rank."""
    return [
        CandidateResult(rank=r, index=r, text="pass", score=-r, evidence={}, verdict=v)
        for r, v in enumerate(verdicts)
    ]


def result(
    task: str, *verdicts: str, first: int | None = 0, error: str | None = None
) -> ProblemResult:
    return ProblemResult(task, judged(*verdicts), first_sample_rank=first, error=error)


def test_first_ranked_and_oracle_are_counted_per_problem() -> None:
    results = [
        result("both", "passed", "failed"),  # greedy is ranked first and passes
        result("ranking helped", "passed", "failed", first=1),
        result("oracle only", "failed", "timeout", "passed", first=0),
        result("ranking hurt", "failed", "passed", first=1),
        result("nothing", "failed", "error", first=None),
        result("no candidates", first=None, error="EngineError: boom"),
    ]
    metrics = compute_metrics(results)
    assert (metrics.problems, metrics.first_sample, metrics.ranked, metrics.oracle) == (6, 2, 2, 4)
    assert metrics.pass_at_1_first_sample == pytest.approx(2 / 6)
    assert metrics.pass_at_1_ranked == pytest.approx(2 / 6)
    assert metrics.pass_at_n_oracle == pytest.approx(4 / 6)
    assert metrics.selection_efficiency == pytest.approx(2 / 4)
    assert metrics.generation_errors == 1
    assert metrics.candidates == 11
    assert metrics.verdicts == {"error": 1, "failed": 5, "passed": 4, "timeout": 1}
    assert [r.ranked_passed for r in results] == [True, True, False, False, False, False]


def test_selection_efficiency_is_none_without_any_passing_candidate() -> None:
    metrics = compute_metrics([result("a", "failed"), result("b", "timeout")])
    assert metrics.oracle == 0
    assert metrics.selection_efficiency is None
    assert metrics.pass_at_n_oracle == 0.0
    empty = compute_metrics([])
    assert (empty.problems, empty.pass_at_1_ranked, empty.selection_efficiency) == (0, 0.0, None)


def test_a_dropped_greedy_sample_is_a_fail_even_when_others_pass() -> None:
    dropped = result("x", "passed", first=None)
    assert not dropped.first_sample_passed
    assert dropped.ranked_passed and dropped.oracle_passed


def ranked(index: int, text: str, votes: int = 1) -> RankedCandidate:
    return RankedCandidate(text, -1.0, {"votes": votes}, index)


def test_the_greedy_sample_is_found_as_itself() -> None:
    candidates = [ranked(2, "return 2"), ranked(0, "return 0")]
    assert find_first_sample(candidates, "return 0") == (1, "")


def test_a_greedy_sample_merged_into_a_duplicate_takes_its_verdict() -> None:
    # Ranking kept sample 3's copy of the same code (a better score) and counted two votes.
    candidates = [ranked(3, "return  x + 1", votes=2), ranked(1, "return 1")]
    rank, note = find_first_sample(candidates, "return x +\n 1")
    assert rank == 0
    assert "merged" in note and "sample 3" in note


def test_a_greedy_sample_that_was_dropped_counts_as_a_fail_with_a_note() -> None:
    candidates = [ranked(1, "return 1")]
    assert find_first_sample(candidates, "") == (None, _note_with("empty"))
    assert find_first_sample(candidates, None)[0] is None
    assert "nothing" in find_first_sample(candidates, None)[1]
    rank, note = find_first_sample(candidates, "return 1 +")
    assert rank is None and "dropped by ranking" in note
    # Same text but ranking did not say it merged anything: not taken on trust.
    assert find_first_sample([ranked(1, "return 1")], "return 1")[0] is None


def _note_with(word: str) -> str:
    return f"the greedy sample was {word} after post-processing; counted as a fail"


def test_a_humaneval_prompt_is_completed_inside_the_function() -> None:
    prompt = 'def f(x):\n    """Double x.\n\n    >>> f(2)\n    4\n    """\n'
    insertion = problem_insertion(prompt)
    assert insertion.mode is Mode.BLOCK
    assert insertion.indent == "    "
    assert insertion.prefix == prompt + "    "  # as an editor would have indented the line


def test_a_comment_prompt_is_completed_after_the_def_header() -> None:
    prompt = "# Double x.\n# f(2) == 4\ndef f(x):"
    insertion = problem_insertion(prompt)
    assert (insertion.prefix, insertion.leading, insertion.indent) == (prompt, "\n    ", "    ")
    assert insertion.comment is not None and insertion.comment.header_line == 2


def test_the_judged_program_is_document_then_test() -> None:
    problem = Problem(
        "t", "# d\ndef f(x):", "f", "def check(candidate):\n    assert candidate(1) == 2\n"
    )
    code = program(problem, problem_insertion(problem.prompt), "return 2 * x")
    assert (
        code
        == "# d\ndef f(x):\n    return 2 * x\ndef check(candidate):\n    assert candidate(1) == 2\n"
    )
    namespace: dict[str, object] = {}
    exec(code, namespace)
    exec(check_for(problem).source, namespace)
    assert check_for(problem).source == "check(f)"


def test_the_progress_bar_counts_and_estimates() -> None:
    stream = io.StringIO()  # not a terminal: one line per update
    bar = ProgressBar(4, stream)
    bar.start()
    bar.update(result("a", "passed"))
    bar.update(result("b", "failed", error="boom"))
    bar.finish()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[------------------------] 0/4 first 0 ranked 0 oracle 0")
    assert lines[1].startswith("[######------------------] 1/4 first 1 ranked 1 oracle 1")
    assert "ETA" in lines[1] and lines[1].endswith("| a")
    assert "2/4" in lines[2] and "errors 1" in lines[2]
    assert [_duration(s) for s in (4.4, 75, 3600 + 300)] == ["4s", "1m15s", "1h05m"]


def test_the_terminal_summary() -> None:
    text = summary(compute_metrics([result("a", "passed"), result("b", "failed", "passed")]), 4)
    assert "pass@1 first sample" in text and " 50.0% (1/2)" in text
    assert "pass@4 oracle" in text and "100.0% (2/2)" in text
    assert "selection efficiency" in text and " 50.0%" in text
    none = summary(compute_metrics([result("a", "failed")]), 2)
    assert "n/a (no candidate passed)" in none


def test_a_greedy_sample_listed_as_merged_in_the_evidence_is_found() -> None:
    # A ranking that merges by meaning (not text) says which samples it merged.
    merged = RankedCandidate("return x+1", -1.0, {"votes": 2, "merged": [0]}, 3)
    rank, note = find_first_sample([ranked(1, "return 1"), merged], "return (x + 1)  # plus")
    assert rank == 1 and "sample 3" in note


def test_a_rejected_greedy_sample_is_a_fail_with_the_reason() -> None:
    bad = RankedCandidate("return (", -0.1, {"votes": 1}, 0)
    rejected = [Rejected(bad, "syntax: candidate line 1: '(' was never closed")]
    rank, note = find_first_sample([ranked(1, "return 1")], "return (", rejected)
    assert rank is None
    assert "rejected (syntax: candidate line 1" in note and "counted as a fail" in note
