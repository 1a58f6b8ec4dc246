"""Agreement on derived inputs in the ranking: the share of raw candidates behaving alike
outranks likelihood; printers and None-returners get no credit and are marked."""

from __future__ import annotations

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.score import Candidate, Ranking, rank_all, with_agreement

BODY = Insertion(0, Mode.BLOCK, "    ", "def sum_squares(xs: list[int]) -> int:\n", "\n", "python")


def ranking() -> Ranking:
    candidates = [
        Candidate(0, "    return sum(xs) ** 2", (-0.1,) * 4, "eos"),  # the likeliest, alone
        Candidate(1, "    return sum(x * x for x in xs)", (-0.6,) * 4, "eos"),
        Candidate(2, "    return sum(x ** 2 for x in xs)", (-0.7,) * 4, "eos"),
        Candidate(3, "    print(sum(xs))", (-0.2,) * 4, "eos"),
        Candidate(4, "    print(sum(xs))", (-0.2,) * 4, "eos"),  # merged into 3: 2 votes
    ]
    return rank_all(candidates, BODY)


def test_the_agreeing_ones_outrank_a_likelier_loner() -> None:
    signatures = {0: "a", 1: "b", 2: "b", 3: "c"}
    ranked = with_agreement(ranking(), signatures, 12, {3: "prints"})
    assert [c.index for c in ranked.shown] == [1, 2, 0, 3]
    assert ranked.shown[0].title().startswith("\u2248 2/5 agree on 12 inputs · logp")
    printer = ranked.shown[-1]
    assert printer.evidence["agree"] == "2/5"  # two votes, but doing nothing earns none
    assert "prints instead of returning" in printer.title()


def test_candidates_that_did_not_run_keep_their_place_without_evidence() -> None:
    before = ranking()
    after = with_agreement(before, {0: None, 1: None, 3: None}, 12, {})
    assert [c.index for c in after.shown] == [c.index for c in before.shown]
    assert all("agree" not in c.evidence for c in after.shown)
