"""The full LSP path on the embedded GGUF through llama.cpp, in process and over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.engines.helpers import OPTIONS, SOURCE, URI, inline_and_actions
from tests.engines.servers import ServerProcess, free_port
from tests.lsp.helpers import (
    SERVER,
    init_params,
    inline_params,
    open_document,
    wait_ready,
)


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


async def test_llamacpp_engine_end_to_end(in_process: LanguageClient) -> None:
    await inline_and_actions(in_process, "llamacpp")


async def test_remote_engine_end_to_end(over_http: LanguageClient) -> None:
    await inline_and_actions(over_http, "remote")


# The spot where, before token healing and batched candidates, the user saw nothing: a
# trailing space after `words`, and the one candidate continued the word (`1 = []`).
WORDS = "def words_reversed(s):\n    words "
WORDS_URI = "file:///words.py"


async def test_a_trailing_space_now_gets_a_suggestion(in_process: LanguageClient) -> None:
    status = await wait_ready(in_process)
    assert status["ready"], status
    open_document(in_process, WORDS_URI, WORDS)
    typing = types.InlineCompletionTriggerKind.Automatic
    answer = await in_process.text_document_inline_completion_async(
        inline_params(WORDS_URI, 1, len("    words "), trigger=typing)
    )
    assert isinstance(answer, types.InlineCompletionList)
    texts = [item.insert_text for item in answer.items]
    assert texts and all(isinstance(text, str) and text for text in texts), texts
    # Each continues after the space with what follows a name (`= s.split()`), not the
    # name itself (`1 = []`, `words1`).
    assert not any(str(text)[0].isalnum() for text in texts), texts


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
