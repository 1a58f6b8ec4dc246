"""textDocument/completion: the same candidates as completion items.

Answered like ghost text (see `as_you_type`): an editor that asks for completion
items on each identifier typed, beside inline completion, shares its generation.
"""

from __future__ import annotations

import re
import time

from lsprotocol import types

from lsp_codegen.context.document import Document
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.as_you_type import model_name, suggest
from lsp_codegen.server.command_ids import accepted_command
from lsp_codegen.server.inline_cache import Remainder
from lsp_codegen.server.positions import to_offset, to_position
from lsp_codegen.server.traces import traced
from lsp_codegen.server.usage import records_shown

_LABEL_LENGTH = 60
_WORD_BEFORE = re.compile(r"\w*\Z")


def register(server: CodegenServer) -> None:
    """Register the completion provider."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions())
    @records_shown("completion")
    @traced("completion")
    async def completion(ls: CodegenServer, params: types.CompletionParams) -> types.CompletionList:
        uri, received = params.text_document.uri, time.monotonic()
        # The trigger kind does not tell a keystroke from Ctrl+Space (VS Code's quick
        # suggestions are "invoked"); a recent edit does.
        typing = ls.rhythm.typing(uri)
        with ls.latest_requests.claim("completion", uri):  # a newer one supersedes it
            document = ls.document(uri)
            offset = to_offset(document, params.position, ls.encoding)
            suggestions = await suggest(ls, document, offset, typing=typing, received=received)
        at = to_position(document, offset, ls.encoding)
        word = _WORD_BEFORE.search(document.text[max(0, offset - _LABEL_LENGTH) : offset])
        typed = word.group() if word is not None else ""
        items = completion_items(document, at, suggestions.remainders, model_name(ls), typed)
        # Incomplete: typing more must ask again, the candidates depend on the text.
        return types.CompletionList(is_incomplete=True, items=items)


def completion_items(
    document: Document, at: types.Position, remainders: list[Remainder], model: str, typed: str
) -> list[types.CompletionItem]:
    """Label = the first line as it will read (`typed`: the word before the cursor, which
    the edit keeps), what is left of the candidate in the edit at the cursor `at`,
    evidence in `detail`."""
    items = []
    for rank, remainder in enumerate(remainders):
        candidate, here = remainder.candidate, types.Range(start=at, end=at)
        items.append(
            types.CompletionItem(
                label=_label(typed + remainder.text),
                kind=types.CompletionItemKind.Snippet,
                detail=f"{model} · {candidate.title()}",
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=f"```{document.language_id}\n{candidate.text}\n```",
                ),
                sort_text=f"{rank:04d}",
                insert_text_format=types.InsertTextFormat.PlainText,
                text_edit=types.TextEdit(range=here, new_text=remainder.text),
                command=accepted_command(document.uri, document.version, candidate.index),
            )
        )
    return items


def _label(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), text.strip())
    return first if len(first) <= _LABEL_LENGTH else first[: _LABEL_LENGTH - 1] + "…"
