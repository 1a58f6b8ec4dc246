"""Comment syntax, block openers and indentation per languageId."""

from __future__ import annotations

import pytest

from lsp_codegen.context.indentation import detect_indent_unit, indent_width, leading_whitespace
from lsp_codegen.context.languages import (
    CommentSyntax,
    code_part,
    comment_syntax,
    default_indent_unit,
    is_python_like,
    opens_block,
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("python", CommentSyntax(("#",), None, docstrings=True)),
        ("shellscript", CommentSyntax(("#",), None)),
        ("ruby", CommentSyntax(("#",), None)),
        ("yaml", CommentSyntax(("#",), None)),
        ("dockerfile", CommentSyntax(("#",), None)),
        ("javascript", CommentSyntax(("//",), ("/*", "*/"))),
        ("typescriptreact", CommentSyntax(("//",), ("/*", "*/"))),
        ("go", CommentSyntax(("//",), ("/*", "*/"))),
        ("rust", CommentSyntax(("//",), ("/*", "*/"))),
        ("c", CommentSyntax(("//",), ("/*", "*/"))),
        ("php", CommentSyntax(("//", "#"), ("/*", "*/"))),
        ("zig", CommentSyntax(("//",), None)),
        ("lua", CommentSyntax(("--",), ("--[[", "]]"))),
        ("sql", CommentSyntax(("--",), ("/*", "*/"))),
        ("haskell", CommentSyntax(("--",), ("{-", "-}"))),
        ("ada", CommentSyntax(("--",), None)),
        ("elm", CommentSyntax(("--",), ("{-", "-}"))),
        ("no-such-language", CommentSyntax(("#", "//"), ("/*", "*/"))),
    ],
)
def test_comment_syntax(language: str, expected: CommentSyntax) -> None:
    assert comment_syntax(language) == expected


@pytest.mark.parametrize(
    ("language", "line", "expected"),
    [
        ("python", "def f(x):", True),
        ("python", "    if x:  # check x", True),
        ("python", "x = {'a': 1}", False),
        ("python", "s = 'a:'  # not an opener", False),
        ("python", "# comment:", False),
        ("javascript", "function f(a) {", True),
        ("javascript", "const url = 'http://x' // note {", False),
        ("javascript", "if (a) { /* body */", True),
        ("go", "func main() {", True),
        ("rust", "fn f<'a>(x: &'a str) -> &'a str {", True),
        ("c", "int x = 1;", False),
        ("lua", "local function f(a)", True),
        ("lua", "if a then", True),
        ("lua", "print(function(a) return a end)", False),
        ("ruby", "def greet(name)", True),
        ("ruby", "items.each do |item|", True),
        ("ruby", "x = 1 if y", False),
        ("shellscript", "for f in *; do", True),
        ("shellscript", "echo $#", False),
        ("sql", "SELECT * FROM users WHERE", False),
        ("elixir", "def add(a, b) do", True),
        ("julia", "function f(x)", True),
        ("unknown", "section:", True),
        ("python", "   ", False),
    ],
)
def test_opens_block(language: str, line: str, expected: bool) -> None:
    assert opens_block(line, language) is expected


def test_code_part_respects_quotes() -> None:
    assert code_part("x = '# not a comment'  # comment", "python") == "x = '# not a comment'"
    assert code_part('s = "a\\"b" // c', "go") == 's = "a\\"b"'


def test_python_like() -> None:
    assert is_python_like("python")
    assert not is_python_like("javascript")


def test_default_indent_units() -> None:
    assert default_indent_unit("python") == "    "
    assert default_indent_unit("go") == "\t"
    assert default_indent_unit("ruby") == "  "


def test_detect_indent_unit_from_block_openers() -> None:
    lines = ["def f():", "  if x:", "    return 1", "  return 2"]
    assert detect_indent_unit(lines, "python") == "  "
    tabbed = ["func f() {", "\tif x {", "\t\treturn", "\t}", "}"]
    assert detect_indent_unit(tabbed, "go") == "\t"


def test_detect_indent_unit_ignores_block_comment_stars_and_alignment() -> None:
    lines = ["/*", " * doc", " */", "int f(int a,", "      int b) {", "}"]
    assert detect_indent_unit(lines, "c") == "    "


def test_indent_helpers() -> None:
    assert leading_whitespace(" \t x ") == " \t "
    assert indent_width("\tx") == 4
