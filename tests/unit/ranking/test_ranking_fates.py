"""What became of each raw candidate, read back from the ranking."""

from __future__ import annotations

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.fates import fates
from lsp_codegen.ranking.score import Candidate, rank_all

BODY = "def f(xs):\n"
LINE_PREFIX = "def f(xs):\n    total "


def _block() -> Insertion:
    return Insertion(len(BODY), Mode.BLOCK, "    ", BODY, "\n", "python")


def _line() -> Insertion:
    return Insertion(len(LINE_PREFIX), Mode.LINE, "", LINE_PREFIX, "\n", "python")


def _fates_of(candidates: list[Candidate], insertion: Insertion) -> list[tuple[bool, str | None]]:
    ranking = rank_all(candidates, insertion)
    found = fates(candidates, ranking.shown, ranking.rejected)
    assert [fate.index for fate in found] == [c.index for c in candidates]
    return [(fate.shown_at is not None, fate.dropped) for fate in found]


def test_shown_duplicate_and_syntax_rejected_candidates_are_told_apart() -> None:
    candidates = [
        Candidate(0, "    return sum(xs)\n", (-0.1,), "stop"),
        Candidate(1, "    return sum(xs)\n", (-0.3,), "stop"),
        Candidate(2, "    return sum(xs\n", (-0.2,), "stop"),
    ]
    found = _fates_of(candidates, _block())
    assert found[:2] == [(True, None), (False, "duplicate of candidate 0")]
    shown, dropped = found[2]
    assert not shown and dropped is not None and dropped.startswith("syntax: ")


def test_a_syntax_rejection_keeps_its_reason_and_evidence() -> None:
    candidates = [Candidate(0, "= = 1", (-0.1,), "stop")]
    ranking = rank_all(candidates, _line())
    [fate] = fates(candidates, ranking.shown, ranking.rejected)
    assert fate.shown_at is None
    assert fate.dropped is not None and fate.dropped.startswith("syntax")
    assert str(fate.evidence["syntax"]).startswith("error")


def test_empty_candidates_say_whether_a_budget_cut_them() -> None:
    candidates = [
        Candidate(0, "", (-0.1,), "time"),
        Candidate(1, "", (), "cancelled"),
        Candidate(2, "    return 0\n", (-0.1,), "stop"),
    ]
    assert _fates_of(candidates, _block()) == [
        (False, "cut by the time budget before a whole line was written"),
        (False, "the model wrote nothing"),
        (True, None),
    ]


def test_a_candidate_held_back_from_an_early_answer_says_so() -> None:
    candidates = [Candidate(0, "= len(", (-0.1,), None)]
    found = fates(candidates, [], [], held_back={0})
    assert found[0].dropped == "its line was still being written when the answer was sent"


def test_a_candidate_clean_up_emptied_is_named() -> None:
    # The candidate only repeats what follows the cursor: nothing is left to insert.
    insertion = Insertion(len(LINE_PREFIX), Mode.LINE, "", LINE_PREFIX, "= 0\n", "python")
    candidates = [Candidate(0, "= 0", (-0.1,), "stop")]
    ranking = rank_all(candidates, insertion)
    assert ranking.emptied == 1
    [fate] = fates(candidates, ranking.shown, ranking.rejected)
    assert fate.dropped is not None and fate.dropped.startswith("nothing left after clean-up")


def test_a_candidate_stopped_at_once_shows_what_it_wrote_past_the_stop() -> None:
    candidates = [
        Candidate(0, "", (-0.1,), "stop", beyond="\n\ndef main():\n    pass\n"),
        Candidate(1, "", (), "eos"),
    ]
    [stopped, ended] = fates(candidates, [], [])
    assert (
        stopped.dropped == "ended at once: what it wrote next is outside this block ('def main():')"
    )
    assert stopped.beyond.startswith("\n\ndef main():")
    assert ended.dropped == "the model ended its answer at once (end of text)"
