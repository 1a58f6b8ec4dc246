"""Huge documents are checked on the top-level statements around the insertion."""

from __future__ import annotations

import pytest

from lsp_codegen.context.bounded import bounded_insertion
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.ranking.syntax import check_syntax

_BLOCK = "def f(x):\n    return x + 1\n\n"


def _insertion(text: str, offset: int):  # type: ignore[no-untyped-def]
    return locate_insertion(text, offset, "python")


def test_small_documents_are_left_whole() -> None:
    text = _BLOCK * 10 + "# add\ndef add(a, b):\n"
    insertion = _insertion(text, len(text))
    assert bounded_insertion(insertion) is insertion


def test_cut_at_top_level_lines_keeping_line_numbers() -> None:
    head = _BLOCK * 5000
    text = head + "def add(a, b):\n" + "\n" + _BLOCK * 5000
    offset = len(head) + len("def add(a, b):\n")
    insertion = _insertion(text, offset)
    bounded = bounded_insertion(insertion, limit=1000)
    assert len(bounded.prefix.strip("\n")) <= 1100 and len(bounded.suffix) <= 1100
    assert bounded.prefix.count("\n") == insertion.prefix.count("\n")
    assert bounded.prefix.lstrip("\n").startswith("def f(x):")
    assert insertion.suffix.startswith(bounded.suffix)
    assert bounded.offset == insertion.offset and bounded.mode == insertion.mode


@pytest.mark.parametrize(
    "candidate",
    ["    return a + b\n", "    return (a +\n", "    x = 1\n  y = 2\n", '    """\n', "return 1\n"],
)
def test_a_cut_document_checks_like_the_whole_one(candidate: str) -> None:
    text = _BLOCK * 300 + "def add(a, b):\n\n" + _BLOCK * 300
    insertion = _insertion(text, len(_BLOCK * 300) + len("def add(a, b):\n"))
    bounded = bounded_insertion(insertion, limit=500)
    assert bounded is not insertion
    cut, whole = check_syntax(bounded, candidate), check_syntax(insertion, candidate)
    assert (cut.ok, cut.new_errors) == (whole.ok, whole.new_errors)
    # Same line numbers too, except where an error is only detected at the end of the text.
    assert cut.detail == whole.detail or "detected at line" in whole.detail
