"""Cutting raw continuations into code: block ends, suffix repeats, indentation, brackets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.postprocess import block_end, postprocess


def block(
    prefix: str,
    suffix: str = "\n",
    *,
    indent: str = "",
    leading: str = "",
    language: str = "python",
) -> Insertion:
    return Insertion(len(prefix), Mode.BLOCK, indent, prefix, suffix, language, leading=leading)


def line(prefix: str, suffix: str = "\n", language: str = "python") -> Insertion:
    return Insertion(len(prefix), Mode.LINE, "", prefix, suffix, language)


@dataclass(frozen=True)
class Case:
    name: str
    insertion: Insertion
    raw: str
    expected: str


DEF_FIB = block("# fibonacci\ndef fib(n):", "\n", indent="    ", leading="\n    ")
TOP = block("import sys\n\n# return the nth fibonacci number\n", "\n")
IN_BODY = block("def f(xs):\n    # sum of the positive items\n    ", "\n", indent="    ")
IN_CLASS = block("class Shape:\n    # area of the shape\n    ", "\n", indent="    ")
JS_BODY_CLOSED = block(
    "function add(a, b) {\n  // add them\n", "}\n", indent="  ", language="javascript"
)
JS_BODY_OPEN = block(
    "function add(a, b) {\n  // add them\n", "", indent="  ", language="javascript"
)
JS_TOP = block("// add two numbers\n", "\n", language="javascript")
C_TOP = block("#include <stdio.h>\n\n// add two ints\n", "\n", language="c")

CASES = [
    Case(
        "python body after def, print ramble",
        DEF_FIB,
        "if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint(fib(10))\n",
        "if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)",
    ),
    Case(
        "whole function after top-level comment, print ramble",
        TOP,
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
        "\nprint(fib(10))\nprint(fib(20))\n",
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)",
    ),
    Case(
        "top-level simple statements before a compound continue",
        TOP,
        "import math\n\ndef fib(n):\n    return n\n\n# try it\nprint(fib(3))\n",
        "import math\n\ndef fib(n):\n    return n",
    ),
    Case(
        "if/elif/else kept, dedent ends",
        IN_BODY,
        "if x > 0:\n        return 1\n    elif x < 0:\n        return -1\n    else:\n"
        "        return 0\n\nprint(f([1]))\n",
        "if x > 0:\n        return 1\n    elif x < 0:\n        return -1\n    else:\n"
        "        return 0",
    ),
    Case(
        "nested blocks in a body, statements after a loop kept",
        IN_BODY,
        "total = 0\n    for x in xs:\n        if x > 0:\n            total += x\n"
        "    return total\n\n\nif __name__ == '__main__':\n",
        "total = 0\n    for x in xs:\n        if x > 0:\n            total += x\n    return total",
    ),
    Case(
        "try/except/finally at top level, next statement cut",
        TOP,
        "try:\n    run()\nexcept OSError:\n    pass\nfinally:\n    done()\nrun()\n",
        "try:\n    run()\nexcept OSError:\n    pass\nfinally:\n    done()",
    ),
    Case(
        "decorated function, next definition cut",
        TOP,
        "@cache\ndef fib(n):\n    return n\n@cache\ndef fact(n):\n    return n\n",
        "@cache\ndef fib(n):\n    return n",
    ),
    Case(
        "multi-line signature counts as a definition",
        TOP,
        "def fib(\n    n: int,\n) -> int:\n    return n\nfib(3)\n",
        "def fib(\n    n: int,\n) -> int:\n    return n",
    ),
    Case(
        "method in a class body, next method cut",
        IN_CLASS,
        "def area(self):\n        return 0.0\n\n    def perimeter(self):\n        return 0.0\n",
        "def area(self):\n        return 0.0",
    ),
    Case(
        "comment after a definition is ramble",
        TOP,
        "def one():\n    return 1\n# now two\ndef two():\n",
        "def one():\n    return 1",
    ),
    Case(
        "multi-line literal in a body continues",
        IN_BODY,
        "data = {\n        'a': 1,\n    }\n    return data\nprint(f([]))\n",
        "data = {\n        'a': 1,\n    }\n    return data",
    ),
    Case(
        "JS body, closing brace already in the suffix",
        JS_BODY_CLOSED,
        "  return a + b;\n}\n\nconsole.log(add(1, 2));\n",
        "  return a + b;",
    ),
    Case(
        "JS body, closing brace missing from the suffix",
        JS_BODY_OPEN,
        "  return a + b;\n}\n\nconsole.log(add(1, 2));\n",
        "  return a + b;\n}",
    ),
    Case(
        "JS body with if/else keeps going after it",
        JS_BODY_CLOSED,
        "  if (a) {\n    a += 1;\n  } else {\n    b += 1;\n  }\n  return a + b;\n}\n",
        "  if (a) {\n    a += 1;\n  } else {\n    b += 1;\n  }\n  return a + b;",
    ),
    Case(
        "JS whole function, console.log ramble cut",
        JS_TOP,
        "function add(a, b) {\n  if (a) {\n    return a;\n  }\n  return a + b;\n}\n\n"
        "console.log(add(1, 2));\n",
        "function add(a, b) {\n  if (a) {\n    return a;\n  }\n  return a + b;\n}",
    ),
    Case(
        "JS arrow function definition",
        JS_TOP,
        "const add = (a, b) => {\n  return a + b;\n};\nadd(1, 2);\n",
        "const add = (a, b) => {\n  return a + b;\n};",
    ),
    Case(
        "C function without a keyword, main cut",
        C_TOP,
        "int add(int a, int b) {\n    return a + b;\n}\n\nint main(void) {\n",
        "int add(int a, int b) {\n    return a + b;\n}",
    ),
    Case(
        "Allman braces",
        block("// add two ints\n", "\n", language="csharp"),
        "static int Add(int a, int b)\n{\n    return a + b;\n}\nstatic void Main()\n",
        "static int Add(int a, int b)\n{\n    return a + b;\n}",
    ),
    Case(
        "JS model closes at once, suffix already closes",
        JS_BODY_CLOSED,
        "}\n\nfunction sub(a, b) {\n",
        "",
    ),
    Case(
        "three newlines end a block",
        IN_BODY,
        "total = sum(xs)\n\n\n\n    def helper():\n",
        "total = sum(xs)",
    ),
    Case(
        "one blank line inside a block is kept",
        IN_BODY,
        "total = 0\n\n    return total\n",
        "total = 0\n\n    return total",
    ),
    Case(
        "repeated suffix lines are dropped",
        block("def f(xs):\n    # total\n    ", "\n    return total\n", indent="    "),
        "total = 0\n    for x in xs:\n        total += x\n    return total\n",
        "total = 0\n    for x in xs:\n        total += x",
    ),
    Case(
        "re-indent a block written at column 0",
        block("def f(xs):\n    # total\n", "\n", indent="    "),
        "total = 0\nfor x in xs:\n    total += x\nreturn total\n",
        "    total = 0\n    for x in xs:\n        total += x\n    return total",
    ),
    Case(
        "re-indent a block written too deep",
        block("def f(xs):\n    # total\n", "\n", indent="    "),
        "        total = 0\n        for x in xs:\n            total += x\n",
        "    total = 0\n    for x in xs:\n        total += x",
    ),
    Case(
        "leading blank line dropped",
        DEF_FIB,
        "\n    return n\n",
        "return n",
    ),
    Case(
        "tabs",
        block("def f(n):\n\t# double\n\t", "\n", indent="\t"),
        "if n:\n\t\treturn 2 * n\n\treturn 0\nprint(f(1))\n",
        "if n:\n\t\treturn 2 * n\n\treturn 0",
    ),
    Case(
        "trailing whitespace stripped",
        IN_BODY,
        "x = 1   \n    y = 2\t\n\n",
        "x = 1\n    y = 2",
    ),
    Case("only whitespace", IN_BODY, "   \n  \n", ""),
    Case(
        "surplus closer at the end of a block dropped",
        block("def f(xs):\n    # total\n    ", "\n", indent="    "),
        "return sum(xs))\n",
        "return sum(xs)",
    ),
    Case("LINE: stops at the newline", line("x = "), "compute(1)\ny = 2\n", "compute(1)"),
    Case("LINE: suffix ')' not repeated", line("print(", ")\n"), "x + 1)\n", "x + 1"),
    Case("LINE: own brackets kept", line("print(", ")\n"), "foo(x))\n", "foo(x)"),
    Case("LINE: closing the prefix's bracket", line("print(", "\n"), "foo(x))\n", "foo(x))"),
    Case("LINE: surplus closer without context", line("y = "), "foo(x))", "foo(x)"),
    Case("LINE: def params with '):' in suffix", line("def f(", "):\n"), "a, b):", "a, b"),
    Case(
        "LINE: whole rest of line repeated",
        line("value = x if x ", "else 0\n"),
        "is not None else 0",
        "is not None",
    ),
    Case("LINE: unrelated rest kept", line("items", "s = 1\n"), "s", "s"),
    Case(
        "LINE: JS call in a block",
        line("function f() {\n  g(", ");\n}\n", language="javascript"),
        "a, b);",
        "a, b",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_postprocess(case: Case) -> None:
    assert postprocess(case.raw, case.insertion) == case.expected


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_stop_rule_on_every_prefix(case: Case) -> None:
    _check_stop_rule(case.raw, case.insertion)
    stop = _first_stop(case.raw, case.insertion)
    if stop is not None:
        # What the engine keeps when it stops decoding gives the same result.
        assert postprocess(case.raw[:stop], case.insertion) == case.expected


def test_stop_rule_waits_for_the_proving_line() -> None:
    raw = "def fib(n):\n    return n\n\nprint(fib(10))\n"
    seen = [block_end(raw[:n], TOP) for n in range(len(raw) + 1)]
    first = next(n for n, end in enumerate(seen) if end is not None)
    assert raw[:first].endswith("\n\np")  # the first character of the next statement
    assert seen[first] == len("def fib(n):\n    return n")


def test_stop_rule_waits_for_a_whole_keyword() -> None:
    raw = "if x:\n        pass\n    "
    for partial in ("e", "el", "els", "else"):
        assert block_end(raw + partial, IN_BODY) is None
    assert block_end("def g():\n        pass\n    e", IN_CLASS) is None
    # Inside a body, a statement after a method continues the body; a second
    # method ends the candidate.
    assert block_end("def g():\n        pass\n    else_ = 1\n", IN_CLASS) is None
    assert block_end("def g():\n        pass\n    def h():\n", IN_CLASS) is not None


def test_a_helper_function_inside_a_body_does_not_end_it() -> None:
    raw = "def helper(s):\n        return s * 2\n\n    return [helper(x) for x in xs]\n"
    assert postprocess(raw, IN_BODY).endswith("return [helper(x) for x in xs]")


def test_kept_closer_needs_its_whole_line() -> None:
    raw = "  return a + b;\n}"
    assert block_end(raw, JS_BODY_OPEN) is None
    assert block_end(raw + ");\n", JS_BODY_OPEN) == len(raw) + 2
    assert block_end(raw, JS_BODY_CLOSED) == len("  return a + b;")


def test_line_mode_block_end() -> None:
    assert block_end("x + 1", line("print(")) is None
    assert block_end("x + 1)\nmore", line("print(")) == 6


def _first_stop(raw: str, insertion: Insertion) -> int | None:
    for size in range(len(raw) + 1):
        end = block_end(raw[:size], insertion)
        if end is not None:
            return end
    return None


def _check_stop_rule(raw: str, insertion: Insertion) -> None:
    """Once block_end answers on a prefix, it gives that answer on every longer one."""
    final = block_end(raw, insertion)
    answered = False
    for size in range(len(raw) + 1):
        end = block_end(raw[:size], insertion)
        if answered or end is not None:
            answered = True
            assert end == final, (raw[:size], end, final)
            assert end is not None and end <= size


LINES = st.sampled_from(
    [
        "def f(x):",
        "class A:",
        "if x:",
        "elif y:",
        "else:",
        "try:",
        "except E:",
        "finally:",
        "return x",
        "x = [",
        "]",
        "}",
        "} else {",
        "function g() {",
        "if (x) {",
        "else",
        "{",
        "int main(void) {",
        "print(x)",
        "# note",
        "",
    ]
)
RAW = st.lists(st.tuples(st.integers(0, 3), LINES), max_size=12).map(
    lambda rows: "\n".join("    " * depth + text for depth, text in rows)
)
INSERTIONS = st.sampled_from(
    [DEF_FIB, TOP, IN_BODY, IN_CLASS, JS_BODY_OPEN, JS_BODY_CLOSED, JS_TOP]
)


@given(RAW, INSERTIONS)
def test_stop_rule_is_stable_on_generated_text(raw: str, insertion: Insertion) -> None:
    _check_stop_rule(raw, insertion)
    stop = _first_stop(raw, insertion)
    if stop is not None:
        assert postprocess(raw[:stop], insertion) == postprocess(raw, insertion)


def test_stop_rule_waits_for_a_word_being_written() -> None:
    # "fun" (Kotlin) is a definition word, "funct" is none, "function" is one again:
    # the answer must not flip while the word grows.
    body = Insertion(
        offset=35,
        mode=Mode.BLOCK,
        indent="  ",
        prefix="function add(a, b) {\n  // add them\n",
        suffix="",
        language="javascript",
    )
    _check_stop_rule("function g() {\nfunction g() {", body)


AFTER_BODY_LINE = block("def mean(values):\n    total = 0\n", "")


def test_at_column_0_after_a_body_line_the_model_keeps_the_block_open() -> None:
    # Before, the loop was shifted to column 0: out of the function it belongs to.
    raw = "    for value in values:\n        total += value\n"
    expected = "    for value in values:\n        total += value"
    assert postprocess(raw, AFTER_BODY_LINE) == expected


def test_at_column_0_after_a_body_line_the_model_may_leave_the_block() -> None:
    assert postprocess("print(mean([1]))\n", AFTER_BODY_LINE) == "print(mean([1]))"


def test_at_column_0_deeper_than_any_open_level_is_still_shifted() -> None:
    raw = "        x = 1\n        y = 2\n"
    assert postprocess(raw, AFTER_BODY_LINE) == "x = 1\ny = 2"
