"""The function an action works on: where it is, its source, its header and words."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from lsp_codegen.context.functions import function_at
from lsp_codegen.ranking.pyparse import parse_quietly


@dataclass(frozen=True)
class Target:
    """One top-level Python function of a document."""

    name: str
    first_line: int  # 0-based, the first decorator or the `def` line
    last_line: int  # 0-based, inclusive
    source: str  # its lines, decorators and docstring included, ending in "\n"
    header: str  # the lines up to the body's first statement (docstring included)
    description: str  # the comment above it and its docstring
    parameters: tuple[str, ...]  # positional parameter names, in order
    annotations: tuple[str | None, ...]  # each parameter's annotation as written
    defaults: tuple[str | None, ...]  # each parameter's default value as written


def target_at(text: str, line: int) -> Target | None:
    """The top-level function whose lines include `line` (0-based), or None.

    Methods and nested functions are not targets: calling them needs an object or
    an enclosing scope that a sandbox run cannot rebuild.
    """
    found = function_at(text, line)
    tree = parse_quietly(text)
    if found is None or tree is None:
        return None
    node = _top_level(tree, found.name, found.first_line)
    if node is None:
        return None
    lines = split_lines(text)
    source = "".join(lines[found.first_line : found.last_line + 1])
    body_start = _body_start(node)
    header = "".join(lines[found.first_line : body_start])
    names, annotations, defaults = _parameters(node.args)
    return Target(
        name=found.name,
        first_line=found.first_line,
        last_line=found.last_line,
        source=source if source.endswith("\n") else source + "\n",
        header=header if header.endswith("\n") or not header else header + "\n",
        description=found.description,
        parameters=names,
        annotations=annotations,
        defaults=defaults,
    )


def replace_function(text: str, target: Target, new_source: str) -> str:
    """`text` with the target's lines replaced by `new_source`."""
    lines = split_lines(text)
    replacement = new_source if new_source.endswith("\n") else new_source + "\n"
    return "".join([*lines[: target.first_line], replacement, *lines[target.last_line + 1 :]])


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their ends, split where Python and LSP split them
    ("\n", "\r\n", "\r"; not form feeds or the other breaks str.splitlines knows)."""
    return _LINE.findall(text)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def body_indent(target: Target) -> str:
    """The indentation of the function's body (four spaces when it cannot be seen)."""
    for line in target.source.splitlines()[target.header.count("\n") :]:
        if line.strip():
            return line[: len(line) - len(line.lstrip())]
    return "    "


def _top_level(tree: ast.Module, name: str, first_line: int) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            if start == first_line:
                return node
    return None


def _body_start(node: ast.FunctionDef) -> int:
    """0-based line where the statements after the docstring begin."""
    body = node.body
    has_docstring = (
        isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    if has_docstring:
        return body[0].end_lineno or body[0].lineno
    return body[0].lineno - 1


def _parameters(
    args: ast.arguments,
) -> tuple[tuple[str, ...], tuple[str | None, ...], tuple[str | None, ...]]:
    positional = [*args.posonlyargs, *args.args]
    padding: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults = [*padding, *args.defaults]
    return (
        tuple(arg.arg for arg in positional),
        tuple(ast.unparse(arg.annotation) if arg.annotation else None for arg in positional),
        tuple(ast.unparse(value) if value is not None else None for value in defaults),
    )
