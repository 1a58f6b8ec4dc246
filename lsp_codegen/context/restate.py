"""A prompt form: the `#` comment above an empty Python function restated as its docstring.

A model trained on source code has seen far more bodies under a docstring than under a
comment above the `def`, so the prompt gets the comment's words again as the docstring,
after the cursor, and the model writes the body that follows it. Only the prompt
changes: the candidate goes where the cursor is and the user's text stays as written.
"""

from __future__ import annotations

from lsp_codegen.context.functions import DEF_LINE
from lsp_codegen.context.types import Insertion

_QUOTES = ('"""', "'''")


def docstring_restatement(insertion: Insertion) -> str:
    """The text to append to the prompt after `insertion.leading`: the comment above the
    function as its docstring, then a line break and the body's indentation; "" unless
    the cursor starts the empty body of a Python `def` that has a `#` comment above it."""
    comment = insertion.comment
    if insertion.language != "python" or comment is None or comment.header_line is None:
        return ""
    if comment.first_line >= comment.header_line or not comment.text.strip():
        return ""
    before = insertion.prefix + insertion.leading
    lines = before.splitlines()
    if not _starts_empty_body(before, lines, comment.header_line, insertion.indent):
        return ""
    if not lines[comment.first_line].lstrip().startswith("#"):
        return ""
    quotes = next((q for q in _QUOTES if q not in comment.text), None)
    if quotes is None or comment.text.endswith(quotes[0]) or comment.text.endswith("\\"):
        return ""
    newline = "\r\n" if "\r\n" in before else "\n"
    indent = insertion.indent
    body = (newline + indent).join(line.rstrip() for line in comment.text.split("\n"))
    return f"{quotes}{body}{quotes}{newline}{indent}"


def _starts_empty_body(before: str, lines: list[str], header_line: int, indent: str) -> bool:
    """The text before the cursor ends with a line of `indent` alone, and every line
    between the `def` header and it is the header's own (a long signature) or blank."""
    if not indent or not before.endswith(indent) or len(lines) <= header_line + 1:
        return False
    if lines[-1] != indent or not DEF_LINE.match(lines[header_line]):
        return False
    header_end = next(
        (i for i in range(header_line, len(lines) - 1) if lines[i].rstrip().endswith(":")), None
    )
    if header_end is None:
        return False
    return all(not line.strip() for line in lines[header_end + 1 : -1])
