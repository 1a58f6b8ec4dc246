"""When every candidate fails the syntax gate, the part of each that parses is shown."""

from __future__ import annotations

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.salvage import salvage
from lsp_codegen.ranking.score import Candidate, rank_all

BODY = "def words_reversed(s):\n"
LINE_PREFIX = "def words_reversed(s):\n    words "


def _block() -> Insertion:
    return Insertion(len(BODY), Mode.BLOCK, "    ", BODY, "\n", "python")


def _line() -> Insertion:
    return Insertion(len(LINE_PREFIX), Mode.LINE, "", LINE_PREFIX, "\n", "python")


def test_a_block_keeps_its_longest_start_of_whole_lines() -> None:
    found = salvage("    x = s.split()\n    y = x[::-1]\n    return (", _block())
    assert found is not None
    assert found.text == "    x = s.split()\n    y = x[::-1]"
    assert found.note == "kept 2 of 3 lines"


def test_a_line_keeps_its_longest_start_at_a_token_boundary() -> None:
    found = salvage("= s.split() if (", _line())
    assert found is not None and found.text == "= s.split()"
    assert found.note == "kept 11 of 16 characters"


def test_nothing_is_kept_when_no_start_parses() -> None:
    assert salvage("1 = []", _line()) is None  # "words 1" never parses


def test_the_ranking_shows_salvaged_starts_only_when_nothing_passed() -> None:
    broken = Candidate(0, "    x = s.split()\n    return (", (-0.5, -0.5), "length")
    ranking = rank_all([broken], _block())
    (shown,) = ranking.shown
    assert shown.text == "    x = s.split()" and shown.evidence["salvaged"] == "kept 1 of 2 lines"
    assert [r.candidate.index for r in ranking.rejected] == [0]  # the whole one is still reported
    good = Candidate(1, "    return s[::-1]", (-1.0,), "stop")
    mixed = rank_all([broken, good], _block())
    assert [c.text for c in mixed.shown] == ["    return s[::-1]"]


def test_an_empty_ranking_says_why() -> None:
    ranking = rank_all([Candidate(0, "1 = []", (-0.1,), "stop")], _line())
    assert ranking.shown == []
    assert ranking.why_empty().startswith("1 rejected, none salvageable (syntax:")
    assert rank_all([], _line()).why_empty() == "the model wrote no candidate"


def test_a_string_literal_is_never_cut() -> None:
    # Seen typing in Neovim: a docstring cut by the time budget was shown as `""`.
    assert salvage('"""The reverse of the sentence.\n\n', _block()) is None
    found = salvage('= " ".join(s) + f"{', _line())
    assert found is not None and found.text == '= " ".join(s)'
