"""Finding the comment or docstring that asks for code, per language."""

from __future__ import annotations

import pytest

from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.positions import LineIndex
from lsp_codegen.context.types import CommentPrompt

P = CommentPrompt

# (language, source, cursor lines, expected prompt at every one of those lines)
CASES: list[tuple[str, str, list[int], CommentPrompt | None]] = [
    (
        "python",
        "# return the n-th fibonacci number\ndef fib(n):\n",
        [0, 1, 2],
        P("return the n-th fibonacci number", 0, 0, 2, "    ", header_line=1),
    ),
    (
        "python",
        "# return the n-th fibonacci number\ndef fib(n):",
        [0, 1],
        P("return the n-th fibonacci number", 0, 0, 2, "    ", header_line=1),
    ),
    (
        "python",
        "import os\n\n# list the files\n# in a folder\n",
        [2, 3, 4],
        P("list the files\nin a folder", 2, 3, 4, ""),
    ),
    (
        "python",
        "class A:\n  def m(self):\n    # do the thing\n\n  def n(self):\n    pass\n",
        [2, 3],
        P("do the thing", 2, 2, 3, "    "),
    ),
    (
        "python",
        "class A:\n  x = 1\n\n  # sum two numbers\n  def add(a, b):\n\n  y = 2\n",
        [3, 4, 5],
        P("sum two numbers", 3, 3, 5, "    ", header_line=4),
    ),
    (
        "python",
        "# memoised fibonacci\n@cache\ndef fib(\n    n: int,\n) -> int:\n",
        [0, 2, 3, 4, 5],
        P("memoised fibonacci", 0, 0, 5, "    ", header_line=2),
    ),
    ("python", "# compute x\nx = 1\n", [0, 1], None),
    ("python", "# square\ndef sq(n):\n    return n * n\n", [0, 1], None),
    ("python", "#!/usr/bin/env python\nx = 1\n", [0, 1], None),
    ("python", "x = 1\ny = 2\n", [0, 1, 2], None),
    ("python", "# note\n\n\nx = 1\n", [2], None),
    # Python docstrings
    (
        "python",
        'def sq(n):\n    """Return n squared."""\n',
        [0, 1, 2],
        P("Return n squared.", 1, 1, 2, "    ", header_line=0),
    ),
    (
        "python",
        "def sq(n):\n    '''\n    Return n squared.\n\n    Args: n\n    '''\n"
        "\ndef g():\n    pass\n",
        [0, 1, 2, 3, 5, 6],
        P("Return n squared.\n\nArgs: n", 1, 5, 6, "    ", header_line=0),
    ),
    (
        "python",
        'class Stack:\n    def push(self, item):\n        r"""Push item."""\n',
        [1, 2, 3],
        P("Push item.", 2, 2, 3, "        ", header_line=1),
    ),
    ("python", 'def sq(n):\n    """Return n squared."""\n    return n * n\n', [0, 1, 2], None),
    ("python", 'def sq(n):\n    """Return n squared.\n', [0, 1], None),
    # JavaScript / TypeScript
    (
        "javascript",
        "// add two numbers\nfunction add(a, b) {\n}\n",
        [0, 1],
        P("add two numbers", 0, 0, 2, "    ", header_line=1),
    ),
    (
        "typescript",
        "function f(): void {\n  return;\n}\n\n"
        "// add two numbers\nfunction add(a: number) {\n  \n}",
        [4, 5, 6],
        P("add two numbers", 4, 4, 6, "  ", header_line=5),
    ),
    (
        "javascript",
        "function main() {\n    // log the arguments\n}\n",
        [1],
        P("log the arguments", 1, 1, 2, "    "),
    ),
    (
        "javascript",
        "/**\n * Sum an array.\n * @param {number[]} xs\n */\nfunction sum(xs) {\n}\n",
        [0, 1, 3, 4],
        P("Sum an array.\n@param {number[]} xs", 0, 3, 5, "    ", header_line=4),
    ),
    ("javascript", "// add\nconst x = add(1, 2);\n", [0, 1], None),
    # Go
    (
        "go",
        "package main\n\n// Fib returns the n-th number.\nfunc Fib(n int) int {\n\t\n}\n",
        [2, 3, 4],
        P("Fib returns the n-th number.", 2, 2, 4, "\t", header_line=3),
    ),
    (
        "go",
        "package main\n\n// print hello\n",
        [2, 3],
        P("print hello", 2, 2, 3, ""),
    ),
    # Rust
    (
        "rust",
        "/// The n-th fibonacci number.\n#[inline]\nfn fib(n: u64) -> u64 {\n}\n",
        [0, 2],
        P("The n-th fibonacci number.", 0, 0, 3, "    ", header_line=2),
    ),
    ("rust", "//! crate docs\n", [0], P("crate docs", 0, 0, 1, "")),
    # C block comments
    (
        "c",
        "/*\n * compute the sum\n * of an array\n */\nint sum(int *a, int n) {\n}\n",
        [0, 1, 2, 3, 4],
        P("compute the sum\nof an array", 0, 3, 5, "    ", header_line=4),
    ),
    (
        "c",
        "int main(void) {\n\t/* read the input */\n}\n",
        [1],
        P("read the input", 1, 1, 2, "\t"),
    ),
    ("c", "int x; /* trailing */\n\n", [0, 1], None),
    ("c", "/* a */ int x;\n", [0], None),
    ("c", "/* unterminated\n", [0], None),
    ("c", "#include <stdio.h>\n", [0, 1], None),
    # Lua
    (
        "lua",
        "-- greet someone\nlocal function greet(name)\nend\n",
        [0, 1],
        P("greet someone", 0, 0, 2, "    ", header_line=1),
    ),
    (
        "lua",
        "--[[ build a\nlookup table ]]\n",
        [0, 1, 2],
        P("build a\nlookup table", 0, 1, 2, ""),
    ),
    # SQL
    (
        "sql",
        "-- select all active users\n",
        [0, 1],
        P("select all active users", 0, 0, 1, ""),
    ),
    (
        "sql",
        "/* count orders\n   per customer */\n",
        [0, 1, 2],
        P("count orders\nper customer", 0, 1, 2, ""),
    ),
    # Haskell
    ("haskell", "-- | sum a list\n", [0, 1], P("sum a list", 0, 0, 1, "")),
    ("haskell", "{- | sum a list -}\n", [0, 1], P("sum a list", 0, 0, 1, "")),
    # Ruby
    (
        "ruby",
        "# greet someone\ndef greet(name)\nend\n",
        [0, 1],
        P("greet someone", 0, 0, 2, "  ", header_line=1),
    ),
    (
        "ruby",
        "class A\n  def a\n    # print a\n  end\nend\n",
        [2],
        P("print a", 2, 2, 3, "    "),
    ),
    # Shell
    (
        "shellscript",
        "#!/bin/bash\n# list big files\n",
        [1, 2],
        P("list big files", 1, 1, 2, ""),
    ),
    ("shellscript", "#!/bin/bash\n", [0, 1], None),
    (
        "shellscript",
        "# back up the home folder\nbackup() {\n}\n",
        [0, 1],
        P("back up the home folder", 0, 0, 2, "    ", header_line=1),
    ),
]


@pytest.mark.parametrize(
    ("language", "source", "cursor_lines", "expected"),
    CASES,
    ids=[f"{case[0]}-{number}" for number, case in enumerate(CASES)],
)
def test_find_comment_prompt(
    language: str, source: str, cursor_lines: list[int], expected: CommentPrompt | None
) -> None:
    lines = LineIndex(source).lines
    for line in cursor_lines:
        assert find_comment_prompt(lines, line, language) == expected, f"cursor line {line}"


def test_accepts_a_plain_list_of_lines() -> None:
    lines = ["# add a and b", "def add(a, b):"]
    assert find_comment_prompt(lines, 1, "python") == P("add a and b", 0, 0, 2, "    ", 1)


def test_detected_indent_unit_is_used_for_header_prompts() -> None:
    source = "def f():\n  return 1\n\n# add\ndef add(a, b):\n"
    prompt = find_comment_prompt(LineIndex(source).lines, 4, "python")
    assert prompt is not None and prompt.indent == "  "


def test_cursor_line_out_of_range() -> None:
    lines = ["# a"]
    assert find_comment_prompt(lines, -1, "python") is None
    assert find_comment_prompt(lines, 1, "python") == P("a", 0, 0, 1, "")
    assert find_comment_prompt(lines, 5, "python") is None


def test_crlf_document() -> None:
    source = "# add two numbers\r\ndef add(a, b):\r\n"
    assert find_comment_prompt(LineIndex(source).lines, 2, "python") == P(
        "add two numbers", 0, 0, 2, "    ", header_line=1
    )
