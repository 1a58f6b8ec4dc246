"""pygls' LSP protocol, made to answer every request, whatever the client sends.

pygls 2.1.1 leaves several requests unanswered (the client waits forever):
params that do not fit the schema, malformed JSON, a message that is not a
JSON-RPC object, and any request after shutdown. Here each gets its JSON-RPC
error. It also keeps no second copy of every open document (pygls' workspace
re-splits the whole text on each change); the server's DocumentStore is the copy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification
from pygls.protocol.language_server import lsp_method

from lsp_codegen.server.errors import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    SERVER_NOT_INITIALIZED,
)
from lsp_codegen.server.jsonrpc.envelope import MessageId, envelope_problem, message_id

log = logging.getLogger(__name__)

# A notification nobody handles: what the request turns into once it is answered.
_ANSWERED = "$/lsp-codegen/answeredInvalidRequest"
_MESSAGE_LIMIT = 400
_BEFORE_INITIALIZE = {types.INITIALIZE, types.EXIT}


class CodegenProtocol(LanguageServerProtocol):
    """Answers malformed and out-of-order requests with the right JSON-RPC error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_received = False

    def receive(self, body: bytes) -> None:
        """Decode one message body and dispatch it; a malformed one is answered with its error."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:
            self.send_error(None, PARSE_ERROR, f"parse error: {_reason(error)}")
            return
        problem = envelope_problem(data)
        if problem is not None:
            self.send_error(message_id(data), INVALID_REQUEST, f"invalid request: {problem}")
            return
        refusal = self._refusal(data.get("method"))
        if refusal is not None:
            self._refuse(data, *refusal)
            return
        if data.get("method") == types.INITIALIZE:
            self._initialize_received = True
        try:
            message = self.structure_message(data)
        except JsonRpcException as error:
            self._answer_structure_error(data, error)
            return
        self.handle_message(message)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Deserialize a message; a request with invalid params is answered here."""
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams as error:
            if "id" not in data or "method" not in data:
                raise
            message = f"invalid params for {data['method']}: {_describe(error.__cause__)}"
            self.send_error(data["id"], INVALID_PARAMS, message)
            return JsonRPCNotification(method=_ANSWERED, params=None, jsonrpc="2.0")

    def _refuse(self, data: dict[str, Any], code: int, message: str) -> None:
        if "id" in data:
            self.send_error(message_id(data), code, message)
        else:
            log.warning("dropped notification %s: %s", data["method"], message)

    def send_error(self, msg_id: MessageId | None, code: int, message: str) -> None:
        """Send an error response; `msg_id` None is JSON-RPC's `"id": null`."""
        log.error("answering %s with %d: %s", msg_id, code, message[:_MESSAGE_LIMIT])
        error = {"code": code, "message": message[:_MESSAGE_LIMIT]}
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})

    def _refusal(self, method: str | None) -> tuple[int, str] | None:
        if method is None or method == types.EXIT:
            return None
        if self._shutdown:
            return INVALID_REQUEST, f"{method} after shutdown: only exit is accepted now"
        if method == types.INITIALIZE and self._initialize_received:
            return INVALID_REQUEST, "initialize may be sent only once"
        if not self._initialize_received and method not in _BEFORE_INITIALIZE:
            return SERVER_NOT_INITIALIZED, f"{method} before initialize"
        return None

    def _answer_structure_error(self, data: dict[str, Any], error: JsonRpcException) -> None:
        if "method" in data and "id" in data:
            self.send_error(data["id"], error.code, error.message or "malformed message")
        else:
            log.error("dropped malformed message %s: %s", data.get("method"), error)

    # pygls would also keep its own copy of each document, updated by splitting the
    # whole text on every change: O(size) per keystroke for nothing we read.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: Any) -> Generator[Any, Any, None]:
        """Hand didOpen to the server's handler only."""
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: Any) -> Generator[Any, Any, None]:
        """Hand didChange to the server's handler only."""
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: Any) -> Generator[Any, Any, None]:
        """Hand didClose to the server's handler only."""
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None


def _describe(cause: BaseException | None) -> str:
    """Which fields were wrong, as cattrs reports them (e.g. "... @ $.position.line")."""
    if isinstance(cause, cattrs.ClassValidationError | cattrs.IterableValidationError):
        return "; ".join(cattrs.transform_error(cause))
    return str(cause) if cause else "the params do not match the LSP schema"


def _reason(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "the JSON is nested too deeply"
    if isinstance(error, UnicodeDecodeError):
        return "the body is not valid UTF-8"
    return str(error)
