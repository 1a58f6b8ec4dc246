"""Several editors on one `serve --tcp`: own documents and settings, one shared engine."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    engine_status,
    init_params,
    inline_params,
    open_document,
    tiny_options,
    wait_ready,
)

ALPHA = "# Return one.\ndef alpha():\n\n"
BETA = "import os\n\n\n# Return one as well.\ndef beta():\n\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def tcp_port() -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lsp_codegen", "serve", "--tcp", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    yield port
    process.terminate()
    process.wait(timeout=10)


async def _client(port: int, options: dict[str, Any]) -> LanguageClient:
    client = LanguageClient()
    for _ in range(200):
        try:
            await client.start_tcp("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"server did not listen on port {port}")
    await client.initialize_session(init_params(options))
    return client


async def _inline(client: LanguageClient, uri: str, line: int) -> types.InlineCompletionList:
    result = await client.text_document_inline_completion_async(inline_params(uri, line, 0))
    assert isinstance(result, types.InlineCompletionList)
    return result


async def test_two_clients_at_once_get_their_own_answers(
    tcp_port: int, scripted_model_dir: Path
) -> None:
    first = await _client(tcp_port, tiny_options(scripted_model_dir, numCandidates=1))
    second = await _client(tcp_port, tiny_options(scripted_model_dir, numCandidates=3))
    await asyncio.gather(wait_ready(first), wait_ready(second))
    open_document(first, "file:///alpha.py", ALPHA)
    open_document(second, "file:///beta.py", BETA)
    # The second client's document is not open in the first client's session.
    with pytest.raises(Exception, match="not open"):
        await first.text_document_inline_completion_async(inline_params("file:///beta.py", 5, 0))
    a, b = await asyncio.gather(
        _inline(first, "file:///alpha.py", 2), _inline(second, "file:///beta.py", 5)
    )
    assert a.items and b.items
    assert all(item.range and item.range.start.line == 2 for item in a.items)
    assert all(item.range and item.range.start.line == 5 for item in b.items)
    first_status, second_status = await asyncio.gather(engine_status(first), engine_status(second))
    # Each session keeps its own settings ...
    assert first_status["settings"]["numCandidates"] == 1
    assert second_status["settings"]["numCandidates"] == 3
    # ... and both generated on the one shared engine.
    assert first_status["generations"] == second_status["generations"] == 2
    # One client leaving (shutdown + exit) leaves the other served.
    await first.shutdown_session()
    again = await _inline(second, "file:///beta.py", 5)
    assert again.items
    await second.shutdown_session()
