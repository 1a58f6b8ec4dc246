"""Ranking: cleaning, merging duplicates, ordering by mean log-probability."""

from __future__ import annotations

import json
import math

import pytest

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.score import (
    FLOOR_LOGPROB,
    Candidate,
    RankedCandidate,
    Ranking,
    examples_not_run,
    rank,
)

BODY = Insertion(
    offset=0,
    mode=Mode.BLOCK,
    indent="    ",
    prefix="def add(a, b):",
    suffix="\n",
    language="python",
    leading="\n    ",
)


def candidate(index: int, text: str, *logprobs: float, finish: str | None = "eos") -> Candidate:
    return Candidate(index, text, tuple(logprobs), finish)


def test_mean_logprob() -> None:
    assert candidate(0, "x", -0.5, -1.5).mean_logprob == -1.0
    assert candidate(0, "x").mean_logprob == FLOOR_LOGPROB
    assert candidate(0, "x", -math.inf).mean_logprob == FLOOR_LOGPROB
    assert candidate(0, "x", math.nan).mean_logprob == FLOOR_LOGPROB


def test_sorted_by_mean_logprob() -> None:
    ranked = rank(
        [
            candidate(0, "return a - b\n", -2.0, -2.0),
            candidate(1, "return a + b\n", -0.1, -0.3),
            candidate(2, "return b + a\n", -1.0, -0.5),
        ],
        BODY,
    )
    assert [r.text for r in ranked] == ["return a + b", "return b + a", "return a - b"]
    assert [r.index for r in ranked] == [1, 2, 0]
    assert ranked[0].score == pytest.approx(-0.2)


def test_postprocessed_and_empty_dropped() -> None:
    ranked = rank(
        [
            candidate(0, "return a + b\n\nprint(add(1, 2))\n", -0.5, -0.5),
            candidate(1, "   \n\n", -0.01),
            candidate(2, "", finish="cancelled"),
        ],
        BODY,
    )
    assert [r.text for r in ranked] == ["return a + b"]


def test_duplicates_merged_keeping_the_better_score() -> None:
    ranked = rank(
        [
            candidate(0, "return a+b\n", -1.0),
            candidate(1, "return  a+b  \n", -0.2, -0.4),
            candidate(2, "return a * b\n", -0.5),
            candidate(3, "return a+b", -3.0),
        ],
        BODY,
    )
    assert [(r.index, r.text) for r in ranked] == [(1, "return  a+b"), (2, "return a * b")]
    assert ranked[0].evidence["votes"] == 3
    assert ranked[0].evidence["tokens"] == 2
    assert ranked[1].evidence["votes"] == 1


def test_ties_keep_engine_order() -> None:
    ranked = rank([candidate(1, "return 1\n", -0.5), candidate(0, "return 2\n", -0.5)], BODY)
    assert [r.index for r in ranked] == [0, 1]


def test_evidence() -> None:
    (ranked,) = rank([candidate(3, "return a + b\n", -0.25, -0.75, finish="stop")], BODY)
    assert ranked.evidence == {
        "syntax": "ok",
        "mean_logprob": -0.5,
        "tokens": 2,
        "finish_reason": "stop",
        "votes": 1,
    }
    json.dumps(ranked.evidence)  # goes over the wire as-is


def test_evidence_is_json_without_tokens() -> None:
    (ranked,) = rank([candidate(0, "return 0\n")], BODY)
    assert json.loads(json.dumps(ranked.evidence))["mean_logprob"] == FLOOR_LOGPROB


@pytest.mark.parametrize(
    ("score", "tokens", "title"),
    [
        (-0.41, 12, "logp \u22120.41 · 12 tokens"),
        (-0.001, 1, "logp 0.00 · 1 token"),
        (0.0, 3, "logp 0.00 · 3 tokens"),
        (-2.5, 0, "logp \u22122.50 · 0 tokens"),
    ],
)
def test_title(score: float, tokens: int, title: str) -> None:
    ranked = RankedCandidate("x", score, {"tokens": tokens}, 0)
    assert ranked.title() == title


def test_title_without_token_count() -> None:
    assert RankedCandidate("x", -1.0, {}, 0).title() == "logp \u22121.00"


def test_examples_that_could_not_run_say_why() -> None:
    shown = [RankedCandidate("x", -0.5, {"tokens": 2}, 0), RankedCandidate("y", -1.0, {}, 1)]
    ranking = examples_not_run(Ranking(shown, [], 0), "no TypeScript compiler in this workspace")
    assert [c.index for c in ranking.shown] == [0, 1]  # the order is untouched
    first = ranking.shown[0]
    assert first.evidence["examples"] == "not run \u2014 no TypeScript compiler in this workspace"
    assert first.title() == "examples not run · logp \u22120.50 · 2 tokens"
