"""textDocument/inlineCompletion: ghost text at the cursor."""

from __future__ import annotations

import time

from lsprotocol import types

from lsp_codegen.context.document import Document
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.as_you_type import suggest
from lsp_codegen.server.command_ids import accepted_command
from lsp_codegen.server.inline_cache import Remainder
from lsp_codegen.server.positions import to_offset, to_position
from lsp_codegen.server.traces import current_trace, traced
from lsp_codegen.server.usage import records_shown


def register(server: CodegenServer) -> None:
    """Register the inline completion provider (with options, so it is advertised)."""

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    @records_shown("inline")
    @traced("inline")
    async def inline_completion(
        ls: CodegenServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        if not ls.settings.inline.enabled:
            current_trace().why_empty = "inline completion is off (`inline.enabled`)"
            return None
        uri = params.text_document.uri
        received = time.monotonic()
        typing = params.context.trigger_kind != types.InlineCompletionTriggerKind.Invoked
        with ls.latest_requests.claim("inline", uri):  # a newer one supersedes it
            document = ls.document(uri)
            offset = to_offset(document, params.position, ls.encoding)
            suggestions = await suggest(ls, document, offset, typing=typing, received=received)
        at = to_position(document, offset, ls.encoding)
        items = inline_items(document, at, suggestions.remainders)
        if (selected := params.context.selected_completion_info) is not None:
            items = _extending(ls, document, offset, selected, items)
        return types.InlineCompletionList(items=items)


def _extending(
    ls: CodegenServer,
    document: Document,
    offset: int,
    selected: types.SelectedCompletionInfo,
    items: list[types.InlineCompletionItem],
) -> list[types.InlineCompletionItem]:
    """The items that extend the completion item selected in the editor's suggest widget,
    replacing its range as it would (LSP 3.18: an editor shows no other ghost text then)."""
    start = min(offset, to_offset(document, selected.range.start, ls.encoding))
    end = max(offset, to_offset(document, selected.range.end, ls.encoding))
    typed = document.text[start:offset]
    spans = types.Range(
        start=to_position(document, start, ls.encoding), end=to_position(document, end, ls.encoding)
    )
    texts = [(item, typed + str(item.insert_text)) for item in items]
    extending = [
        types.InlineCompletionItem(text, range=spans, command=item.command)
        for item, text in texts
        if text.startswith(selected.text)
    ]
    if items and not extending:
        current_trace().why_empty = (
            f"no candidate extends {selected.text!r}, selected in the suggestion list"
        )
    return extending


def inline_items(
    document: Document, at: types.Position, remainders: list[Remainder]
) -> list[types.InlineCompletionItem]:
    """One item per suggestion, best first, inserted at the cursor `at`."""
    return [
        types.InlineCompletionItem(
            insert_text=remainder.text,
            range=types.Range(start=at, end=at),
            command=accepted_command(document.uri, document.version, remainder.candidate.index),
        )
        for remainder in remainders
    ]
