"""LSP positions (line, character in some encoding) <-> Python str offsets.

Lines end only at the LSP terminators "\\r\\n", "\\r" and "\\n"; characters such
as U+2028 or form feed, which `str.splitlines` treats as breaks, stay inside a line.

Clamping rules, shared by every function here:

* a negative line, character or offset raises ValueError;
* a line past the last line addresses the end of the document;
* a character past the end of a line's content addresses the end of that content
  (before its terminator);
* a character that falls inside a multi-unit character (between the two UTF-16
  units of an emoji, or inside a UTF-8 sequence) addresses the start of that character;
* an offset past the end of the text is the end of the text, and an offset
  between the "\\r" and "\\n" of a CRLF is the end of that line's content.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from typing import overload

import numpy
import numpy.typing

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"
ENCODINGS: tuple[str, ...] = (UTF8, UTF16, UTF32)

_TERMINATOR = re.compile(r"\r\n|\r|\n")
# Code points that take more than one code unit in each variable-width encoding.
_WIDE = {
    UTF8: re.compile(r"[^\x00-\x7f]"),
    UTF16: re.compile(r"[\U00010000-\U0010ffff]"),
}


def check_encoding(encoding: str) -> None:
    """Raise ValueError unless `encoding` is an LSP PositionEncodingKind we support."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported position encoding {encoding!r}; use one of {ENCODINGS}")


def char_units(char: str, encoding: str) -> int:
    """Number of code units one code point takes in `encoding`."""
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if encoding == UTF8:
        if code < 0x80:
            return 1
        if code < 0x800:
            return 2
        return 3 if code < 0x10000 else 4
    return 1


def units_in(text: str, encoding: str) -> int:
    """Number of code units `text` takes in `encoding`."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    # "surrogatepass" keeps lone surrogates countable (one UTF-16 unit, three UTF-8 bytes).
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


def index_for_units(content: str, units: int, encoding: str) -> int:
    """The str index in `content` that `units` code units address (clamped, see module doc)."""
    if encoding == UTF32 or content.isascii():
        return min(units, len(content))
    extra = 0  # code units beyond one per code point, for the wide characters passed so far
    for match in _WIDE[encoding].finditer(content):
        start = match.start() + extra
        if units <= start:
            break
        width = char_units(match.group(), encoding)
        if units < start + width:
            return match.start()
        extra += width - 1
    return min(units - extra, len(content))


def _check_non_negative(**values: int) -> None:
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")


def _line_bounds(text: str) -> tuple[array[int], array[int]]:
    """Start offsets and content end offsets of every line of `text`."""
    separator = _single_terminator(text)
    if separator is None:
        starts = [0]
        ends: list[int] = []
        for match in _TERMINATOR.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        return array("q", starts), array("q", ends)
    # One kind of terminator throughout: find the LFs with numpy, over code points.
    points = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    breaks = numpy.flatnonzero(points == 0x0A)
    width = len(separator)
    starts_np = numpy.concatenate(([0], breaks + 1))
    ends_np = numpy.concatenate((breaks - (width - 1), [len(text)]))
    return _as_array(starts_np), _as_array(ends_np)


def _as_array(values: numpy.typing.NDArray[numpy.int64]) -> array[int]:
    result = array("q")
    result.frombytes(values.astype(numpy.int64).tobytes())
    return result


def _single_terminator(text: str) -> str | None:
    """The one line break `text` uses throughout (LF or CRLF), or None when mixed."""
    returns = text.count("\r")
    if returns == 0:
        return "\n"
    if returns == text.count("\r\n") == text.count("\n"):
        return "\r\n"
    return None


def _spliced(
    old: array[int], first: int, after: int, base: int, region: array[int], delta: int
) -> array[int]:
    """old[:first] + (region shifted by base) + (old[after:] shifted by delta)."""
    result = old[:first]
    result.extend(value + base for value in region)
    tail = old[after:]
    if delta:
        result.frombytes((numpy.frombuffer(tail, dtype=numpy.int64) + delta).tobytes())
    else:
        result.extend(tail)
    return result


class LineIndex:
    """Line start offsets of one text, computed once; converts positions and offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Machine-int arrays: copying them on an edit is a memcpy, not a million increfs.
        self._starts, self._ends = _line_bounds(text)

    def edited(self, begin: int, finish: int, inserted: str) -> LineIndex:
        """The index of this text with text[begin:finish] replaced by `inserted`.

        Only the lines around the edit are scanned again; the rest are copied
        (shifted), so a keystroke in a huge document costs no full rescan.
        """
        text = self.text[:begin] + inserted + self.text[finish:]
        delta = len(inserted) - (finish - begin)
        # From the start of the line before the edit to the start of the second
        # line after it: both ends sit next to untouched text, so they stay line
        # starts whatever terminators the edit creates or joins (CR + LF).
        first = max(self.line_of(begin) - 1, 0)
        after = self.line_of(finish) + 2
        region_start = self._starts[first]
        region_end = self._starts[after] + delta if after < len(self._starts) else len(text)
        starts, ends = _line_bounds(text[region_start:region_end])
        if after < len(self._starts):
            starts.pop()  # the region's last "line" is the start of line `after`
            ends.pop()
        index = LineIndex.__new__(LineIndex)
        index.text = text
        index._starts = _spliced(self._starts, first, after, region_start, starts, delta)
        index._ends = _spliced(self._ends, first, after, region_start, ends, delta)
        return index

    @property
    def line_count(self) -> int:
        """Number of lines; a text ending with a terminator has an empty last line."""
        return len(self._starts)

    def _check_line(self, line: int) -> None:
        if not 0 <= line < len(self._starts):
            raise IndexError(f"line {line} out of range (0..{len(self._starts) - 1})")

    def line_start(self, line: int) -> int:
        """Offset of the first character of `line`."""
        self._check_line(line)
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset just past the content of `line` (before its terminator)."""
        self._check_line(line)
        return self._ends[line]

    def line_text(self, line: int) -> str:
        """Content of `line` without its terminator; IndexError when out of range."""
        self._check_line(line)
        return self.text[self._starts[line] : self._ends[line]]

    def line_of(self, offset: int) -> int:
        """The line holding `offset` (clamped to the text)."""
        _check_non_negative(offset=offset)
        return bisect.bisect_right(self._starts, min(offset, len(self.text))) - 1

    @property
    def lines(self) -> LinesView:
        """The line contents as a lazy sequence; only the lines read are sliced out."""
        return LinesView(self)

    def offset_at(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Offset that LSP position (`line`, `character`) addresses in `encoding`."""
        check_encoding(encoding)
        _check_non_negative(line=line, character=character)
        if line >= len(self._starts):
            return len(self.text)
        start = self._starts[line]
        content = self.text[start : self._ends[line]]
        return start + index_for_units(content, character, encoding)

    def position_at(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """LSP position (line, character in `encoding`) of `offset`."""
        check_encoding(encoding)
        line = self.line_of(offset)
        start = self._starts[line]
        end = min(offset, self._ends[line])
        return line, units_in(self.text[start:end], encoding)


class LinesView(Sequence[str]):
    """The lines of a LineIndex as a read-only sequence, sliced on demand."""

    def __init__(self, index: LineIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.line_count

    @overload
    def __getitem__(self, item: int) -> str: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[str]: ...

    def __getitem__(self, item: int | slice) -> str | Sequence[str]:
        # line_text inlined: context finding reads hundreds of lines per request.
        index = self._index
        starts = index._starts
        if isinstance(item, slice):
            text, ends = index.text, index._ends
            return [text[starts[i] : ends[i]] for i in range(*item.indices(len(starts)))]
        if item < 0:
            item += len(starts)
        if not 0 <= item < len(starts):
            raise IndexError(f"line {item} out of range (0..{len(starts) - 1})")
        return index.text[starts[item] : index._ends[item]]


def lines_containing(
    lines: Sequence[str], needle: str, start: int, stop: int, limit: int | None = None
) -> list[int]:
    """Numbers of the lines in [start, stop) whose content holds `needle`, ascending;
    only the first `limit` of them when given.

    `needle` must not hold a line break. Over a LinesView the text is searched
    with str.find, so lines without it are never sliced out.
    """
    stop = min(stop, len(lines))
    found: list[int] = []
    if start >= stop or limit == 0:
        return found
    if not isinstance(lines, LinesView):
        for number in range(start, stop):
            if needle in lines[number]:
                found.append(number)
                if len(found) == limit:
                    break
        return found
    index = lines._index
    text, starts = index.text, index._starts
    end = index._ends[stop - 1]
    at = text.find(needle, starts[start], end)
    while at >= 0:
        number = bisect.bisect_right(starts, at) - 1
        found.append(number)
        if number + 1 >= stop or len(found) == limit:
            break
        at = text.find(needle, starts[number + 1], end)
    return found


def offset_at(text: str, line: int, character: int, encoding: str = UTF16) -> int:
    """Offset in `text` that LSP position (`line`, `character`) addresses."""
    return LineIndex(text).offset_at(line, character, encoding)


def position_at(text: str, offset: int, encoding: str = UTF16) -> tuple[int, int]:
    """LSP position of `offset` in `text`."""
    return LineIndex(text).position_at(offset, encoding)
