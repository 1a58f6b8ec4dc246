"""Insertion points: mode, indentation, leading text and comment prompts, per language."""

from __future__ import annotations

import pytest

from lsp_codegen.context.insertion import (
    insertion_for_comment,
    locate_insertion,
    next_lines_insertion,
)
from lsp_codegen.context.positions import LineIndex
from lsp_codegen.context.types import CommentPrompt, Mode

CURSOR = "|"

# (language, source with the cursor marked, mode, indent, leading)
CASES: list[tuple[str, str, Mode, str, str]] = [
    ("python", "def f(x):|", Mode.BLOCK, "    ", "\n    "),
    ("python", "def f(x):\n|", Mode.BLOCK, "    ", ""),
    ("python", "def f(x):\n    |", Mode.BLOCK, "    ", ""),
    ("python", "def f(x):\n    if x:  # positive|", Mode.BLOCK, "        ", "\n        "),
    ("python", "def f(x):\n    return x +|", Mode.LINE, "    ", ""),
    ("python", "x = foo(|)", Mode.LINE, "", ""),
    ("python", "def f(x):\n    y = 1\n\n  |", Mode.BLOCK, "  ", ""),
    ("python", "  |x = 1", Mode.BLOCK, "  ", ""),
    ("javascript", "function f() {|\n}", Mode.BLOCK, "    ", "\n    "),
    ("javascript", "function f() {\n  return 1;\n}\nfunction g() {|", Mode.BLOCK, "  ", "\n  "),
    ("javascript", "const x = [1, 2].map(|", Mode.LINE, "", ""),
    ("go", "func main() {\n|\n}", Mode.BLOCK, "\t", ""),
    ("go", "func main() {\n\tfmt.Println(|)\n}", Mode.LINE, "\t", ""),
    ("rust", "fn main() {\n    let x = |", Mode.LINE, "    ", ""),
    ("rust", "impl Foo {\n    fn bar(&self) {|", Mode.BLOCK, "        ", "\n        "),
    ("c", "int main(void) {|", Mode.BLOCK, "    ", "\n    "),
    ("c", "/* sum */\n|", Mode.BLOCK, "", ""),
    ("lua", "local function f(a)|", Mode.BLOCK, "    ", "\n    "),
    ("lua", "if a then\n|", Mode.BLOCK, "    ", ""),
    ("lua", "local x = |", Mode.LINE, "", ""),
    ("sql", "SELECT *|", Mode.LINE, "", ""),
    ("sql", "-- all users\n|", Mode.BLOCK, "", ""),
    ("haskell", "f x =|", Mode.BLOCK, "  ", "\n  "),
    ("haskell", "main = print|", Mode.LINE, "", ""),
    ("ruby", "def f(a)|", Mode.BLOCK, "  ", "\n  "),
    ("ruby", "puts |", Mode.LINE, "", ""),
    ("shellscript", "for x in a; do|", Mode.BLOCK, "    ", "\n    "),
    ("shellscript", "echo $#|", Mode.LINE, "", ""),
]


def split_cursor(source: str) -> tuple[str, int]:
    """The text without the cursor marker and the marker's offset."""
    return source.replace(CURSOR, ""), source.index(CURSOR)


@pytest.mark.parametrize(
    ("language", "source", "mode", "indent", "leading"),
    CASES,
    ids=[f"{case[0]}-{number}" for number, case in enumerate(CASES)],
)
def test_locate_insertion(
    language: str, source: str, mode: Mode, indent: str, leading: str
) -> None:
    text, offset = split_cursor(source)
    insertion = locate_insertion(text, offset, language)
    assert (insertion.mode, insertion.indent, insertion.leading) == (mode, indent, leading)
    assert insertion.offset == offset
    assert insertion.prefix == text[:offset]
    assert insertion.suffix == text[offset:]
    assert insertion.language == language


@pytest.mark.parametrize(
    ("language", "source", "words"),
    [
        ("python", "# return the n-th fibonacci number\ndef fib(n):\n    |", "return the n-th"),
        ("python", 'def sq(n):\n    """Return n squared."""\n    |', "Return n squared."),
        ("javascript", "// add a and b\nfunction add(a, b) {\n  |\n}", "add a and b"),
        ("go", "// Fib computes\nfunc Fib(n int) int {\n\t|\n}", "Fib computes"),
        ("rust", "// parse args\n|", "parse args"),
        ("lua", "-- greet\nlocal function greet(n)\n  |\nend", "greet"),
        ("sql", "-- all users\n|", "all users"),
        ("haskell", "{- sum -}\n|", "sum"),
        ("c", "/*\n * read input\n */\n|", "read input"),
        ("ruby", "# greet\ndef greet(n)\n  |\nend", "greet"),
        ("shellscript", "#!/bin/sh\n# list files\n|", "list files"),
    ],
)
def test_comment_prompt_is_attached(language: str, source: str, words: str) -> None:
    text, offset = split_cursor(source)
    insertion = locate_insertion(text, offset, language)
    assert insertion.mode is Mode.BLOCK
    assert insertion.comment is not None
    assert insertion.comment.text.startswith(words)


def test_comment_prompt_attached_in_line_mode_too() -> None:
    insertion = locate_insertion("# add numbers", 13, "python")
    assert insertion.mode is Mode.LINE
    assert insertion.comment is not None and insertion.comment.text == "add numbers"


def test_offset_is_clamped_and_negative_raises() -> None:
    assert locate_insertion("abc", 99, "python").offset == 3
    with pytest.raises(ValueError):
        locate_insertion("abc", -1, "python")


def test_empty_document() -> None:
    insertion = locate_insertion("", 0, "python")
    assert (insertion.mode, insertion.indent, insertion.comment) == (Mode.BLOCK, "", None)


def test_insertion_for_comment_inside_document() -> None:
    text = "# fib\ndef fib(n):\n\nprint(fib(3))\n"
    prompt = CommentPrompt("fib", 0, 0, 2, "    ", header_line=1)
    insertion = insertion_for_comment(text, prompt, "python")
    assert insertion.offset == len("# fib\ndef fib(n):\n")
    assert insertion.prefix == "# fib\ndef fib(n):\n"
    assert insertion.suffix == "\nprint(fib(3))\n"
    assert (insertion.mode, insertion.indent, insertion.leading) == (Mode.BLOCK, "    ", "")
    assert insertion.comment == prompt


def test_insertion_for_comment_past_the_end_without_newline() -> None:
    text = "# fib\ndef fib(n):"
    prompt = CommentPrompt("fib", 0, 0, 2, "    ", header_line=1)
    insertion = insertion_for_comment(text, prompt, "python")
    assert (insertion.offset, insertion.leading, insertion.suffix) == (len(text), "\n", "")


def test_insertion_for_comment_at_last_empty_line() -> None:
    text = "-- all users\r\n"
    prompt = CommentPrompt("all users", 0, 0, 1, "")
    insertion = insertion_for_comment(text, prompt, "sql")
    assert (insertion.offset, insertion.leading, insertion.prefix) == (len(text), "", text)


def test_insertion_for_comment_before_closing_brace() -> None:
    text = "// add\nfunction add(a, b) {\r\n}\n"
    prompt = CommentPrompt("add", 0, 0, 2, "    ", header_line=1)
    insertion = insertion_for_comment(text, prompt, "javascript")
    assert insertion.prefix == "// add\nfunction add(a, b) {\r\n"
    assert insertion.suffix == "}\n"


def test_a_prebuilt_index_of_the_same_text_is_used() -> None:
    text = "# add\n"
    index = LineIndex(text)
    insertion = locate_insertion(text, len(text), "python", index)
    assert insertion.comment is not None
    prompt = insertion.comment
    assert insertion_for_comment(text, prompt, "python", index).offset == len(text)
    # An index of some other text is ignored rather than trusted.
    assert locate_insertion(text, 6, "python", LineIndex("x")).comment == prompt


def test_cursor_at_column_zero_of_an_empty_body_after_a_docstring() -> None:
    text = 'def f(x):\n    """Double x.\n\n    >>> f(2)\n    4\n    """\n'
    insertion = locate_insertion(text, len(text), "python")
    assert insertion.mode is Mode.BLOCK and insertion.indent == "    "


def test_next_lines_after_a_finished_line_start_on_a_new_line() -> None:
    text = "def add(a, b):\n    total = a + b"
    insertion = next_lines_insertion(text, len(text), "python")
    assert insertion.mode is Mode.BLOCK
    assert insertion.leading == "\n    "
    assert insertion.indent == "    "
    assert insertion.offset == len(text)


def test_next_lines_inside_a_line_stay_on_it() -> None:
    text = "print(total)\n"
    insertion = next_lines_insertion(text, len("print(total"), "python")
    assert insertion == locate_insertion(text, len("print(total"), "python")
    assert insertion.mode is Mode.LINE


def test_next_lines_after_a_block_opener_keep_its_indent() -> None:
    text = "def add(a, b):"
    assert next_lines_insertion(text, len(text), "python") == locate_insertion(
        text, len(text), "python"
    )
