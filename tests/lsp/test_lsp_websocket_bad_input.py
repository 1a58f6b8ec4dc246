"""`serve --ws`: malformed messages in WebSocket frames get the same JSON-RPC errors as on stdio."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import ClientConnection, connect


@pytest.fixture
def ws_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "lsp_codegen", "serve", "--ws", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    yield port
    process.terminate()
    process.wait(timeout=10)


async def _connect(port: int) -> ClientConnection:
    for _ in range(400):
        try:
            return await connect(f"ws://127.0.0.1:{port}")
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("the server did not listen")


async def _answer(websocket: ClientConnection) -> dict[str, object]:
    while True:
        message = json.loads(await asyncio.wait_for(websocket.recv(), timeout=30))
        if "method" not in message:
            return message  # type: ignore[no-any-return]


async def test_malformed_frames_are_answered_and_the_connection_goes_on(ws_port: int) -> None:
    websocket = await _connect(ws_port)
    await websocket.send(b'{"jsonrpc": "2.0", "id": 1, "method": ')
    parse_error = await _answer(websocket)
    assert parse_error["id"] is None and parse_error["error"]["code"] == -32700  # type: ignore[index]
    await websocket.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover"}))
    not_initialized = await _answer(websocket)
    assert not_initialized == {**not_initialized, "id": 2}
    assert not_initialized["error"]["code"] == -32002  # type: ignore[index]
    initialize = {"capabilities": {}, "initializationOptions": {"model": "/nonexistent"}}
    await websocket.send(
        json.dumps({"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": initialize})
    )
    answer = await _answer(websocket)
    assert answer["id"] == 3 and "capabilities" in answer["result"]  # type: ignore[operator]
    await websocket.close()
