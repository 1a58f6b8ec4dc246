"""LSP error responses with messages a user can act on."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
CONTENT_MODIFIED = -32801
REQUEST_FAILED = -32803


def invalid_params(message: str) -> JsonRpcException:
    """The request names something that does not exist or is malformed."""
    return JsonRpcException(message, INVALID_PARAMS)


def content_modified(message: str) -> JsonRpcException:
    """The document changed while the request was computed; the result would be stale."""
    return JsonRpcException(message, CONTENT_MODIFIED)


def request_failed(message: str) -> JsonRpcException:
    """The request was valid but could not be answered (model missing, engine failed)."""
    return JsonRpcException(message, REQUEST_FAILED)
