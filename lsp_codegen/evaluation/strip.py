"""`eval --strip-examples`: a problem's prompt without its worked examples (doctest
sessions, `f(x) == y` lines, "For example:" sections), to measure what a user sees
when the comment has none."""

from __future__ import annotations

import ast
import dataclasses
import re

from lsp_codegen.evaluation.problems import Problem
from lsp_codegen.ranking.examples import extract_examples

# A line that opens an example section: "For example:", "Examples", "Example 2:", and
# "For example, f(1) == 2" (in a comment or docstring).
_HEADER = re.compile(
    r"^\s*(#|//|\*)?\s*((for )?examples?(\s*\d+)?\s*:?|for example\b.*)\s*$", re.IGNORECASE
)
_CLOSING = ('"""', "'''", "*/")
_COMMENT = "#/* \t"
# One example on a line of its own: "Input: arr = [1], k = 1", "console.assert(f(1) === 2)".
_EXAMPLE_LINE = re.compile(r"^(input|output)\s*:|^console\.assert\(", re.IGNORECASE)


def strip_examples(problem: Problem) -> Problem:
    """`problem` with the examples taken out of its prompt (its hidden test unchanged)."""
    return dataclasses.replace(problem, prompt=stripped_prompt(problem))


def stripped_prompt(problem: Problem) -> str:
    """The prompt's lines without doctest sessions, example sections and example lines.

    A session or section runs until a blank line, the end of its docstring, or (begun in
    a comment) the end of the comment."""
    kept: list[str] = []
    skipping: str | None = None  # in a session or section: the comment marker it began with
    for line in problem.prompt.split("\n"):
        text = line.strip()
        if skipping is not None:
            if text.strip(_COMMENT) and not text.startswith(_CLOSING) and text.startswith(skipping):
                continue
            skipping = None
        if text.lstrip(_COMMENT).startswith(">>>") or _HEADER.match(line):
            skipping = text[: len(text) - len(text.lstrip("#/"))]
        elif not _is_example(line, problem):
            kept.append(line)
    return "\n".join(kept)


def _is_example(line: str, problem: Problem) -> bool:
    text = line.strip().lstrip(_COMMENT)
    if _EXAMPLE_LINE.match(text) or _arrow_example(text, problem.entry_point):
        return True
    return bool(extract_examples(line, problem.language, problem.entry_point))


def _arrow_example(text: str, name: str) -> bool:
    """ "f([3, 2]) ➞ False": a call written with an arrow to a literal (not a recurrence
    such as "fib4(n) -> fib4(n-1) + fib4(n-2)")."""
    found = re.match(rf"^{re.escape(name)}\(.*\)\s*(➞|==>|=>|->|→|===?)\s*(.+)$", text)
    if found is None:
        return False
    try:
        ast.literal_eval(found.group(2).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True
