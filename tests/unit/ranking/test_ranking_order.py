"""Ranking with every gate: syntax, examples, likelihood, efficiency, readability."""

from __future__ import annotations

import json

import pytest

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.lint import ruff_binary
from lsp_codegen.ranking.score import (
    Candidate,
    RankedCandidate,
    Ranking,
    rank,
    rank_all,
    rank_with_runs,
    score_key,
    with_runs,
)
from lsp_codegen.sandbox.types import Check, CheckResult, RunResult, Verdict

BODY = Insertion(
    offset=0,
    mode=Mode.BLOCK,
    indent="    ",
    prefix="# add two numbers\ndef add(a, b):",
    suffix="\n\n\nprint(add(1, 2))\n",
    language="python",
    leading="\n    ",
)
CHECKS = [Check(f"assert add({n}, 1) == {n + 1}", f"add({n}, 1) == {n + 1}") for n in range(3)]


def candidate(index: int, text: str, logprob: float, tokens: int = 4) -> Candidate:
    return Candidate(index, text, (logprob,) * tokens, "eos")


def run(passed: int, seconds: float = 0.00002, total: int = 3) -> RunResult:
    results = [
        CheckResult(
            check,
            Verdict.PASSED if n < passed else Verdict.FAILED,
            "" if n < passed else f"assert {n + 2} == {n + 1}",
            seconds / total,
        )
        for n, check in enumerate(CHECKS[:total])
    ]
    verdict = Verdict.PASSED if passed == total else Verdict.FAILED
    return RunResult(verdict, results, seconds=seconds)


def texts(ranking: Ranking | list[RankedCandidate]) -> list[str]:
    shown = ranking.shown if isinstance(ranking, Ranking) else ranking
    return [item.text for item in shown]


# --- syntax --------------------------------------------------------------------------


def test_syntax_failures_are_rejected_with_their_reason() -> None:
    candidates = [
        candidate(0, "return a +\n", -0.1),
        candidate(1, "return a + b\n", -0.5),
        candidate(2, "return (a + b\n", -0.2),
    ]
    ranking = rank_all(candidates, BODY)
    assert texts(ranking) == ["return a + b"]
    assert [(r.candidate.index, r.reason) for r in ranking.rejected] == [
        (0, "syntax: candidate line 1: invalid syntax"),
        (2, "syntax: candidate line 1: '(' was never closed"),
    ]
    rejected = ranking.rejected[0].candidate
    assert rejected.evidence["syntax"] == "error: candidate line 1: invalid syntax"
    assert rejected.title() == "\u2717 syntax · logp \u22120.10 · 4 tokens"
    assert texts(rank(candidates, BODY)) == ["return a + b"]


def test_identical_rejected_candidates_are_merged() -> None:
    # No start of ") + 1" parses either: nothing is salvaged (see test_ranking_salvage).
    ranking = rank_all([candidate(0, ") + 1\n", -1.0), candidate(1, ") + 1", -0.5)], BODY)
    assert ranking.shown == []
    (rejected,) = ranking.rejected
    assert rejected.candidate.index == 1 and rejected.candidate.evidence["votes"] == 2


def test_line_mode_in_javascript() -> None:
    insertion = Insertion(10, Mode.LINE, "", "const x = ", ";\n", "javascript")
    ranking = rank_all([candidate(0, "foo(1", -0.1), candidate(1, "foo(1)", -0.5)], insertion)
    assert texts(ranking) == ["foo(1)"]
    assert ranking.rejected[0].reason.startswith("syntax: 1 new syntax error")


def test_unknown_language_is_shown_with_a_note() -> None:
    insertion = Insertion(0, Mode.BLOCK, "", "", "\n", "cobol")
    (ranked,) = rank([candidate(0, "STOP RUN.", -0.5)], insertion)
    assert ranked.evidence["syntax"] == "no parser for cobol"


# --- duplicates ----------------------------------------------------------------------


def test_same_ast_is_merged_keeping_the_best() -> None:
    ranking = rank_all(
        [
            candidate(0, "return a+b\n", -0.9),
            candidate(1, "return (a + b)  # the sum\n", -0.3),
            candidate(2, "return a - b\n", -0.5),
            candidate(3, "return a + \\\n        b\n", -2.0),
        ],
        BODY,
    )
    assert [(r.index, r.evidence["votes"]) for r in ranking.shown] == [(1, 3), (2, 1)]
    assert ranking.shown[0].evidence["merged"] == [0, 3]
    assert "merged" not in ranking.shown[1].evidence


# --- examples ------------------------------------------------------------------------


def test_examples_outrank_likelihood() -> None:
    candidates = [
        candidate(0, "return a + 1\n", -0.1),
        candidate(1, "return b + a\n", -0.9),
        candidate(2, "return a + b\n", -0.5),
    ]
    runs = {0: run(1), 1: run(3), 2: run(3, seconds=0.00003)}
    ranking = rank_with_runs(candidates, BODY, runs)
    assert texts(ranking) == ["return a + b", "return b + a", "return a + 1"]
    best, _, worst = ranking.shown
    assert best.evidence["examples"] == "3/3"
    assert best.title() == "\u2713 3/3 examples · logp \u22120.50 · 0.03 ms"
    assert worst.title() == "\u2717 1/3 examples · logp \u22120.10 · 0.02 ms"
    assert worst.evidence["failed"] == [
        "add(1, 1) == 2: assert 3 == 2",
        "add(2, 1) == 3: assert 4 == 3",
    ]
    assert worst.evidence["run"] == "failed"


def test_with_runs_reorders_an_existing_ranking() -> None:
    candidates = [candidate(0, "return a * b\n", -0.1), candidate(1, "return a + b\n", -0.5)]
    ranking = rank_all(candidates, BODY)
    assert texts(ranking) == ["return a * b", "return a + b"]
    reordered = with_runs(ranking, {0: run(0), 1: run(3)})
    assert texts(reordered) == ["return a + b", "return a * b"]
    assert reordered.rejected == ranking.rejected
    assert rank_with_runs(candidates, BODY, {0: run(0), 1: run(3)}) == reordered


def test_a_run_that_failed_before_its_checks() -> None:
    crashed = RunResult(Verdict.ERROR, [], message="NameError: name 'c' is not defined")
    ranking = rank_with_runs(
        [candidate(0, "return c\n", -0.1), candidate(1, "return a + b\n", -0.5)],
        BODY,
        {0: crashed, 1: run(3)},
    )
    assert texts(ranking) == ["return a + b", "return c"]
    failed = ranking.shown[1]
    assert failed.evidence["examples"] == "0/3"
    assert failed.evidence["failed"] == ["NameError: name 'c' is not defined"]
    assert failed.title().startswith("\u2717 0/3 examples")


def test_total_can_be_given() -> None:
    crashed = RunResult(Verdict.ERROR, [], message="boom")
    ranking = rank_with_runs([candidate(0, "return 0\n", -0.1)], BODY, {0: crashed}, total=2)
    assert ranking.shown[0].evidence["examples"] == "0/2"


def test_candidates_without_a_run_rank_as_passing_none() -> None:
    ranking = rank_with_runs(
        [candidate(0, "return a - b\n", -0.1), candidate(1, "return a + b\n", -0.5)],
        BODY,
        {1: run(3)},
    )
    assert texts(ranking) == ["return a + b", "return a - b"]
    assert "examples" not in ranking.shown[1].evidence
    assert ranking.shown[1].title() == "logp \u22120.10 · 4 tokens"


def test_no_examples_means_no_examples_evidence() -> None:
    empty = RunResult(Verdict.PASSED, [], seconds=0.01)
    ranking = rank_with_runs([candidate(0, "return a + b\n", -0.5)], BODY, {0: empty})
    (ranked,) = ranking.shown
    assert "examples" not in ranked.evidence
    assert ranked.evidence["run"] == "passed"
    assert ranked.title() == "logp \u22120.50 · 4 tokens"


# --- efficiency ----------------------------------------------------------------------


def test_faster_wins_between_equally_likely_candidates() -> None:
    candidates = [
        candidate(0, "return a + b  # slow\n", -0.26),
        candidate(1, "return b + a\n", -0.29),
        candidate(2, "return sum([a, b])\n", -0.1),
    ]
    runs = {0: run(3, seconds=0.5), 1: run(3, seconds=0.0005), 2: run(3, seconds=2.0)}
    ranking = rank_with_runs(candidates, BODY, runs)
    # Likelihood comes first (index 2); speed decides within a likelihood step.
    assert [r.index for r in ranking.shown] == [2, 1, 0]
    assert ranking.shown[0].title() == "\u2713 3/3 examples · logp \u22120.10 · 2.00 s"


def test_speed_is_ignored_when_nothing_passes() -> None:
    candidates = [candidate(0, "return a - b\n", -0.26), candidate(1, "return b - a\n", -0.29)]
    ranking = rank_with_runs(candidates, BODY, {0: run(0, 0.5), 1: run(0, 0.0005)})
    assert [r.index for r in ranking.shown] == [0, 1]


# --- readability ---------------------------------------------------------------------


def test_shorter_wins_between_equally_likely_candidates() -> None:
    candidates = [
        candidate(0, "return sum((a, b))\n", -0.26),
        candidate(1, "return a + b\n", -0.29),
    ]
    assert [r.index for r in rank(candidates, BODY)] == [1, 0]


@pytest.mark.skipif(ruff_binary() is None, reason="ruff is not installed")
def test_lint_findings_outrank_length() -> None:
    candidates = [
        candidate(0, "y = 1\n    return a + b\n", -0.26),
        candidate(1, "return sum((a, b))\n", -0.29),
    ]
    assert [r.index for r in rank(candidates, BODY)] == [0, 1]
    linted = rank_all(candidates, BODY, lint=True)
    assert [r.index for r in linted.shown] == [1, 0]
    noisy = linted.shown[1]
    assert noisy.evidence["lint"] == 1
    assert noisy.evidence["lint_findings"] == [
        "F841 line 1: Local variable `y` is assigned to but never used"
    ]
    assert noisy.title() == "logp \u22120.26 · 4 tokens · 1 lint"
    json.dumps(noisy.evidence)


def test_lint_is_python_only() -> None:
    insertion = Insertion(10, Mode.LINE, "", "const x = ", ";\n", "javascript")
    (ranked,) = rank([candidate(0, "foo(1)", -0.5)], insertion, lint=True)
    assert "lint" not in ranked.evidence


# --- the key itself ------------------------------------------------------------------


def ranked(index: int, score: float, text: str = "x", **evidence: object) -> RankedCandidate:
    return RankedCandidate(text, score, {"syntax": "ok", **evidence}, index)


def test_score_key_priorities() -> None:
    # -0.46 .. -0.49 share one LOGPROB_STEP; -0.01 and -2.0 do not.
    items = [
        ranked(0, -0.01, syntax="error: broken"),
        ranked(1, -0.01, examples="1/3", seconds=0.0),
        ranked(2, -2.0, examples="3/3", seconds=5.0),
        ranked(3, -0.46, examples="3/3", seconds=5.0),
        ranked(4, -0.47, examples="3/3", seconds=0.0001),
        ranked(5, -0.48, examples="3/3", seconds=0.0001, lint=2),
        ranked(6, -0.49, "much longer text", examples="3/3", seconds=0.0001),
        ranked(7, -0.49, examples="3/3", seconds=0.0001),
        ranked(8, -0.49, examples="3/3", seconds=0.0001),
    ]
    order = sorted(reversed(items), key=score_key)
    assert [item.index for item in order] == [4, 7, 8, 6, 5, 3, 2, 1, 0]


def test_evidence_is_json_with_everything() -> None:
    ranking = rank_with_runs([candidate(0, "return a + b\n", -0.5)], BODY, {0: run(3)})
    (item,) = ranking.shown
    assert json.loads(json.dumps(item.evidence)) == {
        "syntax": "ok",
        "mean_logprob": -0.5,
        "tokens": 4,
        "finish_reason": "eos",
        "votes": 1,
        "run": "passed",
        "seconds": pytest.approx(0.00002),
        "examples": "3/3",
    }


@pytest.mark.parametrize(
    ("evidence", "title"),
    [
        ({"examples": "1/1", "seconds": 0.0}, "\u2713 1/1 example · logp \u22120.31 · 0.00 ms"),
        ({"examples": "2/3", "seconds": 1.5}, "\u2717 2/3 examples · logp \u22120.31 · 1.50 s"),
        ({"tokens": 3, "lint": 2}, "logp \u22120.31 · 3 tokens · 2 lint"),
        ({"syntax": "error: x", "tokens": 1}, "\u2717 syntax · logp \u22120.31 · 1 token"),
        ({"examples": "garbage"}, "logp \u22120.31"),
    ],
)
def test_titles(evidence: dict[str, object], title: str) -> None:
    assert RankedCandidate("x", -0.31, evidence, 0).title() == title
