"""When no candidate passes the examples the user wrote: the words for the action's
title, and the comment line that marks an inserted attempt (never a silent failing
insert)."""

from __future__ import annotations

from collections.abc import Sequence

from lsp_codegen.context.languages import comment_syntax
from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.score import RankedCandidate


def unmet_examples(candidates: Sequence[RankedCandidate]) -> int | None:
    """How many examples the user wrote when candidates ran on them and none passed
    every one; None when one passes, or when the examples were not run."""
    results = [candidate.examples_passed() for candidate in candidates]
    if not results or any(result is None for result in results):
        return None
    counts = [result for result in results if result is not None]
    if any(passed == total for passed, total in counts):
        return None
    return max(total for _, total in counts)


def unmet_title(total: int) -> str:
    """ "no candidate passes your 1 example", for the end of an action's title."""
    return f"no candidate passes your {total} example" + ("" if total == 1 else "s")


def inserted_text(candidate: RankedCandidate, insertion: Insertion, *, mark: bool) -> str:
    """What inserting `candidate` writes. With `mark`, a candidate that fails examples the
    user wrote gets a comment line above it, which the user can delete
    ("# lsp-codegen: fails product([2, 3]) == 6: got 0"); only where the code starts a
    line of its own and the language has line comments."""
    text = insertion.leading + candidate.text + "\n"
    note = _failure_note(candidate) if mark else None
    markers = comment_syntax(insertion.language).line_markers
    pad = _line_start_pad(insertion)
    if note is None or not markers or pad is None:
        return text
    first_line = candidate.text.split("\n", 1)[0]
    indent = first_line[: len(first_line) - len(first_line.lstrip())]
    marker = f"{indent}{markers[0]} lsp-codegen: fails {note}\n{pad}"
    return insertion.leading + marker + candidate.text + "\n"


def _failure_note(candidate: RankedCandidate) -> str | None:
    result = candidate.examples_passed()
    if result is None or result[0] == result[1]:
        return None
    failures = candidate.failures()
    if not failures:
        return f"{result[1] - result[0]} of your {result[1]} examples"
    more = result[1] - result[0] - 1
    return " ".join(failures[0].split()) + (f" (and {more} more)" if more > 0 else "")


def _line_start_pad(insertion: Insertion) -> str | None:
    """The indentation `leading` ends with when the code starts a line of its own
    (so a line can go above it); None when it goes mid-line."""
    if insertion.mode is not Mode.BLOCK:
        return None
    leading = insertion.leading
    if "\n" in leading:
        pad = leading[leading.rindex("\n") + 1 :]
    elif not insertion.prefix or insertion.prefix.endswith("\n"):
        pad = leading
    else:
        return None
    return pad if not pad.strip() else None
