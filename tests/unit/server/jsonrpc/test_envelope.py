"""The JSON-RPC envelope checks."""

from __future__ import annotations

import pytest

from lsp_codegen.server.jsonrpc.envelope import envelope_problem, message_id


@pytest.mark.parametrize(
    "message",
    [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
        {"jsonrpc": "2.0", "id": "a", "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
        {"jsonrpc": "2.0", "id": 3, "result": None},
        {"jsonrpc": "2.0", "id": 3, "error": {"code": 1, "message": "m"}},
    ],
)
def test_valid_messages_have_no_problem(message: object) -> None:
    assert envelope_problem(message) is None


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ([], "batch"),
        ("x", "JSON object"),
        ({"id": 1, "method": "m"}, "jsonrpc"),
        ({"jsonrpc": "1.0", "id": 1, "method": "m"}, "jsonrpc"),
        ({"jsonrpc": "2.0", "id": True, "method": "m"}, "id"),
        ({"jsonrpc": "2.0", "id": 1.5, "method": "m"}, "id"),
        ({"jsonrpc": "2.0", "id": 1, "method": ["m"]}, "method"),
        ({"jsonrpc": "2.0", "id": 1, "method": "m", "params": 3}, "params"),
        ({"jsonrpc": "2.0"}, "method"),
        ({"jsonrpc": "2.0", "id": 1}, "result"),
    ],
)
def test_invalid_messages_are_described(message: object, words: str) -> None:
    problem = envelope_problem(message)
    assert problem is not None and words in problem


def test_only_integer_and_string_ids_are_usable() -> None:
    assert message_id({"id": 4}) == 4
    assert message_id({"id": "x"}) == "x"
    assert message_id({"id": True}) is None
    assert message_id({"id": None}) is None
    assert message_id([1]) is None
