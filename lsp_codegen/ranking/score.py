"""Ordering candidates: the one place that says which evidence outranks which.

Today a candidate's score is its mean token log-probability, the model's own
confidence per token (length-neutral, so short and long candidates compare).
Candidates are cleaned with `postprocess` first; empty ones are dropped and
identical ones (ignoring whitespace) are merged, keeping the better score and
counting the merge in `votes`.

Later gates rank before the score, in this priority, each one only reordering
candidates that tie on every gate above it:

1. syntax: the inserted code parses in its document;
2. examples: examples from the comment pass in a sandbox;
3. lint: no new lint findings;
4. speed: faster on the examples;
5. score: mean log-probability (the only one implemented now).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.postprocess import postprocess

# Stands in for the mean of no (or non-finite) log-probabilities: lower than any
# real mean, and unlike -inf it survives JSON.
FLOOR_LOGPROB = -1e9


@dataclass(frozen=True)
class Candidate:
    """One raw continuation from the engine."""

    index: int
    text: str
    logprobs: tuple[float, ...]
    finish_reason: str | None

    @property
    def mean_logprob(self) -> float:
        """Mean log-probability per token; FLOOR_LOGPROB with no tokens."""
        if not self.logprobs:
            return FLOOR_LOGPROB
        mean = math.fsum(self.logprobs) / len(self.logprobs)
        return mean if math.isfinite(mean) else FLOOR_LOGPROB


@dataclass(frozen=True)
class RankedCandidate:
    """A cleaned candidate ready to show, with the evidence for its place."""

    text: str
    score: float
    evidence: dict[str, object]
    index: int

    def title(self) -> str:
        """A short evidence label, e.g. "logp −0.41 · 12 tokens"."""
        tokens = self.evidence.get("tokens")
        label = f"logp {_signed(self.score)}"
        if isinstance(tokens, int):
            label += f" · {tokens} token" + ("" if tokens == 1 else "s")
        return label


def rank(candidates: Sequence[Candidate], insertion: Insertion) -> list[RankedCandidate]:
    """Clean, de-duplicate and order candidates, best first."""
    best: dict[str, RankedCandidate] = {}
    for candidate in candidates:
        text = postprocess(candidate.text, insertion)
        if not text:
            continue
        ranked = _ranked(candidate, text)
        key = " ".join(text.split())
        kept = best.get(key)
        if kept is None:
            best[key] = ranked
            continue
        winner = ranked if _order(ranked) < _order(kept) else kept
        votes = _votes(kept) + 1
        best[key] = RankedCandidate(
            winner.text, winner.score, {**winner.evidence, "votes": votes}, winner.index
        )
    return sorted(best.values(), key=_order)


def _ranked(candidate: Candidate, text: str) -> RankedCandidate:
    score = candidate.mean_logprob
    evidence: dict[str, object] = {
        "mean_logprob": score,
        "tokens": len(candidate.logprobs),
        "finish_reason": candidate.finish_reason,
        "votes": 1,
    }
    return RankedCandidate(text, score, evidence, candidate.index)


def _order(candidate: RankedCandidate) -> tuple[float, int]:
    # Ties go to the earlier candidate so the order is deterministic.
    return (-candidate.score, candidate.index)


def _votes(candidate: RankedCandidate) -> int:
    votes = candidate.evidence.get("votes")
    return votes if isinstance(votes, int) else 1


def _signed(value: float) -> str:
    text = f"{value:.2f}"
    if text == "-0.00":
        return "0.00"
    return text.replace("-", "\u2212")
