"""Where generated code goes: LINE or BLOCK mode, indentation, and the comment prompt."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from lsp_codegen.context.comments import find_comment_prompt
from lsp_codegen.context.indentation import detect_indent_unit, is_blank, leading_whitespace
from lsp_codegen.context.languages import opens_block
from lsp_codegen.context.positions import LineIndex
from lsp_codegen.context.types import CommentPrompt, Insertion, Mode

_MAX_BLANK_RUN = 200  # blank lines looked through for the line that opened the block


def locate_insertion(
    text: str, offset: int, language_id: str, index: LineIndex | None = None
) -> Insertion:
    """Describe an insertion at str `offset` of `text` (clamped to the text).

    LINE mode when the cursor's line has code before the cursor that does not
    open a block; BLOCK mode otherwise. `comment` is the comment prompt the
    cursor line belongs to, in either mode. Pass `index` (a LineIndex of this
    same text, e.g. Document.line_index) to save rebuilding it.
    """
    if offset < 0:
        raise ValueError(f"offset must not be negative, got {offset}")
    offset = min(offset, len(text))
    index = _index_of(text, index)
    lines = index.lines
    line = index.line_of(offset)
    before = text[index.line_start(line) : offset]
    mode = Mode.BLOCK
    leading = ""
    indent = leading_whitespace(before)
    comment = find_comment_prompt(lines, line, language_id)
    if not is_blank(before):
        if opens_block(before, language_id):
            indent += detect_indent_unit(lines, language_id, around=line)
            leading = "\n" + indent
        else:
            mode = Mode.LINE
    elif comment is not None and comment.header_line is not None and comment.insert_line == line:
        # The empty body of a function (after its header or docstring): the body's
        # indent, even when the editor left the cursor at column 0.
        indent = comment.indent
    elif is_blank(lines[line]):
        indent = _indent_for_blank_line(lines, line, before, language_id)
    return Insertion(
        offset=offset,
        mode=mode,
        indent=indent,
        prefix=text[:offset],
        suffix=text[offset:],
        language=language_id,
        comment=comment,
        leading=leading,
    )


def _indent_for_blank_line(lines: Sequence[str], line: int, before: str, language_id: str) -> str:
    """`before`, or one unit deeper than the previous non-blank line when that opens a block."""
    for number in range(line - 1, max(-1, line - _MAX_BLANK_RUN), -1):
        previous = lines[number]
        if is_blank(previous):
            continue
        if opens_block(previous, language_id):
            unit = detect_indent_unit(lines, language_id, around=line)
            return leading_whitespace(previous) + unit
        return before
    return before


def insertion_for_comment(
    text: str, prompt: CommentPrompt, language_id: str, index: LineIndex | None = None
) -> Insertion:
    """A BLOCK insertion at the start of `prompt.insert_line`.

    Past the end of the document the offset is len(text), and `leading` is "\\n"
    when the text does not already end with a line break. `index` is as for
    locate_insertion.
    """
    index = _index_of(text, index)
    leading = ""
    if prompt.insert_line < index.line_count:
        offset = index.line_start(prompt.insert_line)
    else:
        offset = len(text)
        if text and not text.endswith(("\n", "\r")):
            leading = "\n"
    return Insertion(
        offset=offset,
        mode=Mode.BLOCK,
        indent=prompt.indent,
        prefix=text[:offset],
        suffix=text[offset:],
        language=language_id,
        comment=prompt,
        leading=leading,
    )


def _index_of(text: str, index: LineIndex | None) -> LineIndex:
    if index is not None and index.text is text:
        return index
    return LineIndex(text)


def next_lines_insertion(
    text: str, offset: int, language_id: str, index: LineIndex | None = None
) -> Insertion:
    """The insertion for the lines after the cursor's, when the cursor ends a line of code.

    What follows an accepted suggestion: the cursor sits at the end of its last
    line, where `locate_insertion` would only complete that line. Here the new
    text starts on the next line (a line break and the line's indentation lead
    it), as if the user had pressed Enter. Elsewhere it is `locate_insertion`.
    """
    insertion = locate_insertion(text, offset, language_id, index)
    rest = insertion.suffix.split("\n", 1)[0]
    if insertion.mode is not Mode.LINE or not is_blank(rest):
        return insertion
    line_start = insertion.prefix.rfind("\n") + 1
    indent = leading_whitespace(insertion.prefix[line_start:])
    return dataclasses.replace(insertion, mode=Mode.BLOCK, indent=indent, leading="\n" + indent)
