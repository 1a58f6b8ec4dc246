"""Finding the Python function around a line, with the words written about it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

# A line that starts a Python function definition.
DEF_LINE = re.compile(r"\s*(async\s+)?def\s")


@dataclass(frozen=True)
class FunctionAt:
    """A function definition and its description (comment above and docstring)."""

    name: str
    first_line: int  # 0-based, the `def` line (or its first decorator)
    last_line: int  # 0-based, inclusive
    description: str  # the comment block above it and its docstring, joined


def function_at(text: str, line: int) -> FunctionAt | None:
    """The innermost function whose lines include `line` (0-based); None when the
    cursor is outside every function or the document does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            last = (node.end_lineno or node.lineno) - 1
            if first <= line <= last and (found is None or node.lineno > found.lineno):
                found = node
    if found is None:
        return None
    first = min([found.lineno, *(d.lineno for d in found.decorator_list)]) - 1
    lines = text.splitlines()
    description = "\n".join(
        part for part in (comment_above(lines, first), ast.get_docstring(found)) if part
    )
    return FunctionAt(found.name, first, (found.end_lineno or found.lineno) - 1, description)


def comment_above(lines: list[str], first: int) -> str:
    """The `#` comment block directly above line `first`, markers stripped."""
    words: list[str] = []
    index = first - 1
    while index >= 0 and lines[index].lstrip().startswith("#"):
        words.insert(0, lines[index].lstrip()[1:].strip())
        index -= 1
    return "\n".join(words)
