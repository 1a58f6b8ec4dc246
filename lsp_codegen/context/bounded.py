"""An insertion cut down to the text around it, so checks on a huge document stay cheap.

Ranking parses the document with each candidate spliced in; on a 10 MB file
that is seconds per parse (CPython's compile is worse than linear). Checks only
need the top-level statements near the insertion, so the prefix and suffix are
cut at top-level lines about `limit` characters away. Each cut line becomes an
empty line, so line numbers in error messages stay those of the document.
"""

from __future__ import annotations

import dataclasses
import re

from lsp_codegen.context.types import Insertion

RANKING_WINDOW_CHARS = 64 * 1024
# A line break followed by a line that starts at column 0 with code (not a
# comment, not a closing bracket): a likely top-level statement boundary.
_TOP_LEVEL = re.compile(r"(?:\r\n|\r|\n)(?=[^\s#)\]}])")


def bounded_insertion(insertion: Insertion, limit: int = RANKING_WINDOW_CHARS) -> Insertion:
    """`insertion` with at most about `limit` characters of prefix and of suffix."""
    prefix = _keep_tail(insertion.prefix, limit)
    suffix = _keep_head(insertion.suffix, limit)
    if prefix is insertion.prefix and suffix is insertion.suffix:
        return insertion
    return dataclasses.replace(insertion, prefix=prefix, suffix=suffix)


def _keep_tail(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    boundary = _TOP_LEVEL.search(text, len(text) - limit)
    if boundary is None:
        return text  # no statement boundary near the end: keep it whole
    start = boundary.end()
    return "\n" * _line_breaks(text, start) + text[start:]


def _keep_head(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    end = None
    for boundary in _TOP_LEVEL.finditer(text, limit, min(len(text), 2 * limit)):
        end = boundary.start()
        break
    return text if end is None else text[:end]


def _line_breaks(text: str, end: int) -> int:
    """Number of line breaks (LF, CRLF or a lone CR) in text[:end]."""
    return text.count("\n", 0, end) + text.count("\r", 0, end) - text.count("\r\n", 0, end)
