"""Examples written in a comment or docstring, turned into sandbox checks.

Recognised in Python (JavaScript and TypeScript: see `jsexamples`; other
languages give no checks):

* doctest sessions: `>>> expr` (with `... ` continuation lines) followed by
  the expected output, up to a blank line or the next `>>>`. A literal output
  is compared with `==`; other output is compared with `repr(expr)`, and the
  output of `print(x)` with `str(x)`; a traceback's last line expects that
  exception. `>>>` lines with no output are setup, run before the next check.
* `assert ...` lines, kept as written.
* prose: `f(2) == 4`, `f(2) -> 4`, `f(2) => 4`, `f(2) → 4`, `f(2) = 4`,
  `f(2) returns 4`, `f(2) is 4`, `f(2) gives 4`, `f(2) equals 4`,
  `f(2) should be 4`, `f(2) should return 4`, `f(2) evaluates to 4`, anywhere
  on a line ("e.g. fib(10) == 55."), several on a line separated by `,`, `;`
  or `and` outside brackets and strings.

A prose example only counts when its left side is a call (to
`function_name` when one is given) and its right side looks like a value
(a literal, a container, or a call such as `Point(1, 2)`; not a bare name
like the `int` of `def f(x) -> int`). Every example's code must parse as
Python. Each becomes a `Check` whose source is an `assert` comparing with
`==` and whose label is the example as the user wrote it.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking import jsexamples
from lsp_codegen.ranking.prose import (
    BULLET,
    PROSE_DOT,
    WORDS,
    example_label,
    mask,
    segments,
    trimmed,
    word_char,
)
from lsp_codegen.ranking.pyparse import parse_quietly
from lsp_codegen.sandbox.node import LANGUAGES as NODE_LANGUAGES
from lsp_codegen.sandbox.types import Check

_HEADER = re.compile(r"^\s*(?:async\s+)?def\s+([^\W\d]\w*)\s*[(\[]")
_PROMPT = re.compile(r"^(\s*)>>>(?: |$)")
_CONTINUATION = re.compile(r"^\s*\.\.\.(?: |$)")
_DIRECTIVE = re.compile(r"#\s*doctest:.*$")
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):")
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::|$)")
_OPERATOR = re.compile(
    r"==>|-->|==|=>|->|\u2192|\u21d2"
    r"|(?<![=<>!:+\-*/%&|^@~])=(?![=>])"
    rf"|{WORDS}"
)
_PYTHON = frozenset({"python"})


def function_name_from_header(line: str) -> str | None:
    """The name a `def name(...)` header line defines, or None."""
    match = _HEADER.match(line)
    return match.group(1) if match else None


def examples_for(insertion: Insertion) -> list[Check]:
    """The checks for an insertion's comment prompt, for the function its header names."""
    comment = insertion.comment
    if comment is None:
        return []
    name = None
    if comment.header_line is not None:
        header = _document_line(insertion, comment.header_line)
        if insertion.language.lower() in _PYTHON:
            name = function_name_from_header(header)
        else:
            name = jsexamples.function_name_from_header(header)
    return extract_examples(comment.text, insertion.language, name)


def _document_line(insertion: Insertion, number: int) -> str:
    """Line `number` (0-based) of the document around an insertion."""
    text = insertion.prefix + insertion.suffix
    start = 0
    for _ in range(number):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start : end if end >= 0 else None]


def extract_examples(
    comment_text: str, language: str, function_name: str | None = None
) -> list[Check]:
    """Checks for the examples in a comment's words or a docstring's body."""
    if language.lower() in NODE_LANGUAGES:
        found = jsexamples.js_examples(comment_text, language, function_name)
    elif language.lower() in _PYTHON:
        found = _examples(comment_text.splitlines(), function_name)
    else:
        return []
    checks: list[Check] = []
    seen: set[str] = set()
    for check in found:
        if check.source not in seen:
            seen.add(check.source)
            checks.append(check)
    return checks


def _examples(lines: list[str], function_name: str | None) -> Iterator[Check]:
    setup: list[str] = []
    i = 0
    while i < len(lines):
        prompt = _PROMPT.match(lines[i])
        if prompt:
            session, i = _read_session(lines, i, len(prompt.group(1)))
            check = _session_check(session)
            if check is None:
                if session.code is not None and not session.expected and not session.skip:
                    setup.append(session.code)
                continue
            yield _with_setup(check, setup)
            setup = []
            continue
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        if re.match(r"assert\b", line):
            check = _assert_check(line)
            if check is not None:
                yield _with_setup(check, setup)
                setup = []
            continue
        if re.match(r"(?:async\s+)?def\s|class\s|@", line):
            continue  # a signature, not an example
        for check in _prose_checks(line, function_name):
            yield _with_setup(check, setup)
            setup = []


def _with_setup(check: Check, setup: list[str]) -> Check:
    if not setup:
        return check
    return Check("\n".join([*setup, check.source]), check.label)


# --- doctest ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Session:
    code: str | None  # the source after the prompts (None when it does not parse)
    tree: ast.Module | None
    expected: list[str]
    label: str
    skip: bool  # a directive asks to skip it, or output cannot be compared exactly


def _read_session(lines: list[str], i: int, indent: int) -> tuple[_Session, int]:
    written = [lines[i].strip()]
    source = [_PROMPT.sub("", lines[i], count=1)]
    i += 1
    while i < len(lines) and _CONTINUATION.match(lines[i]):
        written.append(lines[i].strip())
        source.append(_CONTINUATION.sub("", lines[i], count=1))
        i += 1
    expected: list[str] = []
    while i < len(lines) and lines[i].strip() and not _PROMPT.match(lines[i]):
        line = lines[i]
        own = len(line) - len(line.lstrip())
        expected.append(line[min(indent, own) :].rstrip())
        i += 1
    directive = " ".join(_DIRECTIVE.findall("\n".join(source)))
    code = _DIRECTIVE.sub("", "\n".join(source)).strip()
    tree = parse_quietly(code)
    expected = ["" if line == "<BLANKLINE>" else line for line in expected]
    label = "\n".join([*written, *expected])
    skip = "SKIP" in directive or "ELLIPSIS" in directive or "NORMALIZE" in directive
    return _Session(code if tree else None, tree, expected, label, skip), i


def _session_check(session: _Session) -> Check | None:
    tree = session.tree
    if session.skip or tree is None or not session.expected:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    expression = tree.body[0].value
    expected = "\n".join(session.expected)
    if _TRACEBACK.match(session.expected[0]):
        return _raises_check(expression, session.expected[-1], session.label)
    printed = _printed(expression)
    if printed is not None:
        return _check(printed, ast.Constant(expected), session.label)
    literal = _literal(expected)
    if literal is not None:
        return _check(expression, literal, session.label)
    if "..." in expected:
        return None  # probably elided output; it cannot be compared exactly
    shown = ast.Call(ast.Name("repr", ast.Load()), [expression], [])
    return _check(shown, ast.Constant(expected), session.label)


def _printed(expression: ast.expr) -> ast.expr | None:
    """What `print(...)` writes, as an expression of its text; None for other code."""
    if not (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id == "print"
        and not expression.keywords
        and expression.args
        and not any(isinstance(arg, ast.Starred) for arg in expression.args)
    ):
        return None
    texts: list[ast.expr] = [
        ast.Call(ast.Name("str", ast.Load()), [arg], []) for arg in expression.args
    ]
    if len(texts) == 1:
        return texts[0]
    join = ast.Attribute(ast.Constant(" "), "join", ast.Load())
    return ast.Call(join, [ast.List(texts, ast.Load())], [])


def _literal(text: str) -> ast.expr | None:
    """`text` as an expression when it is a Python literal."""
    tree = _parse_expression(text)
    if tree is None:
        return None
    try:
        ast.literal_eval(tree)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return tree


def _raises_check(expression: ast.expr, last_line: str, label: str) -> Check | None:
    match = _EXCEPTION_LINE.match(last_line.strip())
    if match is None:
        return None
    name = match.group(1).rsplit(".", 1)[-1]
    call = ast.unparse(expression)
    source = (
        f"try:\n    {call}\n"
        "except Exception as _error:\n"
        f"    assert type(_error).__name__ == {name!r}, repr(_error)\n"
        f"else:\n    raise AssertionError({'expected ' + name!r})"
    )
    return Check(source, label) if parse_quietly(source) else None


# --- assert lines and prose ---------------------------------------------------------


def _assert_check(line: str) -> Check | None:
    for text in trimmed(line):
        tree = parse_quietly(text)
        if tree is not None and len(tree.body) == 1 and isinstance(tree.body[0], ast.Assert):
            return Check(text, text)
    return None


def _prose_checks(line: str, function_name: str | None) -> Iterator[Check]:
    line = BULLET.sub("", line, count=1)
    if "(" not in line:
        return
    if function_name is not None and not re.search(rf"\b{re.escape(function_name)}\s*\(", line):
        return
    masked = mask(line)
    for start, end in segments(masked):
        check = _prose_check(line, masked, start, end, function_name)
        if check is not None:
            yield check


def _prose_check(
    line: str, masked: str, start: int, end: int, function_name: str | None
) -> Check | None:
    for operator in _OPERATOR.finditer(masked, start, end):
        left = _left_side(line, masked, start, operator.start(), function_name)
        if left is None:
            continue
        right = _right_side(line[operator.end() : end])
        if right is None:
            continue
        left_start, left_tree = left
        right_text, right_tree = right
        return _check(
            left_tree, right_tree, example_label(line, left_start, operator.end(), right_text)
        )
    return None


def _left_side(
    line: str, masked: str, start: int, end: int, function_name: str | None
) -> tuple[int, ast.expr] | None:
    """The longest expression ending at `end` that calls the function."""
    for i in range(start, end):
        if masked[i].isspace() or (i > start and word_char(masked[i - 1])):
            continue
        text = line[i:end].strip()
        if "(" not in text:
            return None
        if PROSE_DOT.search(masked, i, end):
            continue  # "e.g. fib(2)" parses as an attribute; code has no ". " there
        tree = _parse_expression(text)
        if tree is not None and _calls(tree, function_name):
            return i, tree
    return None


def _right_side(text: str) -> tuple[str, ast.expr] | None:
    """The longest value-like expression at the start of `text`."""
    ends = [match.end() for match in re.finditer(r"\S+", text)]
    for end in reversed(ends):
        for candidate in reversed(list(trimmed(text[:end].strip()))):
            tree = _parse_expression(candidate)
            if tree is not None and _value_like(tree):
                return candidate, tree
    return None


def _calls(tree: ast.expr, function_name: str | None) -> bool:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if function_name is None:
            return True
        func = node.func
        if isinstance(func, ast.Name) and func.id == function_name:
            return True
        if isinstance(func, ast.Attribute) and func.attr == function_name:
            return True
    return False


_NOT_VALUES = (
    ast.Compare,
    ast.BoolOp,
    ast.IfExp,
    ast.Lambda,
    ast.NamedExpr,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.Starred,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
)


def _value_like(tree: ast.expr) -> bool:
    """A literal, a container or a constructor call; not prose or a type name."""
    called: set[int] = set()
    has_value = isinstance(tree, (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Call))
    for node in ast.walk(tree):
        if isinstance(node, _NOT_VALUES):
            return False
        if isinstance(node, ast.Call):
            called.add(id(node.func))
        elif isinstance(node, ast.Attribute):
            called.add(id(node.value))
        elif isinstance(node, ast.Constant):
            has_value = True
        elif isinstance(node, ast.Name) and id(node) not in called:
            return False  # a free name: prose ("5 in most cases") or a type (`-> int`)
    return has_value


# --- helpers ----------------------------------------------------------------------


def _check(actual: ast.expr, expected: ast.expr, label: str) -> Check:
    test = ast.Compare(actual, [ast.Eq()], [expected])
    return Check(ast.unparse(ast.Assert(test, None)), label)


def _parse_expression(source: str) -> ast.expr | None:
    if not source.strip():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
