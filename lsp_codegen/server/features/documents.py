"""Keeping our own copy of every open document (exact LSP line and encoding rules)."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.server.app import CodegenServer


def register(server: CodegenServer) -> None:
    """Register document synchronisation handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CodegenServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.documents.open(item.uri, item.language_id, item.version, item.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CodegenServer, params: types.DidChangeTextDocumentParams) -> None:
        changes = [_change(c) for c in params.content_changes]
        uri = params.text_document.uri
        before = ls.documents.get(uri)
        after = ls.documents.change(uri, params.text_document.version, changes, ls.encoding)
        if before is not None and after is not None:
            ls.retention.changed(before, after, changes, ls.encoding)  # accepted text followed
        ls.rhythm.keystroke(uri)
        ls.comment_runs.document_changed(uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CodegenServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.retention.closed(params.text_document.uri)
        ls.documents.close(params.text_document.uri)
        ls.latest_requests.cancel(params.text_document.uri)
        ls.shown.forget(params.text_document.uri)
        ls.pending.drop(params.text_document.uri)
        ls.rhythm.forget(params.text_document.uri)
        ls.comment_runs.document_changed(params.text_document.uri, None)


def _change(
    change: types.TextDocumentContentChangeEvent,
) -> tuple[tuple[tuple[int, int], tuple[int, int]] | None, str]:
    if isinstance(change, types.TextDocumentContentChangePartial):
        start, end = change.range.start, change.range.end
        return ((start.line, start.character), (end.line, end.character)), change.text
    return None, change.text
