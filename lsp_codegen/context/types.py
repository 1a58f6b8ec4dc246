"""Plain data passed from the document model to prompt building and ranking."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Mode(enum.Enum):
    """How much text a completion may produce at the insertion point."""

    LINE = "line"  # rest of the current line only
    BLOCK = "block"  # one or more whole lines (a body, a statement, a function)


@dataclass(frozen=True)
class CommentPrompt:
    """A comment block that asks for code, and where that code goes.

    Line numbers are 0-based indices into the document's lines.
    """

    text: str  # the comment's words, markers stripped, lines joined by "\n"
    first_line: int  # first line of the comment block (or docstring)
    last_line: int  # last line of the comment block (or docstring)
    insert_line: int  # code is inserted at the start of this line
    indent: str  # indentation the inserted code starts with
    header_line: int | None = None  # a `def`/function header the code completes, if any


@dataclass(frozen=True)
class Insertion:
    """Where generated text goes and what surrounds it (offsets are str indices)."""

    offset: int  # insertion offset into the document text
    mode: Mode
    indent: str  # indentation of the block being written (BLOCK mode)
    prefix: str  # document text before the insertion point (whole, not budgeted)
    suffix: str  # document text after the insertion point (whole, not budgeted)
    language: str  # LSP languageId
    comment: CommentPrompt | None = None
    leading: str = ""  # text the generated code must start with (e.g. "\n" after `def f():`)


@dataclass(frozen=True)
class Prompt:
    """The text sent to a model, and what is needed to interpret its output."""

    text: str  # the exact prompt string (FIM-formatted when fim is True)
    prefix: str  # budgeted prefix that the prompt contains
    suffix: str  # budgeted suffix that the prompt contains ("" when not FIM)
    fim: bool
    insertion: Insertion
    stop: tuple[str, ...] = field(default_factory=tuple)  # literal stop strings
    extra: str = ""  # context from other files, placed before `prefix` in `text`
    restated: str = ""  # after the cursor in `text` only: the comment as a docstring
    header: str = ""  # right before `prefix` in `text`: imports and definitions it cut off
