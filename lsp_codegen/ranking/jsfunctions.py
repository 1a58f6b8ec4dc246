"""Finding the JavaScript or TypeScript function around a line, with the comment above it
(tree-sitter; context.functions does the same for Python)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsp_codegen.context.functions import FunctionAt
from lsp_codegen.ranking.syntax import parser_for

if TYPE_CHECKING:
    from tree_sitter import Node

_FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "method_definition"}
)
_VALUES = frozenset({"arrow_function", "function_expression", "function"})
_MARKERS = re.compile(r"^\s*(?:/\*\*?|\*/|\*(?!/)|//)?\s?")


def js_function_at(text: str, line: int, language: str) -> FunctionAt | None:
    """The innermost function whose lines include `line` (0-based): a declaration, a
    method, or `const name = (...) => ...`; None outside every function."""
    parser = parser_for(language)
    if parser is None:
        return None
    root = parser.parse(text.encode()).root_node
    found: tuple[Node, str] | None = None
    stack = [root]
    while stack:
        node = stack.pop()
        if not node.start_point[0] <= line <= node.end_point[0]:
            continue
        named = _named_function(node)
        if named is not None:
            found = named  # deeper matches come later and win
        stack.extend(node.children)
    if found is None:
        return None
    node, name = found
    statement = _statement(node)
    description = _comment_above(statement)
    return FunctionAt(name, statement.start_point[0], node.end_point[0], description)


def _named_function(node: Node) -> tuple[Node, str] | None:
    if node.type in _FUNCTIONS:
        name = node.child_by_field_name("name")
        return (node, _text(name)) if name is not None else None
    if node.type == "variable_declarator":
        value = node.child_by_field_name("value")
        name = node.child_by_field_name("name")
        if value is not None and value.type in _VALUES and name is not None:
            return node, _text(name)
    return None


def _statement(node: Node) -> Node:
    """The top statement a function is written as (its `export`, `const` line)."""
    current = node
    while current.parent is not None and current.parent.type in (
        "lexical_declaration",
        "variable_declaration",
        "export_statement",
    ):
        current = current.parent
    return current


def _comment_above(node: Node) -> str:
    """The comments directly above `node` (no blank line between), markers stripped."""
    comments: list[Node] = []
    below = node
    sibling = node.prev_sibling
    while sibling is not None and sibling.type == "comment":
        if below.start_point[0] - sibling.end_point[0] > 1:
            break
        comments.insert(0, sibling)
        below, sibling = sibling, sibling.prev_sibling
    lines = [line for c in comments for line in _text(c).splitlines()]
    words = [_MARKERS.sub("", line, count=1).rstrip() for line in lines]
    return "\n".join(w.removesuffix("*/").rstrip() for w in words if w.strip("*/ "))


def _text(node: Node) -> str:
    return node.text.decode() if node.text is not None else ""
