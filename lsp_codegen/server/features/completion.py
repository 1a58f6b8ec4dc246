"""textDocument/completion: the same candidates as completion items."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.command_ids import accepted_command
from lsp_codegen.server.generation import generate_at
from lsp_codegen.server.positions import to_position
from lsp_codegen.server.results import Generated
from lsp_codegen.server.traces import current_trace, traced
from lsp_codegen.server.usage import records_shown
from lsp_codegen.stages import StageLog

_LABEL_LENGTH = 60


def register(server: CodegenServer) -> None:
    """Register the completion provider."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions())
    @records_shown("completion")
    @traced("completion")
    async def completion(ls: CodegenServer, params: types.CompletionParams) -> types.CompletionList:
        uri, trace = params.text_document.uri, current_trace()
        with ls.latest_requests.claim("completion", uri):  # a newer one supersedes it
            trace.generation = StageLog()
            generated = await generate_at(ls, uri, params.position, trace.generation)
        if generated is None:
            trace.why_empty = "the document changed while the candidates were written"
        else:
            trace.use(generated.result)
        items = [] if generated is None else completion_items(ls, generated)
        # Incomplete: typing more must ask again, the candidates depend on the text.
        return types.CompletionList(is_incomplete=True, items=items)


def completion_items(ls: CodegenServer, generated: Generated) -> list[types.CompletionItem]:
    """Label = first line, full text in the edit, evidence in `detail`."""
    document, insertion = generated.document, generated.insertion
    at = to_position(document, insertion.offset, ls.encoding)
    items = []
    for rank, candidate in enumerate(generated.result.candidates):
        text = insertion.leading + candidate.text
        items.append(
            types.CompletionItem(
                label=_label(candidate.text),
                kind=types.CompletionItemKind.Snippet,
                detail=f"{generated.result.model} · {candidate.title()}",
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=f"```{document.language_id}\n{candidate.text}\n```",
                ),
                sort_text=f"{rank:04d}",
                insert_text_format=types.InsertTextFormat.PlainText,
                text_edit=types.TextEdit(range=types.Range(start=at, end=at), new_text=text),
                command=accepted_command(document.uri, document.version, candidate.index),
            )
        )
    return items


def _label(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), text.strip())
    return first if len(first) <= _LABEL_LENGTH else first[: _LABEL_LENGTH - 1] + "…"
