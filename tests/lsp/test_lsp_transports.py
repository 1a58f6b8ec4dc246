"""`serve --tcp` and `serve --ws`: the same server over a socket, with pygls' real client."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(params=["tcp", "ws"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lsp_codegen", "serve", f"--{request.param}", f"127.0.0.1:{port}"],
        stderr=subprocess.PIPE,
    )
    yield request.param, port
    process.terminate()
    process.wait(timeout=10)


async def _connect(client: LanguageClient, transport: str, port: int) -> None:
    start = client.start_tcp if transport == "tcp" else client.start_ws
    for _ in range(200):
        try:
            await start("127.0.0.1", port)
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"server did not listen on {transport} port {port}")


async def test_initialize_over_a_socket(served: tuple[str, int]) -> None:
    transport, port = served
    client = LanguageClient("transport-test", "1.0")
    await _connect(client, transport, port)
    result = await asyncio.wait_for(
        client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                initialization_options={"model": "/nonexistent/model"},
            )
        ),
        timeout=30,
    )
    assert result.capabilities.inline_completion_provider is not None
    assert result.server_info is not None and result.server_info.name == "lsp-codegen"
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
