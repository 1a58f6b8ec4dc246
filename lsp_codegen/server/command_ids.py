"""Every workspace/executeCommand id the server registers, in one place: features
name each other's commands through here, never by importing each other."""

from __future__ import annotations

from lsprotocol import types

ACCEPTED = "lsp-codegen.accepted"
PARTIALLY_ACCEPTED = "lsp-codegen.partiallyAccepted"
ENGINE_STATUS = "lsp-codegen.engineStatus"
DOCUMENT_STATE = "lsp-codegen.documentState"
GENERATE_FROM_COMMENT = "lsp-codegen.generateFromComment"
COMMENT_CANDIDATES = "lsp-codegen.commentCandidates"
FUNCTION_ACTION = "lsp-codegen.functionAction"
RUN_SELECTION = "lsp-codegen.runSelection"
EXPLAIN_PROMPT = "lsp-codegen.explainPrompt"
LAST_COMPLETION = "lsp-codegen.lastCompletion"


def accepted_command(uri: str, version: int, index: int) -> types.Command:
    """Sent by the client when the user accepts an item: carries the version it was for."""
    return types.Command(
        title="lsp-codegen: accepted",
        command=ACCEPTED,
        arguments=[{"uri": uri, "version": version, "candidate": index}],
    )
