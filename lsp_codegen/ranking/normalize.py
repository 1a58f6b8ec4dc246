"""A formatting-insensitive form of a candidate, to merge duplicates.

Python: `ast.dump` of the parsed code without positions and without
docstrings (comments never reach the AST), so candidates that differ only in
layout, comments, docstrings, redundant parentheses or quote style are equal.
A candidate is often an indented fragment (a function body), so it is
dedented first, and when it still does not parse alone it is parsed as the
body of a function.

Other languages: the text of the tree-sitter leaves, comments left out,
joined by single spaces; without a grammar, the text with runs of whitespace
collapsed.
"""

from __future__ import annotations

import ast
import textwrap

from lsp_codegen.ranking.pyparse import parse_quietly
from lsp_codegen.ranking.syntax import parser_for

_DEFINITIONS = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def normalized_ast(code: str, language: str) -> str | None:
    """A key equal for candidates that differ only in formatting and comments.

    None when Python code does not parse even as a function body.
    """
    if language.lower() == "python":
        tree = _parse_fragment(code)
        if tree is None:
            return None
        _drop_docstrings(tree)
        return ast.dump(tree, annotate_fields=False, include_attributes=False)
    return _token_string(code, language)


def _parse_fragment(code: str) -> ast.Module | None:
    text = _dedent_fragment(code)
    body = textwrap.indent(text, "    ")
    for source in (text, f"def _():\n{body}\n", f"async def _():\n{body}\n"):
        tree = parse_quietly(source)
        if tree is None:
            continue
        if source is text:
            return tree
        function = tree.body[0]
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        return ast.Module(body=function.body, type_ignores=[])
    return None


def _dedent_fragment(code: str) -> str:
    """`code` dedented; a first line without indentation continues the cursor's line.

    A candidate continues a line the user has indented, so its first line has
    no indentation of its own while the others do ("if x:\n        y"). The
    first line then gets the least indentation of the others, unless it opens
    a block whose body is at that least indentation: then it stays at column 0
    (any shallower indentation parses the same).
    """
    lines = code.split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    if rest and lines[0].strip() and not lines[0][0].isspace():
        least = min(rest, key=lambda line: len(line) - len(line.lstrip()))
        indent = least[: len(least) - len(least.lstrip())]
        opens = lines[0].split("#", 1)[0].rstrip().endswith(":")
        if not (opens and rest[0].startswith(indent) and len(_indent(rest[0])) == len(indent)):
            lines[0] = indent + lines[0]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _drop_docstrings(tree: ast.Module) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, _DEFINITIONS) or not node.body:
            continue
        first = node.body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            node.body = node.body[1:] or [ast.Pass()]


def _token_string(code: str, language: str) -> str:
    parser = parser_for(language.lower())
    if parser is None:
        return " ".join(code.split())
    tree = parser.parse(code.encode())
    tokens: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if "comment" in node.type:
            continue
        if node.child_count == 0:
            text = node.text
            if text:
                tokens.append(text.decode(errors="replace"))
            continue
        stack.extend(reversed(node.children))
    return " ".join(tokens)
