"""Examples in comments and docstrings become assert checks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_codegen.context.insertion import insertion_for_comment, locate_insertion
from lsp_codegen.ranking.examples import (
    examples_for,
    extract_examples,
    function_name_from_header,
)
from lsp_codegen.sandbox.types import Check


@dataclass(frozen=True)
class Case:
    name: str
    comment: str
    function: str | None
    checks: list[tuple[str, str]]  # (source, label)


CASES = [
    Case(
        "prose line after the description",
        "Return the nth Fibonacci number.\nfib(10) == 55",
        "fib",
        [("assert fib(10) == 55", "fib(10) == 55")],
    ),
    Case(
        "several on one line, e.g. and a full stop",
        "e.g. fib(0) == 0, fib(1) == 1; fib(10) == 55.",
        "fib",
        [
            ("assert fib(0) == 0", "fib(0) == 0"),
            ("assert fib(1) == 1", "fib(1) == 1"),
            ("assert fib(10) == 55", "fib(10) == 55"),
        ],
    ),
    Case(
        "arrow, commas inside the call",
        "add two numbers: add(1, 2) -> 3",
        "add",
        [("assert add(1, 2) == 3", "add(1, 2) -> 3")],
    ),
    Case(
        "fat arrow joined by and",
        "add(1, 2) => 3 and add(-1, 1) => 0",
        "add",
        [
            ("assert add(1, 2) == 3", "add(1, 2) => 3"),
            ("assert add(-1, 1) == 0", "add(-1, 1) => 0"),
        ],
    ),
    Case(
        "unicode arrow and a float",
        "mean([1, 2, 3]) \u2192 2.0",
        "mean",
        [("assert mean([1, 2, 3]) == 2.0", "mean([1, 2, 3]) \u2192 2.0")],
    ),
    Case(
        "is True / is False",
        "True for primes: is_prime(7) is True, is_prime(8) is False",
        "is_prime",
        [
            ("assert is_prime(7) == True", "is_prime(7) is True"),
            ("assert is_prime(8) == False", "is_prime(8) is False"),
        ],
    ),
    Case(
        "returns, strings with commas",
        "join_words(['a', 'b']) returns 'a, b'",
        "join_words",
        [("assert join_words(['a', 'b']) == 'a, b'", "join_words(['a', 'b']) returns 'a, b'")],
    ),
    Case(
        "should be, trailing prose",
        "fib(10) should be 55 (the tenth number)",
        "fib",
        [("assert fib(10) == 55", "fib(10) should be 55")],
    ),
    Case(
        "single equals sign in prose",
        "so that area(2, 3) = 6",
        "area",
        [("assert area(2, 3) == 6", "area(2, 3) = 6")],
    ),
    Case(
        "bullets",
        "Examples:\n- square(3) == 9\n- square(-2) == 4\n* square(0) -> 0",
        "square",
        [
            ("assert square(3) == 9", "square(3) == 9"),
            ("assert square(-2) == 4", "square(-2) == 4"),
            ("assert square(0) == 0", "square(0) -> 0"),
        ],
    ),
    Case(
        "doctest in a docstring",
        "Return the sum.\n\n>>> total([1, 2, 3])\n6\n>>> total([])\n0\n",
        "total",
        [
            ("assert total([1, 2, 3]) == 6", ">>> total([1, 2, 3])\n6"),
            ("assert total([]) == 0", ">>> total([])\n0"),
        ],
    ),
    Case(
        "indented doctest with setup",
        "Sorted copy.\n\n    >>> xs = [3, 1, 2]\n    >>> sort_copy(xs)\n    [1, 2, 3]\n"
        "    >>> xs\n    [3, 1, 2]",
        "sort_copy",
        [
            ("xs = [3, 1, 2]\nassert sort_copy(xs) == [1, 2, 3]", ">>> sort_copy(xs)\n[1, 2, 3]"),
            ("assert xs == [3, 1, 2]", ">>> xs\n[3, 1, 2]"),
        ],
    ),
    Case(
        "doctest with multi-line literal output",
        ">>> identity(2)\n[[1, 0],\n [0, 1]]",
        "identity",
        [("assert identity(2) == [[1, 0], [0, 1]]", ">>> identity(2)\n[[1, 0],\n [0, 1]]")],
    ),
    Case(
        "doctest with continuation lines",
        ">>> merge({'a': 1},\n...       {'b': 2})\n{'a': 1, 'b': 2}",
        "merge",
        [
            (
                "assert merge({'a': 1}, {'b': 2}) == {'a': 1, 'b': 2}",
                ">>> merge({'a': 1},\n...       {'b': 2})\n{'a': 1, 'b': 2}",
            )
        ],
    ),
    Case(
        "doctest output that is not a literal compares repr",
        ">>> Point(1, 2)\nPoint(x=1, y=2)",
        None,
        [("assert repr(Point(1, 2)) == 'Point(x=1, y=2)'", ">>> Point(1, 2)\nPoint(x=1, y=2)")],
    ),
    Case(
        "doctest print compares the text",
        ">>> print(greet('Bob'))\nHello, Bob!",
        "greet",
        [("assert str(greet('Bob')) == 'Hello, Bob!'", ">>> print(greet('Bob'))\nHello, Bob!")],
    ),
    Case(
        "doctest with a skip directive and elided output",
        ">>> slow(10)  # doctest: +SKIP\n42\n>>> big(3)\n<Big ...>\n"
        ">>> launch()  # doctest: +SKIP\n>>> f(1)\n2",
        None,
        [("assert f(1) == 2", ">>> f(1)\n2")],
    ),
    Case(
        "assert lines kept as written",
        "clamp to the range\nassert clamp(5, 0, 3) == 3\nassert clamp(-1, 0, 3) == 0, 'low'",
        "clamp",
        [
            ("assert clamp(5, 0, 3) == 3", "assert clamp(5, 0, 3) == 3"),
            ("assert clamp(-1, 0, 3) == 0, 'low'", "assert clamp(-1, 0, 3) == 0, 'low'"),
        ],
    ),
    Case(
        "a signature is not an example",
        "def f(x) -> int:\nf(x) -> 'Node'",
        "f",
        [("assert f(x) == 'Node'", "f(x) -> 'Node'")],
    ),
    Case(
        "type names and prose are not values",
        "parse(text) -> int, or parse(text) returns 5 in most cases",
        "parse",
        [("assert parse(text) == 5", "parse(text) returns 5")],
    ),
    Case(
        "calls to another function are ignored when the name is known",
        "like sorted(xs) == [1, 2], but fib(3) == 2",
        "fib",
        [("assert fib(3) == 2", "fib(3) == 2")],
    ),
    Case(
        "any call counts without a name",
        "sorted_copy([2, 1]) == [1, 2]",
        None,
        [("assert sorted_copy([2, 1]) == [1, 2]", "sorted_copy([2, 1]) == [1, 2]")],
    ),
    Case(
        "apostrophes in prose are not strings",
        "don't mutate the list's items: double([1, 2]) == [2, 4]",
        "double",
        [("assert double([1, 2]) == [2, 4]", "double([1, 2]) == [2, 4]")],
    ),
    Case(
        "method calls by name",
        "stack.peek() returns 3 after pushing 3",
        "peek",
        [("assert stack.peek() == 3", "stack.peek() returns 3")],
    ),
    Case(
        "is not is not an example",
        "fib(10) is not 54",
        "fib",
        [],
    ),
    Case(
        "no examples at all",
        "Return the nth Fibonacci number, computed iteratively.",
        "fib",
        [],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_extract_examples(case: Case) -> None:
    checks = extract_examples(case.comment, "python", case.function)
    assert [(check.source, check.label) for check in checks] == case.checks


def test_doctest_exception() -> None:
    comment = ">>> parse('x')\nTraceback (most recent call last):\n  ...\nValueError: bad input"
    (check,) = extract_examples(comment, "python", "parse")
    assert check.label == comment

    def parse_raising(text: str) -> int:
        raise ValueError("bad input")

    def parse_quiet(text: str) -> int:
        return 0

    assert run(check, parse=parse_raising)
    assert not run(check, parse=parse_quiet)


def run(check: Check, **namespace: object) -> bool:
    """Run a check the way the sandbox does: after the code, in its namespace."""
    scope = dict(namespace)
    try:
        exec(check.source, scope)
    except AssertionError:
        return False
    return True


def test_checks_pass_on_right_code_and_fail_on_wrong_code() -> None:
    comment = (
        "Return the nth Fibonacci number.\n"
        "fib(0) == 0, fib(1) -> 1\n"
        ">>> fib(10)\n55\n"
        ">>> print(fib(7))\n13\n"
        ">>> [fib(n) for n in range(5)]\n[0, 1, 1, 2, 3]"
    )
    checks = extract_examples(comment, "python", "fib")
    assert len(checks) == 5

    def fib(n: int) -> int:
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return a

    def wrong(n: int) -> int:
        return n

    assert all(run(check, fib=fib) for check in checks)
    assert [run(check, fib=wrong) for check in checks] == [True, True, False, False, False]


def test_only_languages_that_run() -> None:
    assert extract_examples("add(1, 2) == 3", "go", "add") == []
    assert extract_examples("add(1, 2) == 3", "javascript", "add") != []  # jsexamples
    assert extract_examples(">>> add(1, 2)\n3", "Python", "add") != []


def test_duplicates_are_dropped() -> None:
    checks = extract_examples("f(1) == 2\nf(1) -> 2\nassert f(1) == 2", "python", "f")
    assert [check.source for check in checks] == ["assert f(1) == 2"]
    checks = extract_examples("f(1) === 2\nf(1) -> 2", "javascript", "f")
    assert [check.source for check in checks] == ["assert.deepStrictEqual(await f(1), 2)"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("def fib(n):", "fib"),
        ("    def area(self) -> float:", "area"),
        ("async def fetch(url, *, timeout=1.0):", "fetch"),
        ("def first[T](xs: list[T]) -> T:", "first"),
        ("def   spaced (x):", "spaced"),
        ("def \u00e9t\u00e9(x):", "\u00e9t\u00e9"),
        ("class Fib:", None),
        ("define(x)", None),
        ("# def fib(n):", None),
        ("fib = lambda n: n", None),
    ],
)
def test_function_name_from_header(line: str, name: str | None) -> None:
    assert function_name_from_header(line) == name


def test_examples_for_an_insertion_use_the_header_name() -> None:
    text = 'def fib(n):\n    """Fibonacci.\n\n    fib(10) == 55, other(1) == 2\n    """\n'
    comment = locate_insertion(text, len(text), "python").comment
    assert comment is not None and comment.header_line == 0
    insertion = insertion_for_comment(text, comment, "python")
    assert [check.source for check in examples_for(insertion)] == ["assert fib(10) == 55"]


def test_examples_for_without_a_comment() -> None:
    assert examples_for(locate_insertion("x = 1\n", 5, "python")) == []


FRAGMENTS = st.sampled_from(
    [
        ">>> ",
        "... ",
        "f(",
        ")",
        "[1, 2]",
        " == ",
        " -> ",
        " is ",
        " returns ",
        "'",
        '"',
        "\\",
        ",",
        ";",
        " and ",
        "e.g. ",
        "\n",
        "assert ",
        "Traceback (most recent call last):",
        "ValueError: x",
        "42",
        "x",
        "# doctest: +SKIP",
        "\u2192",
        "=",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=20).map("".join), st.sampled_from(["f", None]))
def test_any_text_gives_checks_that_parse(comment: str, function: str | None) -> None:
    for check in extract_examples(comment, "python", function):
        compile(check.source, "<check>", "exec")
        assert check.label
