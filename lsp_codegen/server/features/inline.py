"""textDocument/inlineCompletion: ghost text at the cursor."""

from __future__ import annotations

import asyncio
import time

from lsprotocol import types

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.features.commands import ACCEPTED
from lsp_codegen.server.generation import run_generation
from lsp_codegen.server.positions import to_offset, to_position
from lsp_codegen.server.results import Generated
from lsp_codegen.server.usage import records_shown


def register(server: CodegenServer) -> None:
    """Register the inline completion provider (with options, so it is advertised)."""

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    @records_shown("inline")
    async def inline_completion(
        ls: CodegenServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        if not ls.settings.inline.enabled:
            return None
        uri = params.text_document.uri
        with ls.latest_requests.claim("inline", uri):
            typed_into = _type_through(ls, uri, params.position)
            if typed_into:
                return types.InlineCompletionList(items=typed_into)
            if params.context.trigger_kind != types.InlineCompletionTriggerKind.Invoked:
                await asyncio.sleep(ls.rhythm.delay(uri))  # a newer request cancels this one
            started = time.monotonic()
            generated = await generate_at(ls, uri, params.position)
            ls.rhythm.answered(time.monotonic() - started)
        if generated is None:
            return types.InlineCompletionList(items=[])
        ls.shown.remember(generated)
        return types.InlineCompletionList(items=inline_items(ls, generated))


def _type_through(
    ls: CodegenServer, uri: str, position: types.Position
) -> list[types.InlineCompletionItem]:
    """Items for the rest of the shown suggestion the user is typing, without generating."""
    document = ls.document(uri)
    remainders = ls.shown.type_through(document, to_offset(document, position, ls.encoding))
    at = types.Range(start=position, end=position)
    return [
        types.InlineCompletionItem(
            insert_text=remainder.text,
            range=at,
            command=accepted_command(uri, document.version, remainder.candidate.index),
        )
        for remainder in remainders
    ]


async def generate_at(ls: CodegenServer, uri: str, position: types.Position) -> Generated | None:
    """Run the pipeline at a cursor position of an open document."""
    document = ls.document(uri)
    offset = to_offset(document, position, ls.encoding)
    insertion = locate_insertion(document.text, offset, document.language_id, document.line_index)
    return await run_generation(ls, document, insertion)


def inline_items(ls: CodegenServer, generated: Generated) -> list[types.InlineCompletionItem]:
    """One item per ranked candidate, best first, inserted at the cursor."""
    document, insertion = generated.document, generated.insertion
    at = to_position(document, insertion.offset, ls.encoding)
    return [
        types.InlineCompletionItem(
            insert_text=insertion.leading + candidate.text,
            range=types.Range(start=at, end=at),
            command=accepted_command(document.uri, document.version, candidate.index),
        )
        for candidate in generated.result.candidates
    ]


def accepted_command(uri: str, version: int, index: int) -> types.Command:
    """Sent by the client when the user accepts an item: carries the version it was for."""
    return types.Command(
        title="lsp-codegen: accepted",
        command=ACCEPTED,
        arguments=[{"uri": uri, "version": version, "candidate": index}],
    )
