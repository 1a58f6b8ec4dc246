"""lsp-codegen.explainPrompt: the exact prompt the server would send the model at a position.

For users checking what context a suggestion is based on (which other files,
how much of this one): no generation runs, the model is only asked to count tokens.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.pipeline import prepare_prompt
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.command_ids import EXPLAIN_PROMPT
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.server.generation import other_files_context, same_language_texts
from lsp_codegen.server.positions import to_offset


def register(server: CodegenServer) -> None:
    """Register the explainPrompt command."""

    @server.command(EXPLAIN_PROMPT)
    async def explain_prompt(ls: CodegenServer, *arguments: Any) -> dict[str, object]:
        uri, position = _target(arguments)
        document = ls.document(uri)
        offset = to_offset(document, position, ls.encoding)
        insertion = locate_insertion(
            document.text, offset, document.language_id, document.line_index
        )
        engine = await ls.models.engine()
        extra = other_files_context(ls, document)
        sources = same_language_texts(ls, document)
        prompt = prepare_prompt(engine, insertion, ls.settings, extra, sources)
        return {
            "version": document.version,
            "prompt": prompt.text,
            "otherFiles": prompt.extra,
            "fileHeader": prompt.header,
            "fim": prompt.fim,
            "mode": insertion.mode.value,
            "tokens": engine.tokenizer.count(prompt.text),
            "contextTokens": ls.settings.context_tokens,
        }


def _target(arguments: tuple[Any, ...]) -> tuple[str, types.Position]:
    """`[{textDocument: {uri}, position: {line, character}}]`, as in a position request."""
    usage = f"{EXPLAIN_PROMPT} takes {{textDocument: {{uri}}, position: {{line, character}}}}"
    data = arguments[0] if len(arguments) == 1 else None
    if not isinstance(data, dict):
        raise invalid_params(usage)
    document, position = data.get("textDocument"), data.get("position")
    uri = document.get("uri") if isinstance(document, dict) else None
    if not isinstance(uri, str) or not isinstance(position, dict):
        raise invalid_params(usage)
    return uri, types.Position(
        line=_natural(position.get("line"), usage),
        character=_natural(position.get("character"), usage),
    )


def _natural(value: object, usage: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid_params(f"{usage}: line and character are integers ≥ 0, got {value!r}")
    return value
