"""The file's header, for a prompt whose budget cut off the start of a long Python file: its
import lines and the top-level definitions that the code at the cursor mentions (a short
function or class whole, a longer one's header line, a one-line assignment), so the model
still knows what `np`, `List` or `parse_row` is.

It is built from the cut-off part only, which stays the same while the user types at the
end of the kept part (the prompt's start moves in steps of lines), and from the topic
(see `incontext.topic_of`), which stays the same while a body is typed: the prompt's start,
and the KV cache of it, is kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

MAX_SCAN_CHARS = 200_000  # of a longer cut-off part only its start is read
MAX_WHOLE_LINES = 12  # a mentioned definition this short comes whole, a longer one as its header
_NAMES = r"[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*"
_IMPORT = re.compile(rf"(?:import\s+{_NAMES}\s*(?:#.*)?$|from\s+\.*[\w.]*\s+import\s)")
_DEFINITION = re.compile(
    r"(?:(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(|class\s+([A-Za-z_]\w*)\s*[(:])"
)
_TRIPLE = re.compile(r'"""|\'\'\'')
_ASSIGNMENT = re.compile(r"([A-Za-z_]\w*)\s*(?::[^=]+)?=[^=]")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_OPENERS = "([{"
_CLOSERS = ")]}"


def file_header(cut: str, topic: str) -> str:
    """The import lines of `cut` (the start of the document the prompt leaves out), then
    the top-level definitions in it whose names `topic` mentions; "" when there are none.
    A definition comes whole when it has at most `MAX_WHOLE_LINES` lines, else as its
    header line(s) and `...`; an assignment as its one line."""
    mentioned = frozenset(_IDENTIFIER.findall(topic))
    return _header(cut[:MAX_SCAN_CHARS], mentioned)


@functools.lru_cache(maxsize=8)
def _header(cut: str, mentioned: frozenset[str]) -> str:
    # Cached: the cut-off part and the topic stay the same across keystrokes.
    lines = cut.splitlines()
    imports: list[str] = []
    definitions: list[str] = []
    index = 0
    quote = ""  # the triple quote of a string the line is inside, if any
    while index < len(lines):
        line = lines[index]
        if quote or _TRIPLE.search(line):
            quote = _open_quote(line, quote)
            index += 1
            continue
        end = _statement_end(lines, index)
        if _IMPORT.match(line):
            imports.extend(lines[index:end])
        elif (found := _DEFINITION.match(line)) and (found.group(1) or found.group(2)) in mentioned:
            signature_end = _signature_end(lines, index)
            end = _block_end(lines, signature_end)
            if end - index <= MAX_WHOLE_LINES:
                definitions.extend(lines[index:end])
            else:
                definitions.extend([*lines[index:signature_end], "    ..."])
        elif (
            (found := _ASSIGNMENT.match(line)) and found.group(1) in mentioned and end == index + 1
        ):
            definitions.append(line)
        index = max(end, index + 1)
    chosen = imports + ([""] if imports and definitions else []) + definitions
    return "\n".join(chosen) + "\n" if chosen else ""


def _block_end(lines: list[str], start: int) -> int:
    """The index after the indented block that starts on line `start` (its trailing
    blank lines left out)."""
    end = start
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip() and not line[0].isspace():
            break
        if line.strip():
            end = index + 1
    return end


def _open_quote(line: str, quote: str) -> str:
    """The triple quote still open after `line`, given the one open before it ("" none)."""
    for found in _TRIPLE.finditer(line):
        if not quote:
            quote = found.group()
        elif found.group() == quote:
            quote = ""
    return quote


def _statement_end(lines: list[str], start: int) -> int:
    """The index after the statement that starts on line `start`: brackets it opens are
    closed, and a line ending in a backslash continues (one left open runs to the end)."""
    return _end(lines, start, lambda code: not code.endswith("\\")) or len(lines)


def _signature_end(lines: list[str], start: int) -> int:
    """The index after a `def`/`class` header that starts on line `start` (it ends at the
    first line ending in `:` with its brackets closed)."""
    return _end(lines, start, lambda code: code.endswith(":")) or start + 1


def _end(lines: list[str], start: int, ends: Callable[[str], bool]) -> int | None:
    """The index after the first line from `start` on where the brackets opened since
    `start` are closed and `ends` accepts the line's code (its comment cut off; strings are
    not looked into); None when no line does."""
    depth = 0
    for index in range(start, len(lines)):
        code = lines[index].split("#", 1)[0].rstrip()
        depth += sum(code.count(c) for c in _OPENERS) - sum(code.count(c) for c in _CLOSERS)
        if depth <= 0 and ends(code):
            return index + 1
    return None
