"""Bytes on the server's stdin: what a typed client cannot even send gets the right answer."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.lsp.raw_client import RawServer, frame

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
EXIT_DESYNCHRONISED = 3


@pytest.fixture
def bare() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


@pytest.fixture
def raw(bare: RawServer) -> RawServer:
    bare.initialize()
    return bare


def test_schema_invalid_params_get_invalid_params_naming_the_field(raw: RawServer) -> None:
    params = {
        "textDocument": {"uri": "file:///p.py"},
        "position": {"line": "first", "character": 0},
        "context": {"triggerKind": 1},
    }
    answer = raw.request("textDocument/inlineCompletion", params, timeout=1.0)
    assert answer["error"]["code"] == INVALID_PARAMS
    assert "position" in answer["error"]["message"]
    assert "ready" in raw.alive_check()["result"]


@pytest.mark.parametrize(
    "body",
    [b'{"jsonrpc": "2.0", "id": 7, "method": ', b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000],
    ids=["truncated", "not-utf8", "nested-too-deep"],
)
def test_malformed_json_is_a_parse_error_and_reading_goes_on(raw: RawServer, body: bytes) -> None:
    raw.send_bytes(frame(body))
    error = raw.anonymous_error(timeout=1.0)
    assert error is not None and error["error"]["code"] == PARSE_ERROR
    assert raw.alive_check()["result"]


@pytest.mark.parametrize(
    ("message", "expected_id"),
    [
        ([{"jsonrpc": "2.0", "id": 5, "method": "shutdown"}], None),
        (42, None),
        ({"id": 5, "method": "shutdown"}, 5),
        ({"jsonrpc": "2.0", "id": 5, "method": 17}, 5),
        ({"jsonrpc": "2.0", "id": 5, "method": "shutdown", "params": "x"}, 5),
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}, None),
    ],
    ids=["batch", "number", "no-jsonrpc", "method-not-string", "params-string", "id-object"],
)
def test_a_message_that_is_not_json_rpc_is_an_invalid_request(
    raw: RawServer, message: object, expected_id: object
) -> None:
    raw.send_bytes(frame(json.dumps(message).encode()))
    answer = raw.response(5, 1.0) if expected_id == 5 else raw.anonymous_error(1.0)
    assert answer is not None and answer["error"]["code"] == INVALID_REQUEST
    assert raw.alive_check()["result"]  # and the server did not shut down


def test_unknown_method_is_method_not_found(raw: RawServer) -> None:
    answer = raw.request("textDocument/noSuchThing", {}, timeout=1.0)
    assert answer["error"]["code"] == METHOD_NOT_FOUND
    raw.notify("$/noSuchNotification", {"x": 1})
    raw.notify("textDocument/noSuchNotification", {"x": 1})
    assert raw.alive_check()["result"]


def test_requests_before_initialize_are_refused(bare: RawServer) -> None:
    answer = bare.request("textDocument/completion", {}, timeout=30)  # includes start-up
    assert answer["error"]["code"] == SERVER_NOT_INITIALIZED
    bare.initialize()
    assert bare.alive_check()["result"]
    again = bare.request("initialize", {"capabilities": {}}, timeout=1.0)
    assert again["error"]["code"] == INVALID_REQUEST


def test_requests_after_shutdown_are_invalid_and_exit_ends_the_process(raw: RawServer) -> None:
    assert "error" not in raw.request("shutdown", None, timeout=10)
    late = raw.request("workspace/executeCommand", {"command": "x", "arguments": []}, 1.0)
    assert late["error"]["code"] == INVALID_REQUEST
    assert "shutdown" in late["error"]["message"]
    raw.notify("exit", None)
    assert raw.wait_exit(10) == 0


def test_huge_string_and_odd_uris_are_handled(raw: RawServer) -> None:
    raw.notify("workspace/didChangeConfiguration", {"settings": {"junk": "x" * 5_000_000}})
    for uri in ["untitled:Untitled-1", "file:///tmp/a%20b/%F0%9F%98%80.py", "weird", ""]:
        document = {"uri": uri, "languageId": "python", "version": 1, "text": "# add\n"}
        raw.notify("textDocument/didOpen", {"textDocument": document})
        params = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}
        answer = raw.request("textDocument/completion", params, timeout=60)
        # No model can load here: a clear request-failed error, not a crash or silence.
        assert answer["error"]["code"] == -32803
        assert "model" in answer["error"]["message"]
    assert raw.alive_check()["result"]


def test_message_over_the_size_limit_is_skipped_and_reported() -> None:
    server = RawServer("--max-message-bytes", "4096")
    try:
        server.initialize()
        server.send({"jsonrpc": "2.0", "id": 9, "method": "shutdown", "padding": "x" * 10_000})
        assert server.alive_check()["result"]
        assert server.response(9, 0.2) is None
        logged = [n for n in server.notifications if n["method"] == "window/logMessage"]
        assert any("4096-byte limit" in n["params"]["message"] for n in logged)
    finally:
        server.close()


@pytest.mark.parametrize(
    "header",
    [b"Content-Type: x\r\n\r\n{}", b"Content-Length: -5\r\n\r\n{}", b"Content-Length: ten\r\n\r\n"],
    ids=["missing", "negative", "non-numeric"],
)
def test_unframeable_header_ends_the_connection_cleanly(raw: RawServer, header: bytes) -> None:
    raw.send_bytes(header)
    assert raw.wait_exit(10) == EXIT_DESYNCHRONISED
    assert "unreadable" in raw.stderr()


def test_body_shorter_than_its_length_never_answers_the_wrong_request(raw: RawServer) -> None:
    short = b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}'
    raw.send_bytes(b"Content-Length: %d\r\n\r\n" % (len(short) + 30) + short)
    command = {"command": "lsp-codegen.engineStatus", "arguments": []}
    body = {"jsonrpc": "2.0", "id": 77, "method": "workspace/executeCommand", "params": command}
    raw.send_bytes(frame(json.dumps(body).encode()))
    raw.send_bytes(frame(json.dumps({**body, "id": 78}).encode()))
    assert raw.wait_exit(10) == EXIT_DESYNCHRONISED
    assert not {1, 77, 78} & set(raw.responses)
    error = raw.anonymous_error(0)
    assert error is not None and error["error"]["code"] == PARSE_ERROR
