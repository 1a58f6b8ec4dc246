"""Find the comment (or Python docstring) that asks for code at a cursor line.

A prompt is one of:

* a contiguous block of line comments, or one block comment, followed by a blank
  line, the end of the file or the end of the enclosing block; the code goes right
  after it, at the comment's indent;
* such a comment directly above a block header (`def f(n):`, `function f(a) {`,
  `fn f() -> u32 {`, `function f(a)` in Lua) whose body is empty; the code goes on
  the line after the header, one indent unit deeper than the header;
* in Python, a `def`/`class` header followed by a docstring and an empty body; the
  code goes after the docstring, at the docstring's indent.

The cursor may be on any line of the comment or docstring, on the header, or on
the blank line right below the comment, header or docstring. A body is empty when
the next non-blank line is indented no deeper than the header, or there is none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lsp_codegen.context.indentation import (
    detect_indent_unit,
    indent_width,
    is_blank,
    leading_whitespace,
)
from lsp_codegen.context.languages import CommentSyntax, comment_syntax, opens_block
from lsp_codegen.context.positions import lines_containing
from lsp_codegen.context.types import CommentPrompt

_MAX_SCAN = 200  # lines searched for a block comment's ends or a docstring's header
_MAX_HEADER = 10  # lines one block header (a long signature) may span
_QUOTES = ('"""', "'''")
_DOCSTRING_START = re.compile(r"\s*[rRuUbB]{0,2}(\"\"\"|''')")
_DEF = re.compile(r"\s*(async\s+)?(def|class)\s")
_CLOSER = re.compile(r"[})\]]|end\s*[;)]?\s*$")
_ANNOTATION = re.compile(r"\s*(@|#\[)")  # decorators and attributes between comment and header


@dataclass(frozen=True)
class _Block:
    """A comment block or docstring: its lines and its words."""

    first: int
    last: int
    text: str


def find_comment_prompt(lines: Sequence[str], line: int, language_id: str) -> CommentPrompt | None:
    """The comment prompt that cursor line `line` belongs to, or None.

    `lines` are the document's lines without terminators; `line` may be len(lines)
    (a cursor past the last line counts as a blank line).
    """
    if line < 0:
        return None
    syntax = comment_syntax(language_id)
    if syntax.docstrings:
        prompt = _docstring_prompt(lines, line, language_id)
        if prompt is not None:
            return prompt
    block = _comment_block_at(lines, line, syntax)
    if block is not None:
        return _prompt_for_block(lines, block, language_id)
    if line >= len(lines) or is_blank(lines[line]):
        return _prompt_above_blank(lines, line, language_id, syntax)
    header_end = _header_end_around(lines, line, language_id)
    if header_end is not None:
        return _prompt_above_header(lines, header_end, language_id, syntax)
    return None


def _prompt_above_blank(
    lines: Sequence[str], line: int, language_id: str, syntax: CommentSyntax
) -> CommentPrompt | None:
    above = min(line, len(lines)) - 1
    if above < 0 or above != line - 1:
        return None
    block = _comment_block_at(lines, above, syntax)
    if block is not None and block.last == above:
        return _prompt_for_block(lines, block, language_id)
    if opens_block(lines[above], language_id):
        return _prompt_above_header(lines, above, language_id, syntax)
    return None


def _prompt_above_header(
    lines: Sequence[str], header_end: int, language_id: str, syntax: CommentSyntax
) -> CommentPrompt | None:
    start = _header_start(lines, header_end)
    if start is None:
        return None
    above = start - 1
    while above >= 0 and start - above <= _MAX_HEADER and _ANNOTATION.match(lines[above]):
        above -= 1
    block = _comment_block_at(lines, above, syntax) if above >= 0 else None
    if block is None or block.last != above:
        return None
    return _prompt_for_block(lines, block, language_id)


def _prompt_for_block(
    lines: Sequence[str], block: _Block, language_id: str
) -> CommentPrompt | None:
    after = block.last + 1
    header = _skip_annotations(lines, after)
    header_end = _header_end(lines, header, language_id)
    if header_end is not None:
        return _header_prompt(lines, block, header, header_end, language_id)
    if not _nothing_follows(lines, after, indent_width(lines[block.first])):
        return None
    return CommentPrompt(
        text=block.text,
        first_line=block.first,
        last_line=block.last,
        insert_line=after,
        indent=leading_whitespace(lines[block.first]),
    )


def _header_prompt(
    lines: Sequence[str], block: _Block, start: int, end: int, language_id: str
) -> CommentPrompt | None:
    header_indent = leading_whitespace(lines[start])
    insert_line = end + 1
    indent = header_indent + detect_indent_unit(lines, language_id, around=start)
    if comment_syntax(language_id).docstrings:
        docstring = _docstring_after(lines, end)
        if docstring is not None:
            insert_line = docstring.last + 1
            indent = leading_whitespace(lines[docstring.first])
    if not _body_is_empty(lines, insert_line, indent_width(header_indent)):
        return None
    return CommentPrompt(
        text=block.text,
        first_line=block.first,
        last_line=block.last,
        insert_line=insert_line,
        indent=indent,
        header_line=start,
    )


def _nothing_follows(lines: Sequence[str], line: int, width: int) -> bool:
    """True when `line` is blank, past the end, or closes the block holding the comment."""
    if line >= len(lines) or is_blank(lines[line]):
        return True
    text = lines[line]
    return indent_width(text) < width or _CLOSER.match(text.lstrip()) is not None


def _body_is_empty(lines: Sequence[str], body_start: int, header_width: int) -> bool:
    for number in range(body_start, len(lines)):
        if not is_blank(lines[number]):
            return indent_width(lines[number]) <= header_width
    return True


def _skip_annotations(lines: Sequence[str], line: int) -> int:
    """The first line at or after `line` that is not a decorator or attribute."""
    number = line
    while number < len(lines) and number - line < _MAX_HEADER and _ANNOTATION.match(lines[number]):
        number += 1
    return number


def _paren_balance(line: str) -> int:
    opened = line.count("(") + line.count("[")
    return opened - line.count(")") - line.count("]")


def _header_end(lines: Sequence[str], start: int, language_id: str) -> int | None:
    """Last line of the block header starting at `start`, or None if none starts there."""
    balance = 0
    for number in range(start, min(len(lines), start + _MAX_HEADER)):
        text = lines[number]
        if is_blank(text) or (number > start and balance <= 0):
            return None
        if opens_block(text, language_id):
            return number
        balance += _paren_balance(text)
    return None


def _header_end_around(lines: Sequence[str], line: int, language_id: str) -> int | None:
    """Last line of the block header that `line` is part of, or None."""
    for number in range(line, min(len(lines), line + _MAX_HEADER)):
        if is_blank(lines[number]):
            return None
        if opens_block(lines[number], language_id):
            start = _header_start(lines, number)
            return number if start is not None and start <= line else None
    return None


def _header_start(lines: Sequence[str], end: int) -> int | None:
    """First line of the header ending at `end` (earlier lines hold an open bracket)."""
    balance = _paren_balance(lines[end])
    number = end
    while balance < 0:
        number -= 1
        if number < 0 or end - number >= _MAX_HEADER or is_blank(lines[number]):
            return None
        balance += _paren_balance(lines[number])
    return number


def _comment_block_at(lines: Sequence[str], line: int, syntax: CommentSyntax) -> _Block | None:
    """The comment block that holds `line`, or None when `line` is not a comment line."""
    if line >= len(lines):
        return None
    block = _block_comment_around(lines, line, syntax)
    if block is not None:
        return block
    if _line_comment_text(lines, line, syntax) is None:
        return None
    first = line
    while first > 0 and line - first < _MAX_SCAN:
        if _line_comment_text(lines, first - 1, syntax) is None:
            break
        first -= 1
    last = line
    while last + 1 < len(lines) and last - line < _MAX_SCAN:
        if _line_comment_text(lines, last + 1, syntax) is None:
            break
        last += 1
    words = (_line_comment_text(lines, number, syntax) or "" for number in range(first, last + 1))
    text = "\n".join(words).strip("\n")
    return _Block(first, last, text) if text else None


def _line_comment_text(lines: Sequence[str], line: int, syntax: CommentSyntax) -> str | None:
    """The words of line comment `line`, or None when it is not a line comment."""
    stripped = lines[line].strip()
    if syntax.block is not None and stripped.startswith(syntax.block[0]):
        return None
    if line == 0 and stripped.startswith("#!"):
        return None
    for marker in syntax.line_markers:
        if stripped.startswith(marker):
            if marker == "#" and stripped.startswith("#[") and "//" in syntax.line_markers:
                return None  # a PHP attribute, not a comment
            words = stripped[len(marker) :].lstrip(marker[0])
            if marker == "//":
                words = words.removeprefix("!")  # Rust inner doc comments
            elif marker == "--":
                words = words.lstrip().removeprefix("|")  # Haddock `-- |`
            return words.strip()
    return None


def _block_comment_around(lines: Sequence[str], line: int, syntax: CommentSyntax) -> _Block | None:
    """The block comment (`/* ... */`) spanning `line`, if it is alone on its lines."""
    if syntax.block is None:
        return None
    opener, closer = syntax.block
    first = _block_opener_above(lines, line, opener, closer)
    if first is None:
        return None
    parts: list[str] = []
    for number in range(first, min(len(lines), first + _MAX_SCAN)):
        text = lines[number]
        begin = text.index(opener) + len(opener) if number == first else 0
        end = text.find(closer, begin)
        if end < 0:
            parts.append(text[begin:])
            continue
        if text[end + len(closer) :].strip() or number < line:
            return None  # code follows the comment, or the comment ended above `line`
        parts.append(text[begin:end])
        words = "\n".join(_block_line_words(part, opener) for part in parts).strip("\n")
        return _Block(first, number, words) if words else None
    return None


def _block_opener_above(lines: Sequence[str], line: int, opener: str, closer: str) -> int | None:
    for number in range(line, max(-1, line - _MAX_SCAN), -1):
        stripped = lines[number].strip()
        if number < line and closer in stripped:
            return None
        if stripped.startswith(opener):
            return number
    return None


def _block_line_words(part: str, opener: str) -> str:
    words = part.strip()
    if opener == "/*":
        words = words.lstrip("*!")  # `/**`, `/*!` and the `*` of continuation lines
    elif opener == "{-":
        words = words.removeprefix("|")  # Haddock `{-|`
    return words.strip()


def _docstring_prompt(lines: Sequence[str], line: int, language_id: str) -> CommentPrompt | None:
    """The docstring prompt whose header, docstring or following blank line holds `line`."""
    cursor_blank = line >= len(lines) or is_blank(lines[line])
    for end in _docstring_header_candidates(lines, line):
        if not opens_block(lines[end], language_id):
            continue
        start = _header_start(lines, end)
        if start is None or not _DEF.match(lines[start]):
            continue
        docstring = _docstring_after(lines, end)
        if docstring is None:
            continue
        inside = start <= line <= docstring.last
        below = line == docstring.last + 1 and cursor_blank
        if not (inside or below):
            continue
        if not _body_is_empty(lines, docstring.last + 1, indent_width(lines[start])):
            return None
        return CommentPrompt(
            text=docstring.text,
            first_line=docstring.first,
            last_line=docstring.last,
            insert_line=docstring.last + 1,
            indent=leading_whitespace(lines[docstring.first]),
            header_line=start,
        )
    return None


def _docstring_header_candidates(lines: Sequence[str], line: int) -> list[int]:
    """Lines at most _MAX_SCAN above `line` (nearest first) whose next line opens a
    string that does not close before line `line - 1`.

    Every docstring header whose docstring could hold `line` (or end right above
    it) is one of them. Only lines holding a triple quote can open or close one,
    and finding those is far cheaper than reading every line.
    """
    first = max(0, line - _MAX_SCAN + 1)
    stop = min(line, len(lines) - 1) + 2  # the line below the last header looked at
    quoted = {quote: lines_containing(lines, quote, first + 1, stop) for quote in _QUOTES}
    headers = []
    for number in sorted({*quoted['"""'], *quoted["'''"]}, reverse=True):
        text = lines[number]
        match = _DOCSTRING_START.match(text)
        if match is None:
            continue
        quote = match.group(1)
        if quote in text[match.end() :]:
            closing: int | None = number
        else:
            closing = next((q for q in quoted[quote] if q > number), None)
        if closing is None or closing >= line - 1:
            headers.append(number - 1)
    return headers


def _docstring_after(lines: Sequence[str], header_end: int) -> _Block | None:
    """The docstring right below a header ending at `header_end`, if it is closed."""
    first = header_end + 1
    if first >= len(lines):
        return None
    match = _DOCSTRING_START.match(lines[first])
    if match is None:
        return None
    quote = match.group(1)
    rest = lines[first][match.end() :]
    if quote in rest:
        last, parts = first, [rest[: rest.find(quote)]]
    else:
        closing = lines_containing(lines, quote, first + 1, first + _MAX_SCAN, limit=1)
        if not closing:
            return None
        last = closing[0]
        closer = lines[last]
        parts = [rest, *lines[first + 1 : last], closer[: closer.find(quote)]]
    words = "\n".join(part.strip() for part in parts).strip("\n")
    return _Block(first, last, words) if words else None
