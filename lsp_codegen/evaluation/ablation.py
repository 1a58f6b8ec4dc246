"""Each ranking signal on and off, side by side in one run: the same judged candidates
picked again with that signal's evidence left out (no second generation, so the rows
differ only by the signal)."""

from __future__ import annotations

from collections.abc import Sequence

from lsp_codegen.evaluation.runner import CandidateResult, ProblemResult
from lsp_codegen.ranking.score import RankedCandidate, score_key

# The evidence each signal adds (ranking/score.py names them).
SIGNALS: dict[str, tuple[str, ...]] = {
    "examples": ("examples", "failed", "run", "seconds"),
    "agreement": ("agree", "agreeInputs", "prints", "returnsNone"),
    "lint": ("lint", "lint_findings"),
}


def ablation(results: Sequence[ProblemResult]) -> dict[str, int]:
    """Problems whose pick passes: with every signal ("all"), and without each one."""
    rows = {"all": sum(1 for result in results if result.ranked_passed)}
    for name, keys in SIGNALS.items():
        rows[f"without {name}"] = sum(1 for result in results if _pick_passes(result, keys))
    return rows


def _pick_passes(result: ProblemResult, left_out: tuple[str, ...]) -> bool:
    if not result.candidates:
        return False
    return min(result.candidates, key=lambda c: score_key(_without(c, left_out))).passed


def _without(candidate: CandidateResult, left_out: tuple[str, ...]) -> RankedCandidate:
    evidence = {k: v for k, v in candidate.evidence.items() if k not in left_out}
    return RankedCandidate(candidate.text, candidate.score, evidence, candidate.index)
