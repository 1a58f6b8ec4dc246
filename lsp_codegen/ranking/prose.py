"""Reading examples out of prose, whatever the language: bullets, separators, trailing
punctuation, which characters of a line are inside brackets or strings, and an
example's label."""

from __future__ import annotations

import re
from collections.abc import Iterator

BULLET = re.compile(r"^\s*(?:[-*•+]\s+|\d+[.)]\s+|[a-z][.)]\s+)?")
SEPARATOR = re.compile(r"[,;]|\band\b")
# The words that say what a call gives ("f(2) returns 4"), as a pattern; "is not" is not one.
WORDS = (
    r"\b(?:should\s+return|should\s+be|should\s+give|evaluates\s+to|returns|gives|equals|is)\b"
    r"(?!\s+not\b)"
)
PROSE_DOT = re.compile(r"\.\s")  # "e.g. fib(2)": code has no ". " outside strings
MASK = "\x00"
_TRAILING = ".,;:!?)"
_PYTHON_PREFIXES = frozenset({"r", "u", "b", "f", "br", "rb", "fr", "rf"})


def trimmed(text: str) -> Iterator[str]:
    """`text` with 0 to 3 trailing punctuation characters dropped, shortest last."""
    yield text
    for _ in range(3):
        if not text or text[-1] not in _TRAILING:
            return
        text = text[:-1].rstrip()
        yield text


def segments(masked: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each part of a masked line between top-level separators."""
    start = 0
    for separator in SEPARATOR.finditer(masked):
        yield start, separator.start()
        start = separator.end()
    yield start, len(masked)


def example_label(line: str, start: int, operator_end: int, right: str) -> str:
    """The example as the user wrote it: from `start` to the end of `right`, the value
    that follows the operator ending at `operator_end`."""
    rest = line[operator_end:]
    right_start = operator_end + len(rest) - len(rest.lstrip())
    return line[start : right_start + len(right)].strip()


def word_char(char: str) -> bool:
    """Whether `char` can be part of an identifier."""
    return char.isalnum() or char == "_"


def mask(line: str, quotes: str = "'\"", prefixes: frozenset[str] = _PYTHON_PREFIXES) -> str:
    """`line` with everything inside brackets and strings replaced by NULs.

    Operators and separators found in the result are at the top level. A
    quote right after a letter is an apostrophe ("it's"), unless the letters
    are a string prefix (Python's r"...", b'...'); an unclosed quote is not a string.
    """
    out = list(line)
    depth = 0
    i = 0
    while i < len(line):
        char = line[i]
        if char in quotes and _starts_string(line, i, prefixes):
            end = _string_end(line, i)
            if end > 0:
                for k in range(i, end):
                    out[k] = MASK
                i = end
                continue
        if char in "([{":
            depth += 1
            out[i] = MASK
        elif char in ")]}":
            depth = max(0, depth - 1)
            out[i] = MASK
        elif depth:
            out[i] = MASK
        i += 1
    return "".join(out)


def _starts_string(line: str, i: int, prefixes: frozenset[str]) -> bool:
    j = i
    while j > 0 and word_char(line[j - 1]):
        j -= 1
    word = line[j:i].lower()
    return not word or word in prefixes


def _string_end(line: str, i: int) -> int:
    """Index just past the string literal starting at `i`, or -1 if it is not closed."""
    quote = line[i] * 3 if line.startswith(line[i] * 3, i) else line[i]
    k = i + len(quote)
    while k < len(line):
        if line[k] == "\\":
            k += 2
            continue
        if line.startswith(quote, k):
            return k + len(quote)
        k += 1
    return -1
