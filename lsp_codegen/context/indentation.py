"""Indentation of lines and the indent unit a file uses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from lsp_codegen.context.languages import default_indent_unit, opens_block

TAB_SIZE = 4
_WINDOW = 400  # lines sampled around the cursor when detecting the indent unit


def leading_whitespace(line: str) -> str:
    """The spaces and tabs `line` starts with."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_width(line: str) -> int:
    """Columns of `line`'s leading whitespace, tabs expanded to TAB_SIZE."""
    return len(leading_whitespace(line).expandtabs(TAB_SIZE))


def is_blank(line: str) -> bool:
    """True for a line holding only whitespace."""
    return not line.strip()


def detect_indent_unit(lines: Sequence[str], language_id: str, around: int = 0) -> str:
    """The indent unit used near line `around`, or the language's default when none shows.

    Only steps after a line that opens a block count, so the " " before the `*`
    of a block comment or the alignment of a continued expression is not taken
    for the unit; the most common step wins, the narrower one on a tie.
    """
    start = max(0, around - _WINDOW // 2)
    stop = min(len(lines), start + _WINDOW)
    steps: Counter[str] = Counter()
    previous: str | None = None
    for number in range(start, stop):
        line = lines[number]
        if is_blank(line):
            continue
        step = _step(previous, leading_whitespace(line))
        if step and previous is not None and opens_block(previous, language_id):
            steps[step] += 1
        previous = line
    if not steps:
        return default_indent_unit(language_id)
    return min(steps, key=lambda step: (-steps[step], len(step)))


def _step(previous: str | None, indent: str) -> str:
    """The whitespace `indent` adds to `previous`'s, when it is one tab or only spaces."""
    if previous is None:
        return ""
    before = leading_whitespace(previous)
    if len(indent) <= len(before) or not indent.startswith(before):
        return ""
    step = indent[len(before) :]
    return step if step == "\t" or not step.strip(" ") else ""
