"""pygls' LSP protocol, made to answer requests whose params do not fit the schema.

pygls 2.1.1 logs such a request and sends nothing back, so the client waits
forever. Here the request gets an InvalidParams error naming the bad field.
"""

from __future__ import annotations

from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification

from lsp_codegen.server.errors import INVALID_PARAMS

# A notification nobody handles: what the request turns into once it is answered.
_ANSWERED = "$/lsp-codegen/answeredInvalidRequest"
_MESSAGE_LIMIT = 400


class CodegenProtocol(LanguageServerProtocol):
    """Answers schema-invalid requests with -32602 instead of leaving them unanswered."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Deserialize a message; a request with invalid params is answered here."""
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams as error:
            if "id" not in data or "method" not in data:
                raise
            message = f"invalid params for {data['method']}: {_describe(error.__cause__)}"
            self._send_response(
                data["id"],
                error=types.ResponseError(code=INVALID_PARAMS, message=message[:_MESSAGE_LIMIT]),
            )
            return JsonRPCNotification(method=_ANSWERED, params=None, jsonrpc="2.0")


def _describe(cause: BaseException | None) -> str:
    """Which fields were wrong, as cattrs reports them (e.g. "... @ $.position.line")."""
    if isinstance(cause, cattrs.ClassValidationError | cattrs.IterableValidationError):
        return "; ".join(cattrs.transform_error(cause))
    return str(cause) if cause else "the params do not match the LSP schema"
