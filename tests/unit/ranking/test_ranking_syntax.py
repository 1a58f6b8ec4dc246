"""The syntax gate: the candidate spliced into its document must still parse."""

from __future__ import annotations

import inspect
import time
import warnings
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking import syntax
from lsp_codegen.ranking.normalize import normalized_ast
from lsp_codegen.ranking.syntax import check_syntax, splice


def block(
    prefix: str, suffix: str = "\n", *, indent: str = "", leading: str = "", language: str
) -> Insertion:
    return Insertion(len(prefix), Mode.BLOCK, indent, prefix, suffix, language, leading=leading)


def line(prefix: str, suffix: str = "\n", *, language: str) -> Insertion:
    return Insertion(len(prefix), Mode.LINE, "", prefix, suffix, language)


def python_compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<test>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


@dataclass(frozen=True)
class Case:
    name: str
    insertion: Insertion
    candidate: str
    ok: bool


PY_AFTER_DEF = block(
    "import math\n\n# fibonacci\ndef fib(n):",
    "\n\n\nprint(fib(10))\n",
    indent="    ",
    leading="\n    ",
    language="python",
)
PY_TOP = block("import sys\n\n# return the nth fibonacci number\n", "\nx = 1\n", language="python")
PY_CLASS = block(
    "class Shape:\n    # area of the shape\n",
    "\n    def name(self):\n        return 'shape'\n",
    indent="    ",
    language="python",
)
PY_BROKEN_BEFORE = block(
    "def broken(:\n    pass\n\ndef add(a, b):",
    "\n",
    indent="    ",
    leading="\n    ",
    language="python",
)
PY_BROKEN_AFTER = block(
    "def add(a, b):",
    "\n\n\ndef later(:\n    pass\n",
    indent="    ",
    leading="\n    ",
    language="python",
)
JS_CLOSED = block(
    "function add(a, b) {\n  // add them\n",
    "}\n\nconsole.log(add(1, 2));\n",
    indent="  ",
    language="javascript",
)
JS_OPEN = block("function add(a, b) {\n  // add them\n", "", indent="  ", language="javascript")
GO_BODY = block(
    "package main\n\n// Add adds.\nfunc Add(a, b int) int {\n", "}\n", indent="\t", language="go"
)
RUST_BODY = block(
    "// add\nfn add(a: i32, b: i32) -> i32 {\n", "}\n", indent="    ", language="rust"
)
TS_BODY = block(
    "function add(a: number, b: number): number {\n", "}\n", indent="  ", language="typescript"
)
C_BODY = block("int add(int a, int b) {\n", "}\n", indent="    ", language="c")
LUA_BODY = block("local function add(a, b)\n", "end\n", indent="  ", language="lua")

CASES = [
    Case("python body", PY_AFTER_DEF, "if n < 2:\n        return n\n    return fib(n - 1)", True),
    Case("python body, dangling operator", PY_AFTER_DEF, "return fib(n - 1) +", False),
    Case("python body, unclosed bracket", PY_AFTER_DEF, "return max(n,\n    1", False),
    Case("python body, bad dedent", PY_AFTER_DEF, "x = 1\n  return x", False),
    Case("python top-level function", PY_TOP, "def fib(n):\n    return n", True),
    Case("python top-level return is a compile error", PY_TOP, "return 3", False),
    Case("python top-level header without body", PY_TOP, "def fib(n):", False),
    Case("python method in a class", PY_CLASS, "    def area(self):\n        return 0.0", True),
    Case("python method, body missing", PY_CLASS, "    def area(self):", False),
    Case("python unterminated string", PY_TOP, "s = '''abc", False),
    Case("python document broken before, good body", PY_BROKEN_BEFORE, "return a + b", True),
    Case("python document broken before, bad body", PY_BROKEN_BEFORE, "return a +", False),
    Case("python document broken after, good body", PY_BROKEN_AFTER, "return a + b", True),
    Case("python document broken after, bad body", PY_BROKEN_AFTER, "return a +", False),
    Case("js body, suffix closes", JS_CLOSED, "  return a + b;", True),
    Case("js body with if", JS_CLOSED, "  if (a) {\n    return a;\n  }\n  return b;", True),
    Case("js body, extra closer", JS_CLOSED, "  return a + b;\n}", False),
    Case("js body, missing operand", JS_CLOSED, "  return a + ;", False),
    Case("js body, suffix open, candidate closes", JS_OPEN, "  return a + b;\n}", True),
    Case("js body, suffix open, still open", JS_OPEN, "  return a + b;", True),
    Case("go body", GO_BODY, "\tif a > b {\n\t\treturn a\n\t}\n\treturn b", True),
    Case("go body, dangling operator", GO_BODY, "\treturn a +", False),
    Case("rust body", RUST_BODY, "    let x = a;\n    x + b", True),
    Case("rust body, missing operand", RUST_BODY, "    a + ", False),
    Case("typescript body", TS_BODY, "  const s: number = a + b;\n  return s;", True),
    Case("typescript body, broken", TS_BODY, "  const s: = a + b;", False),
    Case("c body", C_BODY, "    return a + b;", True),
    Case("c body, broken", C_BODY, "    return a + ;", False),
    Case("lua body", LUA_BODY, "  return a + b", True),
    Case("lua body, broken", LUA_BODY, "  return a +", False),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_syntax(case: Case) -> None:
    result = check_syntax(case.insertion, case.candidate)
    assert result.ok is case.ok, result
    if case.ok:
        assert result.new_errors == 0
    else:
        assert result.new_errors >= 1
        assert result.detail


def test_python_failure_detail_points_into_the_candidate() -> None:
    result = check_syntax(PY_AFTER_DEF, "x = 1\n    return x +")
    assert result.detail == "candidate line 2: invalid syntax"


def test_tree_sitter_failure_detail() -> None:
    result = check_syntax(JS_CLOSED, "  return (a + b;")
    assert not result.ok
    assert result.detail == "1 new syntax error (missing ')' at candidate line 1)"


@pytest.mark.parametrize(
    ("insertion", "candidate", "ok"),
    [
        (line("x = ", language="python"), "compute(1)", True),
        (line("x = ", language="python"), "compute(1", False),
        (line("print(", ")\n", language="python"), "x + 1", True),
        (line("print(", ")\n", language="python"), "x + 1)", False),
        (line("y = 1", language="python"), "xxxxxx", False),
        (line("const x = ", ";\n", language="javascript"), "foo(1)", True),
        (line("const x = ", ";\n", language="javascript"), "foo(1", False),
        (line("const x = ", ";\n", language="javascript"), "foo(1))", False),
    ],
)
def test_line_mode(insertion: Insertion, candidate: str, ok: bool) -> None:
    assert check_syntax(insertion, candidate).ok is ok


@pytest.mark.parametrize(
    ("insertion", "candidate"),
    [
        (line("def f(xs):\n    for x in ", "\n    return 1\n", language="python"), "xs:"),
        (line("def f(xs):\n    ", "\n    return 1\n", language="python"), "if xs:  # any?"),
        (line("function f(xs) {\n  if (", "\n}\n", language="javascript"), "xs) {"),
        (line("func f(x int) {\n\tif ", "\n}\n", language="go"), "x > 0 {"),
    ],
)
def test_line_mode_may_open_a_block(insertion: Insertion, candidate: str) -> None:
    result = check_syntax(insertion, candidate)
    assert result.ok, result


def test_line_mode_header_without_colon_fails() -> None:
    insertion = line("def f(xs):\n    for x in ", "\n    return 1\n", language="python")
    result = check_syntax(insertion, "xs")
    assert not result.ok
    assert result.detail == "candidate line 1: expected ':'"


def test_unknown_language_is_not_checked() -> None:
    result = check_syntax(block("IDENTIFICATION DIVISION.\n", language="cobol"), "((((")
    assert result == syntax.SyntaxResult(True, "no parser for cobol", 0)


@pytest.mark.parametrize(
    ("insertion", "candidate", "text"),
    [
        (block("def f():\n", "x = 1\n", indent="    ", language="python"), "    pass", True),
        (block("def f():", "\n", leading="\n    ", language="python"), "pass", False),
        (block("def f():\n", "", indent="    ", language="python"), "    pass", False),
        (line("x = ", "  # note\n", language="python"), "1", False),
    ],
)
def test_splice_adds_a_line_break_only_where_needed(
    insertion: Insertion, candidate: str, text: bool
) -> None:
    spliced = splice(insertion, candidate)
    separator = "\n" if text else ""
    before = insertion.prefix + insertion.leading
    assert spliced.text == before + candidate + separator + insertion.suffix
    assert spliced.text[spliced.start : spliced.end] == candidate
    assert spliced.text[spliced.suffix_start :] == insertion.suffix


def test_splice_lines() -> None:
    spliced = splice(PY_AFTER_DEF, "x = 1\n    return x")
    lines = spliced.text.split("\n")
    assert lines[spliced.first_line - 1] == "    x = 1"
    assert lines[spliced.last_line - 1] == "    return x"


# --- the Python window agrees with compiling the whole document -------------------

DOCUMENT = '''"""A module."""
import functools


@functools.cache
def one(
    a,
    b=(1,
       2),
):
    """Doc."""
    return a


class Two:
    x = [
        1, 2,
    ]

    def method(self):
        return self.x; y = 2


if VALUE:
    pass
elif OTHER:  # comment
    pass

try:
    import json
except ImportError:
    json = None

VALUE = one(1) if True else \\
    2
'''

PIECES = [
    "return 1",
    "x = 1",
    "if x:",
    "pass",
    "else:",
    "elif y:",
    "except E:",
    "finally:",
    "def g():",
    "@functools.cache",
    "class C:",
    ")",
    "(",
    "'''",
    "]",
    "y = [",
    "",
    "yield 2",
    "break",
    "x = 1 \\",
    "# comment",
    "match x:",
    "case 1:",
]


def insertions_in_document() -> list[Insertion]:
    """BLOCK insertions at every line start (at two indentations), LINE ones at line ends."""
    result = []
    lines = DOCUMENT.split("\n")
    for number in range(len(lines)):
        offset = len("\n".join(lines[:number])) + (1 if number else 0)
        prefix, suffix = DOCUMENT[:offset], DOCUMENT[offset:]
        result.append(block(prefix, suffix, language="python"))
        result.append(block(prefix, suffix, indent="    ", language="python"))
        end = offset + len(lines[number])
        result.append(line(DOCUMENT[:end], DOCUMENT[end:], language="python"))
    return result


INSERTIONS = insertions_in_document()


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(INSERTIONS),
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(PIECES)), min_size=1, max_size=4),
)
def test_python_window_agrees_with_whole_document(
    insertion: Insertion, rows: list[tuple[int, str]]
) -> None:
    candidate = "\n".join("    " * depth + piece for depth, piece in rows)
    spliced = splice(insertion, candidate)
    result = check_syntax(insertion, candidate)
    if insertion.mode is Mode.LINE and result.detail == "ok (opens a block)":
        return  # passes on purpose: the user writes the body next
    assert result.ok is python_compiles(spliced.text), result


# --- tree-sitter's incremental parse agrees with a fresh parse ---------------------


@pytest.mark.parametrize(
    ("insertion", "candidate"),
    [
        (JS_CLOSED, "  return a + b;"),
        (JS_CLOSED, "  if (a) {\n    return a;"),
        (JS_OPEN, "  return a + ;\n}"),
        (GO_BODY, "\treturn a +"),
        (RUST_BODY, "    a + b\n}\nfn more() {"),
    ],
)
def test_incremental_parse_matches_fresh_parse(insertion: Insertion, candidate: str) -> None:
    counted = syntax._count_tree_errors(insertion, candidate)
    parser = syntax.parser_for(insertion.language)
    assert parser is not None
    fresh = parser.parse(splice(insertion, candidate).text.encode())
    assert counted.after == len(syntax._error_nodes(fresh.root_node))


# --- speed ------------------------------------------------------------------------


def big_python_document(lines: int = 2000) -> str:
    """About `lines` lines of real Python (standard library modules), ending cleanly."""
    import ast
    import difflib
    import shlex
    import textwrap

    text = "\n".join(inspect.getsource(module) for module in (textwrap, shlex, difflib))
    ends = [node.end_lineno or 0 for node in ast.parse(text).body]
    last = max(end for end in ends if end <= lines)
    return "\n".join(text.split("\n")[:last]) + "\n"


def test_python_check_is_fast_on_a_large_document() -> None:
    text = big_python_document()
    cut = text.index("\ndef ", len(text) // 2) + 1
    prefix = text[:cut] + "# add two numbers\ndef add(a, b):"
    insertion = block(prefix, "\n\n\n" + text[cut:], leading="\n    ", language="python")
    assert python_compiles(splice(insertion, "return a + b").text)
    syntax.clear_caches()
    check_syntax(insertion, "return a + b")  # the baseline is parsed once
    started = time.perf_counter()
    for candidate in ("return a + b", "return b + a", "return a +", "x = a\n    return x + b"):
        check_syntax(insertion, candidate)
    per_candidate = (time.perf_counter() - started) / 4
    assert per_candidate < 0.010


# --- without tree-sitter ------------------------------------------------------------


def test_without_grammars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syntax, "_grammar", lambda language: None)
    assert check_syntax(JS_CLOSED, "  return a + ;") == syntax.SyntaxResult(
        True, "no parser for javascript", 0
    )
    # Python still has CPython; only the broken-elsewhere comparison needs tree-sitter.
    assert not check_syntax(PY_AFTER_DEF, "return fib(n - 1) +").ok
    result = check_syntax(PY_BROKEN_BEFORE, "return a + b")
    assert result.ok and result.detail.startswith("unchecked")
    assert normalized_ast("let  x = 1; // one", "javascript") == "let x = 1; // one"
