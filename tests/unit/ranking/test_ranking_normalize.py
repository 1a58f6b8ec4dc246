"""Formatting-insensitive keys: equal for candidates that differ only in layout."""

from __future__ import annotations

import pytest

from lsp_codegen.ranking.normalize import normalized_ast


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("return a+b", "return  (a + b)  # the sum"),
        ("x = 'a'", 'x = "a"'),
        (
            'def f(n):\n    """Double it."""\n    return n * 2',
            "def f(n):\n    # double it\n    return n*2",
        ),
        (
            "if n < 2:\n        return n\n    return fib(n - 1)",
            "if n<2:\n    return n\nreturn fib(n-1)",
        ),
        ("for x in xs:\n        total += x", "for x in xs:\n    total += x"),
        ("    x = 1\n    return x", "x = 1\nreturn x"),
        ("x = [\n    1,\n    2,\n]", "x = [1, 2]"),
        ("class A:\n    '''Doc.'''\n    x = 1", "class A:\n    x = 1"),
    ],
)
def test_python_equal_across_formatting(first: str, second: str) -> None:
    assert normalized_ast(first, "python") is not None
    assert normalized_ast(first, "python") == normalized_ast(second, "python")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("return a + b", "return b + a"),
        ("x = 'a'", "x = 'b'"),
        ("if x:\n    y()\nz()", "if x:\n    y()\n    z()"),
        ("def f():\n    return 1", "def g():\n    return 1"),
    ],
)
def test_python_different_code_differs(first: str, second: str) -> None:
    assert normalized_ast(first, "python") != normalized_ast(second, "python")


def test_python_fragment_needing_a_function() -> None:
    assert normalized_ast("yield x\n    return", "python") is not None


def test_python_that_does_not_parse() -> None:
    assert normalized_ast("return a +", "python") is None


def test_docstring_only_body_keeps_a_body() -> None:
    assert normalized_ast('def f():\n    """Doc."""', "python") == normalized_ast(
        "def f():\n    pass", "python"
    )


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("javascript", "const x = 1; // one\nlet y  =  2;", "const x = 1;\n/* two */ let y = 2;"),
        ("go", "a := 1\n\treturn a // done", "a := 1\nreturn a"),
        ("rust", "let x = a; // a\n    x + b", "let x = a;\nx + b"),
        ("c", "return a  +  b; /* sum */", "return a + b;"),
        ("lua", "return a + b -- sum", "return a   +  b"),
    ],
)
def test_tree_sitter_languages_ignore_layout_and_comments(
    language: str, first: str, second: str
) -> None:
    assert normalized_ast(first, language) == normalized_ast(second, language)


def test_tree_sitter_languages_keep_string_contents() -> None:
    assert normalized_ast("f('a  b');", "javascript") != normalized_ast("f('a b');", "javascript")


def test_languages_without_a_grammar_collapse_whitespace() -> None:
    assert normalized_ast("DISPLAY  'x'\n   STOP RUN.", "cobol") == "DISPLAY 'x' STOP RUN."
