"""How much of an accepted suggestion is still in the document: a tracker fed every edit.

What counts as retained
-----------------------
A character of the accepted text is *retained* while no edit has removed it since it was
inserted. The tracker keeps the accepted characters as runs of document offsets and
follows each edit (replace `old_text` between `begin` and `end` with `new_text`):

1. Runs before the edit stay; runs after it shift by the change in length.
2. Text inserted inside a run splits it: the inserted characters are the user's, never
   counted, so the retained count can only go down.
3. Accepted characters inside the replaced range are lost — except those that the same
   edit puts back unchanged: each edit is first reduced to what it actually changed
   (common prefix and suffix of old and new text dropped), and within what is left,
   characters that `difflib` matches between old and new text (in order, in blocks of
   at least `MIN_MATCH` characters: single spaces and brackets match anywhere) are kept
   at their new place. This is what makes a whole-document replace (clients that sync
   full text, a formatter, a paste over the same code) keep what it did not change.
   The diff is bounded (`DIFF_LIMIT`); a larger replacement counts as delete + insert.
4. Characters deleted by one edit and typed again by a later one are the user's, not
   the model's: they are not retained. Undo behaves the same (the editor sends it as
   an ordinary edit), so accepted → deleted → undone counts as not retained.

`retained / accepted` at a checkpoint is the share of the accepted characters still there.
"""

from __future__ import annotations

import difflib
from typing import Literal

AcceptedKind = Literal["inlineSingleLine", "inlineMultiLine", "completion", "codeAction"]
ACCEPTED_KINDS: tuple[AcceptedKind, ...] = (
    "inlineSingleLine",
    "inlineMultiLine",
    "completion",
    "codeAction",
)
KIND_LABELS: dict[AcceptedKind, str] = {
    "inlineSingleLine": "inline single-line",
    "inlineMultiLine": "inline multi-line",
    "completion": "completion",
    "codeAction": "code action",
}
CHECKPOINTS: tuple[float, ...] = (30.0, 120.0, 600.0)  # seconds after the accept
MIN_MATCH = 4  # shortest block of unchanged characters that a replacing edit keeps
DIFF_LIMIT = 250_000  # len(old) × len(new) of an edit's changed middle that difflib may compare

LOCATE_WINDOW = 2000  # characters around the expected offset searched for accepted text
Run = tuple[int, int]  # [start, end) offsets of accepted characters in the current text


def accepted_kind(request: Literal["inline", "completion"], text: str) -> AcceptedKind:
    """The kind of an accepted item: inline items split by whether they span lines.

    A text is multi-line when its non-blank part holds a line break (an inline item
    that starts with the newline and indentation of a new line is still single-line).
    """
    if request == "completion":
        return "completion"
    return "inlineMultiLine" if "\n" in text.strip() else "inlineSingleLine"


def locate(document: str, text: str, near: int, window: int = LOCATE_WINDOW) -> int | None:
    """Where `text` was inserted in `document`: its occurrence nearest to offset `near`,
    searched within `window` characters around it (None when it is not there)."""
    low, high = max(0, near - window), min(len(document), near + len(text) + window)
    best: int | None = None
    found = document.find(text, low, high)
    while found != -1:
        if best is None or abs(found - near) < abs(best - near):
            best = found
        if found > near:
            break  # later occurrences are farther still
        found = document.find(text, found + 1, high)
    return best


class RetentionTracker:
    """The accepted characters of one accept, followed through the document's edits."""

    def __init__(self, start: int, length: int) -> None:
        self.accepted = length
        self._runs: list[Run] = [(start, start + length)] if length > 0 else []

    @property
    def retained(self) -> int:
        """How many accepted characters are still in the document."""
        return sum(end - start for start, end in self._runs)

    @property
    def runs(self) -> list[Run]:
        """Where the retained characters are now, as ordered, disjoint [start, end) runs."""
        return list(self._runs)

    def edit(self, begin: int, end: int, new_text: str, old_text: str) -> None:
        """Follow one edit: `old_text` (the text at `begin:end`) replaced by `new_text`."""
        if len(old_text) != end - begin:
            raise ValueError("old_text must be the replaced range's text")
        head = _common_prefix(old_text, new_text)
        tail = _common_suffix(old_text[head:], new_text[head:])
        begin, end = begin + head, end - tail
        old, new = old_text[head : len(old_text) - tail], new_text[head : len(new_text) - tail]
        if not self._runs or (begin == end and not new):
            return
        shift = len(new) - len(old)
        kept: list[Run] = []
        replaced: list[Run] = []
        for start, stop in self._runs:
            if start < begin:
                kept.append((start, min(stop, begin)))
            if stop > end:
                kept.append((max(start, end) + shift, stop + shift))
            if max(start, begin) < min(stop, end):
                replaced.append((max(start, begin), min(stop, end)))
        if replaced and old and new and len(old) * len(new) <= DIFF_LIMIT:
            kept.extend(_matched(replaced, begin, old, new))
        self._runs = _merged(kept)


def _matched(replaced: list[Run], begin: int, old: str, new: str) -> list[Run]:
    """The parts of `replaced` (offsets in the old text) that the edit puts back
    unchanged, at their new offsets."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    found: list[Run] = []
    for i, j, size in matcher.get_matching_blocks():
        if size < MIN_MATCH:
            continue
        low, high = begin + i, begin + i + size
        for start, stop in replaced:
            a, b = max(start, low), min(stop, high)
            if a < b:
                found.append((a - low + begin + j, b - low + begin + j))
    return found


def _merged(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for start, stop in sorted(runs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix; slice comparisons (in C) halve the range each step,
    so a whole-document replace costs O(n log n) character compares, not a Python loop."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    """Length of the common suffix (as `_common_prefix`, from the end)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low
