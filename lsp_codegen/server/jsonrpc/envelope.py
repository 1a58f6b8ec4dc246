"""The JSON-RPC 2.0 envelope of a decoded message: is it a request, notification or response?"""

from __future__ import annotations

MessageId = int | str


def envelope_problem(data: object) -> str | None:
    """Why `data` is not a valid JSON-RPC 2.0 message, or None when it is one."""
    if isinstance(data, list):
        return "batch messages are not part of LSP; send one message per frame"
    if not isinstance(data, dict):
        return f"a message must be a JSON object, not {type(data).__name__}"
    if data.get("jsonrpc") != "2.0":
        return 'the message must carry "jsonrpc": "2.0"'
    if "id" in data and message_id(data) is None and "method" in data:
        return "a request id must be an integer or a string"
    if "method" in data:
        return _method_problem(data)
    if "id" not in data:
        return "a message needs a method (request or notification) or an id (response)"
    if "result" not in data and "error" not in data:
        return "a response needs a result or an error"
    return None


def message_id(data: object) -> MessageId | None:
    """The message's id when it is a usable one (an int or a string), else None."""
    if not isinstance(data, dict):
        return None
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return value


def _method_problem(data: dict[object, object]) -> str | None:
    if not isinstance(data["method"], str):
        return "the method must be a string"
    params = data.get("params")
    if "params" in data and params is not None and not isinstance(params, dict | list):
        return "params must be an object or an array"
    return None
