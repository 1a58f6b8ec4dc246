"""The full LSP path on the embedded GGUF through llama.cpp, in process and over HTTP."""

from __future__ import annotations

import ast
import asyncio
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.engines.servers import ServerProcess, free_port
from tests.lsp.helpers import (
    SERVER,
    apply_text_edit,
    init_params,
    inline_params,
    invoked_code_actions,
    open_document,
    wait_ready,
)

SOURCE = (
    "# Return the sum of the squares of the numbers in xs.\n"
    "def sum_of_squares(xs):\n"
    "\n"
    "\n"
    "print(sum_of_squares([1, 2, 3]))\n"
)
URI = "file:///squares.py"
# Greedy first candidate plus one sampled; a time limit a busy shared CPU cannot reach.
OPTIONS = {
    "model": "default",
    "numCandidates": 2,
    "maxNewTokens": 32,
    "temperature": 0.7,
    "maxTimeMs": 120000,
    "inline": {"maxTimeMs": 120000},
}


@pytest_lsp.fixture(config=SERVER)
async def in_process(lsp_client: LanguageClient, gguf: Any):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(init_params({**OPTIONS, "engine": "llamacpp"}))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def over_http(lsp_client: LanguageClient, served: ServerProcess):  # type: ignore[no-untyped-def]
    # llama-cpp-python's server runs one request at a time, and its logprobs are slow.
    remote = {"url": served.url, "maxConcurrent": 1, "logprobs": False}
    options = {**OPTIONS, "engine": "remote", "remote": remote}
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def _inline_and_actions(client: LanguageClient, engine: str) -> None:
    status = await wait_ready(client)
    assert status["ready"], status
    assert status["settings"]["engine"] == engine
    open_document(client, URI, SOURCE)
    inline = await client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(inline, types.InlineCompletionList) and inline.items
    actions = await invoked_code_actions(client, URI, SOURCE, 0)
    ranked = [a for a in actions if isinstance(a, types.CodeAction) and "logp" in a.title]
    assert ranked, [a.title for a in actions]  # candidates titled with their evidence
    resolved = [await client.code_action_resolve_async(a) for a in ranked]
    edits = [_edit(a) for a in resolved if a.edit is not None]
    edited = [apply_text_edit(SOURCE, e) for e in edits if e is not None]
    assert any(_parses(text) and "return" in text for text in edited), edited


def _edit(action: types.CodeAction) -> types.TextEdit | None:
    assert action.edit is not None
    for change in action.edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            edit = change.edits[0]
            assert isinstance(edit, types.TextEdit)
            return edit
    return None


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


async def test_llamacpp_engine_end_to_end(in_process: LanguageClient) -> None:
    await _inline_and_actions(in_process, "llamacpp")


async def test_remote_engine_end_to_end(over_http: LanguageClient) -> None:
    await _inline_and_actions(over_http, "remote")


@pytest_lsp.fixture(config=SERVER)
async def nothing_listening(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    remote = {"url": f"http://127.0.0.1:{free_port()}/v1"}
    await lsp_client.initialize_session(init_params({"engine": "remote", "remote": remote}))
    yield
    await lsp_client.shutdown_session()


async def test_server_down_is_shown_once_not_per_keystroke(
    nothing_listening: LanguageClient,
) -> None:
    client = nothing_listening
    await wait_ready(client)
    open_document(client, URI, SOURCE)
    for _ in range(3):
        with pytest.raises(Exception, match="cannot connect"):
            await client.text_document_inline_completion_async(inline_params(URI, 2, 0))
        await asyncio.sleep(0.3)
    shown = [m.message for m in client.messages if "cannot connect" in m.message]
    assert len(shown) == 1, client.messages
    assert "remote.url" in shown[0]
