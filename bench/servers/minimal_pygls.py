"""The smallest pygls server answering textDocument/inlineCompletion: the baseline for overhead."""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("minimal", "1.0")


@server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
def inline(ls: LanguageServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """The same one-line answer the instant engine gives."""
    at = types.Range(start=params.position, end=params.position)
    return types.InlineCompletionList(
        items=[
            types.InlineCompletionItem(insert_text="average = sum(values) / len(values)", range=at)
        ]
    )


if __name__ == "__main__":
    server.start_io()
