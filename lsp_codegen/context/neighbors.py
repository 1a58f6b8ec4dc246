"""Context from other open documents: a few snippets placed before the current file.

A snippet is a comment header naming the file (in the current document's comment
syntax) and the lines around that document's last edit, or its head when it was
not edited. Documents of the current language come first, then by recency. The
current document is never a source, so typing in it leaves the snippets — and the
start of the prompt, which a KV cache reuses — unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlparse

from lsp_codegen.context.document import Document, DocumentStore
from lsp_codegen.context.languages import comment_syntax

LINES_BEFORE_EDIT = 15  # a snippet starts this many lines above the last edit
SNIPPET_LINES = 40  # and holds at most this many lines (the prompt budget cuts further)

EditedLine = Callable[[str], "int | None"]


def other_file_snippets(store: DocumentStore, current: Document, max_files: int) -> list[str]:
    """Snippets from the documents open in `store` other than `current`, best first."""
    return choose_snippets(current, store.recent(), store.edited_line, max_files)


def choose_snippets(
    current: Document, recent: Sequence[Document], edited_line: EditedLine, max_files: int
) -> list[str]:
    """Up to `max_files` snippets from `recent` (most recent first), same language first.

    Empty documents and snippets whose code repeats one already chosen (the same
    file open twice) are skipped.
    """
    others = [d for d in recent if d.uri != current.uri and d.text.strip()]
    # A stable sort: within each group the recency order is kept.
    others.sort(key=lambda d: d.language_id != current.language_id)
    chosen: list[str] = []
    bodies: set[str] = set()
    for document in others:
        if len(chosen) >= max_files:
            break
        body = snippet_body(document, edited_line(document.uri))
        if body.strip() and body not in bodies:
            bodies.add(body)
            chosen.append(file_header(document.uri, current.language_id) + body)
    return chosen


def snippet_body(document: Document, edited_line: int | None) -> str:
    """Up to SNIPPET_LINES whole lines around `edited_line` (None: from the top)."""
    index = document.line_index
    last = index.line_count - 1
    first = 0 if edited_line is None else max(0, min(edited_line, last) - LINES_BEFORE_EDIT)
    end_line = min(first + SNIPPET_LINES, last + 1)
    end = index.line_start(end_line) if end_line <= last else len(document.text)
    body = document.text[index.line_start(first) : end]
    return body if body.endswith(("\n", "\r")) else body + "\n"


def file_header(uri: str, language_id: str) -> str:
    """`# File: utils.py` (one line) in the comment syntax of `language_id`."""
    name = unquote(urlparse(uri).path).rsplit("/", 1)[-1] or uri
    syntax = comment_syntax(language_id)
    if syntax.line_markers:
        return f"{syntax.line_markers[0]} File: {name}\n"
    if syntax.block is not None:
        return f"{syntax.block[0]} File: {name} {syntax.block[1]}\n"
    return f"File: {name}\n"
