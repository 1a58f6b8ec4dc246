"""workspace/executeCommand: acceptances, engine status, document state, generate-and-apply."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from lsprotocol import types

from lsp_codegen.config import to_wire
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.comment import comment_edit, listed_candidates
from lsp_codegen.server.command_ids import (
    ACCEPTED,
    COMMENT_CANDIDATES,
    DOCUMENT_STATE,
    ENGINE_STATUS,
    GENERATE_FROM_COMMENT,
    PARTIALLY_ACCEPTED,
)
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.stats.acceptance import Acceptance, BadAcceptance, parse_acceptance

log = logging.getLogger(__name__)


def register(server: CodegenServer) -> None:
    """Register the server's commands (advertised in executeCommandProvider)."""

    @server.command(ACCEPTED)
    def accepted(ls: CodegenServer, *arguments: Any) -> None:
        # Local only: a statistics record (language, candidate index, kind), never sent
        # anywhere; the accepted text is then followed for retention (server/retention.py).
        acceptance = _acceptance(ACCEPTED, arguments, partial=False)
        ls.usage.accepted(acceptance, ls.retention.accepted(acceptance))

    @server.command(PARTIALLY_ACCEPTED)
    def partially_accepted(ls: CodegenServer, *arguments: Any) -> None:
        ls.usage.partially_accepted(_acceptance(PARTIALLY_ACCEPTED, arguments, partial=True))

    @server.command(ENGINE_STATUS)
    def engine_status(ls: CodegenServer, *arguments: Any) -> dict[str, object]:
        engine = ls.models.current()
        status: dict[str, object] = {
            "ready": engine is not None,
            "error": ls.models.error,
            "settings": to_wire(ls.settings),
            "typeThrough": {
                "hits": ls.shown.hits,
                "misses": ls.shown.misses,
                "streaming": ls.pending.counters.joined_streaming,
            },
            "speculative": {
                "started": ls.pending.counters.speculative_started,
                "used": ls.pending.counters.speculative_used,
                "stopped": ls.pending.counters.speculative_stopped,
            },
        }
        if engine is not None:
            info = engine.info()
            status.update(model=info.model, device=info.device, fim=info.fim)
            status.update(engine.stats.as_dict())
        return status

    @server.command(DOCUMENT_STATE)
    def document_state(ls: CodegenServer, *arguments: Any) -> dict[str, object]:
        # What the server holds for a document, to check that client and server agree.
        uri = arguments[0] if arguments else None
        if not isinstance(uri, str):
            raise invalid_params(f"{DOCUMENT_STATE} takes a document URI")
        document = ls.document(uri)
        return {
            "uri": uri,
            "version": document.version,
            "length": len(document.text),
            "sha256": hashlib.sha256(document.text.encode("utf-8", "surrogatepass")).hexdigest(),
        }

    @server.command(GENERATE_FROM_COMMENT)
    async def generate_from_comment(ls: CodegenServer, *arguments: Any) -> bool:
        edit = await comment_edit(ls, arguments[0] if arguments else None)
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label="Generate code from comment")
        )
        return bool(response.applied)

    @server.command(COMMENT_CANDIDATES)
    async def comment_candidates(ls: CodegenServer, *arguments: Any) -> list[types.CodeAction]:
        # "Show candidates": the list a second Ctrl+. shows, for a client that cannot
        # wait in its code-action menu (it waits here, with the generation's progress).
        return await listed_candidates(ls, arguments[0] if arguments else None)


def _acceptance(command: str, arguments: tuple[Any, ...], *, partial: bool) -> Acceptance:
    try:
        return parse_acceptance(arguments, partial=partial)
    except BadAcceptance as error:
        raise invalid_params(f"{command}: {error}") from error
