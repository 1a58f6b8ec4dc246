"""The code to run when checking a candidate: its module's definitions, not its side effects.

(JavaScript and TypeScript: jsdeclarations.py, by tree-sitter, the same way.)

Examples call the function the candidate completes, which may use imports,
helpers and constants defined elsewhere in the file. So the document with the
candidate spliced in is parsed and only its imports, definitions and plain
assignments are kept: top-level calls such as `print(...)` or a `main()` run
are left out, so checking a candidate never runs the user's script.
"""

from __future__ import annotations

import ast

from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.jsdeclarations import declarations_only
from lsp_codegen.ranking.syntax import splice
from lsp_codegen.sandbox.node import LANGUAGES as NODE_LANGUAGES

_KEPT = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
)


def runnable_module(insertion: Insertion, candidate_text: str) -> str | None:
    """Source holding the module's imports and definitions with the candidate in place
    (Python, JavaScript, TypeScript); None when the spliced document does not parse."""
    return definitions_only(splice(insertion, candidate_text).text, insertion.language)


def definitions_only(source: str, language: str = "python") -> str | None:
    """`source` reduced to its imports, definitions and assignments; None if it does
    not parse (Python) or there is no grammar for `language`."""
    if language.lower() in NODE_LANGUAGES:
        return declarations_only(source, language)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    tree.body = [node for node in tree.body if isinstance(node, _KEPT)]
    return ast.unparse(tree)


def completed_function(insertion: Insertion, candidate_text: str) -> str | None:
    """The name of the function the candidate writes or completes, if any."""
    try:
        tree = ast.parse(splice(insertion, candidate_text).text)
    except (SyntaxError, ValueError):
        return None
    start = insertion.prefix.count("\n") + 1  # 1-based line where the candidate starts
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno >= start
    ]
    # The innermost function that reaches into the candidate: the header the
    # candidate completes, or the first function the candidate itself defines.
    functions.sort(key=lambda node: node.lineno)
    return functions[0].name if functions else None
