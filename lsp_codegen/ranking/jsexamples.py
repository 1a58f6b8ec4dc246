"""Examples written in JavaScript and TypeScript comments, turned into Node checks.

Recognised, line by line (the text of JSDoc's `@example` is read the same way;
the other `@tag` lines are not examples):

* `f(x) === y`, `f(x) == y`, `f(x) // => y`, `f(x); // -> y`, `f(x) -> y`,
  `f(x) => y`, `f(x) → y`, and the words `returns`, `gives`, `equals`, `is`,
  `should be`, `should return`, `evaluates to`; several on a line separated by
  `,`, `;` or `and` outside brackets and strings;
* `console.assert(cond)` and `assert...(...)` lines (node:assert), kept as written.

A prose example counts only when its left side calls `function_name` (when one is
given) and its right side looks like a value (a literal, an array or object, `new
X(...)` or a call; not a bare name like a type). Both sides must parse as
expressions (tree-sitter). Each becomes a `Check` whose source calls node:assert's
`deepStrictEqual` (`==` examples: `deepEqual`, which compares primitives with `==`)
and whose label is the example as the user wrote it. A call on the left is awaited
(checks run in an async function), so an async function's examples compare its result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

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
from lsp_codegen.ranking.syntax import parser_for
from lsp_codegen.sandbox.types import Check

if TYPE_CHECKING:
    from tree_sitter import Node

_HEADER = re.compile(
    r"^\s*(?:export\s+(?:default\s+)?)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*"
    r"(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)"
)
_OPERATOR = re.compile(
    r"//\s*(?:=>|->|→|returns\b)|===|!==|(?<![=!<>])==(?!=)|=>|->|\u2192|\u21d2"
    r"|(?<![=!<>+\-*/%&|^])=(?![=>])"
    rf"|{WORDS}"
)
_TAG = re.compile(r"^@(\w+)\s*")
_ASSERT_LINE = re.compile(r"^(?:console\.assert|assert)\b\s*[.(]")
_LITERALS = frozenset(
    {
        "number",
        "string",
        "template_string",
        "true",
        "false",
        "null",
        "undefined",
        "regex",
    }
)
_CONTAINERS = frozenset({"array", "object", "new_expression", "call_expression"})
_VALUE_NAMES = frozenset({"undefined", "NaN", "Infinity"})
_NOT_VALUES = frozenset(
    {
        "binary_expression",
        "assignment_expression",
        "arrow_function",
        "function_expression",
        "ternary_expression",
        "await_expression",
        "yield_expression",
        "spread_element",
        "sequence_expression",
        "shorthand_property_identifier",
    }
)
_QUOTES = "'\"`"  # JavaScript's strings have no prefixes (Python's r"", b"")


def function_name_from_header(line: str) -> str | None:
    """The name a `function name(...)` / `const name = (...) =>` header defines, or None."""
    match = _HEADER.match(line)
    if match is None:
        return None
    return match.group(1) or match.group(2)


def js_examples(comment_text: str, language: str, function_name: str | None) -> Iterator[Check]:
    """Checks for the examples in a JavaScript or TypeScript comment's words, in order,
    repeats included (`examples.extract_examples` drops them)."""
    for line in _example_lines(comment_text.splitlines()):
        yield from _line_checks(line, language, function_name)


def _example_lines(lines: list[str]) -> Iterator[str]:
    """The lines that may hold examples: not JSDoc's tag lines, save `@example`'s text."""
    for raw in lines:
        line = raw.strip()
        tag = _TAG.match(line)
        if tag is not None:
            line = line[tag.end() :] if tag.group(1) == "example" else ""
        if line:
            yield line


def _line_checks(line: str, language: str, function_name: str | None) -> Iterator[Check]:
    line = BULLET.sub("", line, count=1)
    if _ASSERT_LINE.match(line):
        check = _assert_check(line, language)
        if check is not None:
            yield check
        return
    if "(" not in line:
        return
    if function_name is not None and not re.search(
        rf"(?<![\w$]){re.escape(function_name)}\s*\(", line
    ):
        return
    # "f(x); // => y": that `;` ends the call, it does not separate two examples.
    masked = re.sub(r";(?=\s*//)", " ", mask(line, _QUOTES, frozenset()))
    for start, end in segments(masked):
        check = _prose_check(line, masked, start, end, language, function_name)
        if check is not None:
            yield check


def _prose_check(
    line: str, masked: str, start: int, end: int, language: str, function_name: str | None
) -> Check | None:
    for operator in _OPERATOR.finditer(masked, start, end):
        if operator.group() == "!==":
            return None  # "f(x) !== y" states what the result is not
        left = _left_side(line, masked, start, operator.start(), language, function_name)
        if left is None:
            continue
        right = _right_side(line[operator.end() : end], language)
        if right is None:
            continue
        left_start, left_text, left_node = left
        written = example_label(line, left_start, operator.end(), right)
        equal = "deepEqual" if operator.group() == "==" else "deepStrictEqual"
        return Check(f"assert.{equal}({_awaited(left_text, left_node)}, {right})", written)
    return None


def _left_side(
    line: str, masked: str, start: int, end: int, language: str, function_name: str | None
) -> tuple[int, str, Node] | None:
    """The longest expression ending at `end` that calls the function: where it starts,
    its text, and its tree."""
    for i in range(start, end):
        if masked[i].isspace() or (i > start and word_char(masked[i - 1])):
            continue
        text = line[i:end].strip().rstrip(";").rstrip()
        if "(" not in text:
            return None
        if PROSE_DOT.search(masked, i, end):
            continue
        node = _expression(text, language)
        if node is not None and _calls(node, function_name):
            return i, text, node
    return None


def _right_side(text: str, language: str) -> str | None:
    """The longest value-like expression at the start of `text`."""
    ends = [match.end() for match in re.finditer(r"\S+", text)]
    for end in reversed(ends):
        for candidate in reversed(list(trimmed(text[:end].strip()))):
            node = _expression(candidate, language)
            if node is not None and _value_like(node):
                return candidate
    return None


def _assert_check(line: str, language: str) -> Check | None:
    for text in trimmed(line):
        text = text.rstrip(";").rstrip()
        node = _expression(text, language)
        if node is None or node.type != "call_expression":
            continue
        if text.startswith("console.assert"):
            return _console_assert(node, text)
        return Check(text, text)
    return None


def _console_assert(node: Node, label: str) -> Check | None:
    """`console.assert(a === b)` as a deep equality (it shows the actual value), else `ok`."""
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    if first is None:
        return None
    operator = first.child_by_field_name("operator")
    left, right = first.child_by_field_name("left"), first.child_by_field_name("right")
    if first.type == "binary_expression" and operator is not None and left and right:
        equal = {"===": "deepStrictEqual", "==": "deepEqual"}.get(_text(operator))
        if equal is not None:
            actual = _awaited(_text(left), left)
            return Check(f"assert.{equal}({actual}, {_text(right)})", label)
    return Check(f"assert.ok({_text(first)})", label)


def _awaited(text: str, node: Node) -> str:
    """`await text` when `node`, its tree, is a call: an async function's example compares
    its result (awaiting a plain value gives the value)."""
    return f"await {text}" if node.type == "call_expression" else text


def _text(node: Node) -> str:
    return node.text.decode() if node.text is not None else ""


# --- tree-sitter ------------------------------------------------------------------


def _expression(text: str, language: str) -> Node | None:
    """`text` parsed as one expression with no syntax error, or None."""
    parser = parser_for(language) or parser_for("javascript")
    if parser is None or not text.strip():
        return None
    source = f"(\n{text}\n);".encode()
    root = parser.parse(source).root_node
    if root.has_error or root.named_child_count != 1:
        return None
    statement = root.named_children[0]
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    wrapped = statement.named_children[0]
    if wrapped.type != "parenthesized_expression" or wrapped.named_child_count != 1:
        return None
    return wrapped.named_children[0]


def _calls(node: Node, function_name: str | None) -> bool:
    for child in _walk(node):
        if child.type not in ("call_expression", "new_expression"):
            continue
        if function_name is None:
            return True
        callee = _callee(child)
        if callee is None:
            continue
        if callee.type == "member_expression":
            callee = callee.child_by_field_name("property") or callee
        if _text(callee) == function_name:
            return True
    return False


def _value_like(node: Node) -> bool:
    """A literal, a container or a constructor call; not prose or a type name."""
    has_value = node.type in _CONTAINERS or node.type in _LITERALS
    called = set(_callee_ids(node))
    for child in _walk(node):
        if child.type in _NOT_VALUES:
            return False
        if child.type in _LITERALS:
            has_value = True
        elif child.type == "identifier" and child.text is not None:
            name = child.text.decode()
            if name in _VALUE_NAMES:
                has_value = True
            elif (child.start_byte, child.end_byte) not in called:
                return False  # a free name: prose ("5 in most cases") or a type (`-> number`)
    return has_value


def _callee_ids(node: Node) -> Iterator[tuple[int, int]]:
    for child in _walk(node):
        if child.type in ("call_expression", "new_expression"):
            callee = _callee(child)
            while callee is not None and callee.type == "member_expression":
                callee = callee.child_by_field_name("object")
            if callee is not None:
                yield callee.start_byte, callee.end_byte


def _callee(call: Node) -> Node | None:
    """What a call (`f(x)`) or `new` expression (`new X()`) calls."""
    return call.child_by_field_name("function") or call.child_by_field_name("constructor")


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
