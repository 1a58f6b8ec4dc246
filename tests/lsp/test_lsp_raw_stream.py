"""Bytes on the server's stdin: requests a typed client cannot even send."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest


class RawClient:
    """Speaks LSP framing by hand to a server subprocess."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def response(self, msg_id: int, timeout: float) -> dict[str, Any]:
        """The response to `msg_id` (notifications and server requests are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            message = await asyncio.wait_for(self._read(), deadline - time.monotonic())
            if message.get("id") == msg_id and "method" not in message:
                return message

    async def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while (line := await self.process.stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message: dict[str, Any] = json.loads(await self.process.stdout.readexactly(length))
        return message


@pytest.fixture
async def raw() -> AsyncIterator[RawClient]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lsp_codegen",
        "--log-level",
        "ERROR",
        "serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    client = RawClient(process)
    await client.send(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": {"model": "/nonexistent"}},
        }
    )
    await client.response(1, timeout=30)
    await client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    yield client
    process.kill()
    await process.wait()


async def test_schema_invalid_params_get_invalid_params_naming_the_field(raw: RawClient) -> None:
    await raw.send(
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/inlineCompletion",
            "params": {
                "textDocument": {"uri": "file:///p.py"},
                "position": {"line": "first", "character": 0},
                "context": {"triggerKind": 1},
            },
        }
    )
    answer = await raw.response(2, timeout=1.0)
    assert answer["error"]["code"] == -32602
    assert "position" in answer["error"]["message"]
    # The next valid request is answered.
    await raw.send(
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "workspace/executeCommand",
            "params": {"command": "lsp-codegen.engineStatus", "arguments": []},
        }
    )
    status = await raw.response(3, timeout=1.0)
    assert "ready" in status["result"]
