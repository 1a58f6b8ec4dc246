"""The ablation rows: the same judged candidates picked again without one signal."""

from __future__ import annotations

from lsp_codegen.evaluation.ablation import ablation
from lsp_codegen.evaluation.runner import CandidateResult, ProblemResult


def judged(index: int, score: float, passed: bool, **evidence: object) -> CandidateResult:
    verdict = "passed" if passed else "failed"
    return CandidateResult(0, index, f"return {index}", score, dict(evidence), verdict)


def test_each_signal_left_out_changes_only_the_picks_it_decided() -> None:
    # Agreement put the right one first; likelihood alone picks the wrong one.
    agreed = ProblemResult(
        "a", [judged(1, -0.9, True, agree="5/8"), judged(0, -0.1, False, agree="1/8")]
    )
    # The example decided: without it the likelier, failing one would win.
    example = ProblemResult(
        "b", [judged(1, -0.9, True, examples="1/1"), judged(0, -0.1, False, examples="0/1")]
    )
    rows = ablation([agreed, example, ProblemResult("c")])
    assert rows == {"all": 2, "without examples": 1, "without agreement": 1, "without lint": 2}
