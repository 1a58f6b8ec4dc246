"""In-context examples: one or two short, finished functions placed before the document in
the prompt, so a small model sees a description followed by the body that does it.

They come from the workspace (the other open documents of the same language: Python
functions of at most `MAX_LINES` lines with a docstring or a comment above, nearest to
the comment prompt by the words of their name, description and identifiers) or, when it has
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

from lsp_codegen.context.functions import DEF_LINE, comment_above
from lsp_codegen.context.types import Insertion

MAX_LINES = 12  # a longer function costs more of the budget than it teaches
MAX_SOURCE_CHARS = 200_000  # a bigger document is not parsed for examples
_WORD = re.compile(r"[A-Za-z]+")
_SCAN_CHARS = 8_000  # how far above the cursor the function it is in is looked for
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
    topic = topic_of(insertion)
    wanted = _words(topic)
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
    if built_in is None:
        return []
    return [_format(built_in, insertion.language, _has_docstring(topic))]


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


def topic_of(insertion: Insertion) -> str:
    """What the code at the cursor is about: the function it is in (its header, the
    comment above, its docstring), else the comment prompt. Not the code being typed, so
    the choice, and the start of the prompt (which a KV cache reuses), stays put while
    the user types the body."""
    comment = insertion.comment
    if comment is not None and comment.header_line is None:
        return comment.text
    # Only the prefix's end: this runs at every keystroke, whatever the document's size.
    tail = insertion.prefix[-_SCAN_CHARS:]
    lines = tail.splitlines()[1 if len(tail) < len(insertion.prefix) else 0 :]
    header = next((i for i in range(len(lines) - 1, -1, -1) if DEF_LINE.match(lines[i])), None)
    if header is None:
        return comment.text if comment is not None else ""
    described = lines[header : _docstring_end(lines, header + 1)]
    return "\n".join([comment_above(lines, header), *described])


def _docstring_end(lines: list[str], start: int) -> int:
    """The index after the docstring that opens on line `start`, if one does; else `start`."""
    opening = lines[start].lstrip()[:3] if start < len(lines) else ""
    if opening not in ('"""', "'''"):
        return start
    if opening in lines[start].lstrip()[3:]:
        return start + 1
    closing = (i for i in range(start + 1, len(lines)) if opening in lines[i])
    return next(closing, len(lines) - 1) + 1


def _words(text: str) -> frozenset[str]:
    """Lower-case words of `text` that say something (identifiers split at `_` and
    camelCase; keywords and short words left out)."""
    split = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    words = (word.lower() for word in _WORD.findall(split))
    return frozenset(w for w in words if len(w) > 2 and w not in _COMMON)


def _has_docstring(topic: str) -> bool:
    """The topic (see `topic_of`) is a function described by a docstring, not a comment."""
    lines = topic.splitlines()
    header = next((i for i, line in enumerate(lines) if DEF_LINE.match(line)), None)
    return header is not None and _docstring_end(lines, header + 1) > header + 1


def _format(example: _BuiltIn, language: str, docstring: bool) -> str:
    """`example` as the function the code is in is written: a docstring under the header
    when it has one, else a comment above it. Taken from that function, not from the
    cursor, so the lines after an accepted suggestion get the same prompt start."""
    unit = "    " if language == "python" else "  "
    body = [unit + line for line in example.body]
    if language == "python" and docstring:
        lines = [example.header, f'{unit}"""{example.description}"""', *body]
    else:
        marker = "#" if language == "python" else "//"
        lines = [f"{marker} {example.description}", example.header, *body]
    if language != "python":
        lines.append("}")
    return "\n".join(lines) + "\n\n\n"
