"""What parses of a candidate that does not: used when every candidate failed the syntax
gate, so a valid start the model wrote is shown rather than nothing.

Whole lines first, longest first: a block whose last line broke off keeps the lines
before it. Then, within the first line, its longest start that ends at a token
boundary (`= s.split() if (` keeps `= s.split()`), never inside a string literal. Each
try is one syntax check of the spliced document; a candidate gets at most `MAX_TRIES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.postprocess import PYTHON_LIKE, skip_pattern
from lsp_codegen.ranking.syntax import SyntaxResult, check_syntax

MAX_TRIES = 24
# A string literal (with its prefix letters) or a comment is one token, and an unclosed one
# runs to the line's end: a cut inside one can leave another literal that parses (the
# first two quotes of a docstring's three are the empty string "").
_TOKEN = {
    python: re.compile(rf"[rRbBuUfF]{{0,2}}(?:{skip_pattern(python)})|\w+|\S")
    for python in (True, False)
}


@dataclass(frozen=True)
class Salvaged:
    """The part of a candidate that parses, its syntax verdict, and what was cut."""

    text: str
    syntax: SyntaxResult
    note: str  # e.g. "kept 2 of 5 lines"


def salvage(text: str, insertion: Insertion) -> Salvaged | None:
    """The longest start of `text` (whole lines, else a token boundary of its first
    line) with which the document parses; None when no start of it does."""
    lines = text.split("\n")
    tries = 0
    for count in range(len(lines) - 1, 0, -1):
        kept = "\n".join(lines[:count]).rstrip()
        if not kept.strip():
            continue
        tries += 1
        if tries > MAX_TRIES:
            return None
        if (result := check_syntax(insertion, kept)).ok:
            return Salvaged(kept, result, f"kept {count} of {len(lines)} lines")
    first = lines[0]
    tokens = _TOKEN[insertion.language.lower() in PYTHON_LIKE]
    ends = [match.end() for match in tokens.finditer(first)]
    for end in reversed(ends[:-1] if len(lines) == 1 else ends):
        kept = first[:end]
        tries += 1
        if tries > MAX_TRIES:
            return None
        if (result := check_syntax(insertion, kept)).ok:
            return Salvaged(kept, result, f"kept {len(kept)} of {len(first)} characters")
    return None
