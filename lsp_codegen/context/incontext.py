"""In-context examples: one or two short, finished functions placed before the document in
the prompt, so a small model sees a description followed by the body that does it.

They come from the workspace (the other open documents of the same language: Python
functions of at most `MAX_LINES` lines with a docstring or a comment above, nearest to
the prompt by the words of their name, description and identifiers) or, when it has
none, a built-in neutral one written in the form of the prompt (a comment above the
`def`, or a docstring under it).
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lsp_codegen.context.types import Insertion

MAX_LINES = 12  # a longer function costs more of the budget than it teaches
MAX_SOURCE_CHARS = 200_000  # a bigger document is not parsed for examples
_WORD = re.compile(r"[A-Za-z]+")
# Words every function has, which say nothing about which one is near.
_COMMON = frozenset(
    {w.lower() for w in keyword.kwlist}
    | {"the", "and", "that", "this", "with", "from", "into", "each", "for", "function"}
    | {"let", "const", "var", "self", "none", "true", "false", "number", "return", "given"}
)


@dataclass(frozen=True)
class _BuiltIn:
    """A neutral example: what it does, its header, its body (one indent unit per level)."""

    description: str
    header: str
    body: tuple[str, ...]


_PYTHON = _BuiltIn(
    "Return the largest number in a non-empty list.",
    "def largest(numbers):",
    (
        "best = numbers[0]",
        "for number in numbers[1:]:",
        "    if number > best:",
        "        best = number",
        "return best",
    ),
)
_JAVASCRIPT = _BuiltIn(
    "Return the largest number in a non-empty array.",
    "function largest(numbers) {",
    (
        "let best = numbers[0];",
        "for (const number of numbers) {",
        "  if (number > best) {",
        "    best = number;",
        "  }",
        "}",
        "return best;",
    ),
)
_BUILT_IN = {"python": _PYTHON, "javascript": _JAVASCRIPT, "typescript": _JAVASCRIPT}


def in_context_examples(
    insertion: Insertion, sources: Sequence[str], count: int, avoid: Sequence[str] = ()
) -> list[str]:
    """Up to `count` examples for the prompt of `insertion`, nearest first; each ends with a
    blank line. `sources` are the texts of the other open documents in its language;
    an example already inside one of the `avoid` snippets (other files' context) is
    skipped. With no workspace example, the built-in one of the language, if any."""
    if count <= 0:
        return []
    wanted = _words(_prompt_words(insertion))
    parsed = sources if insertion.language == "python" else ()
    found = [
        example
        for source in parsed
        for example in _python_functions(source)
        if not any(example.text in snippet for snippet in avoid)
    ]
    found.sort(key=lambda example: (-len(wanted & example.words), len(example.text)))
    chosen = list(dict.fromkeys(example.text for example in found))[:count]
    if chosen:
        return chosen
    built_in = _BUILT_IN.get(insertion.language)
    return [] if built_in is None else [_format(built_in, insertion)]


@dataclass(frozen=True)
class _Function:
    """A workspace function usable as an example: its source and its words."""

    text: str
    words: frozenset[str]


@functools.lru_cache(maxsize=32)
def _python_functions(source: str) -> tuple[_Function, ...]:
    # Cached by text: the other documents stay the same while the user types in one.
    if len(source) > MAX_SOURCE_CHARS:
        return ()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    lines = source.splitlines()
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = _function(node, lines)
            if function is not None:
                found.append(function)
    return tuple(found)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> _Function | None:
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    last = node.end_lineno or node.lineno
    if last - first > MAX_LINES:
        return None
    above = first
    while above > 0 and lines[above - 1].lstrip().startswith("#"):
        above -= 1
    if above == first and ast.get_docstring(node) is None:
        return None  # nothing says what it does
    text = "\n".join(lines[above:last]) + "\n\n\n"
    return _Function(text, _words(text))


def _prompt_words(insertion: Insertion) -> str:
    comment = insertion.comment.text if insertion.comment is not None else ""
    last_line = insertion.prefix.rsplit("\n", 2)[-2:]
    return comment + " " + " ".join(last_line)


def _words(text: str) -> frozenset[str]:
    """Lower-case words of `text` that say something (identifiers split at `_` and
    camelCase; keywords and short words left out)."""
    split = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    words = (word.lower() for word in _WORD.findall(split))
    return frozenset(w for w in words if len(w) > 2 and w not in _COMMON)


def _format(example: _BuiltIn, insertion: Insertion) -> str:
    """`example` as the prompt is written: a docstring under the header when the prompt's
    comment is a docstring, else a comment above it."""
    unit = "    " if insertion.language == "python" else "  "
    body = [unit + line for line in example.body]
    comment = insertion.comment
    docstring = (
        comment is not None
        and comment.header_line is not None
        and comment.header_line < comment.first_line
    )
    if insertion.language == "python" and docstring:
        lines = [example.header, f'{unit}"""{example.description}"""', *body]
    else:
        marker = "#" if insertion.language == "python" else "//"
        lines = [f"{marker} {example.description}", example.header, *body]
    if insertion.language != "python":
        lines.append("}")
    return "\n".join(lines) + "\n\n\n"
