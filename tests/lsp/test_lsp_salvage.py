"""No empty answer when a valid start was written: every candidate fails the syntax gate,
and the part of it that parses is shown."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import SERVER, init_params, inline_params, open_document, tiny_options

SOURCE = "def f():\n\n"
URI = "file:///broken.py"


@pytest_lsp.fixture(config=SERVER)
async def broken(lsp_client: LanguageClient, broken_block_model_dir: Path):  # type: ignore[no-untyped-def]
    options = tiny_options(broken_block_model_dir, numCandidates=2, maxNewTokens=20)
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def test_the_parsing_start_of_a_broken_block_is_shown(broken: LanguageClient) -> None:
    open_document(broken, URI, SOURCE)
    params = inline_params(URI, 1, 0, trigger=types.InlineCompletionTriggerKind.Invoked)
    answer = await broken.text_document_inline_completion_async(params)
    assert isinstance(answer, types.InlineCompletionList)
    # The model wrote "    x = 1 + (" again and again, never closing a bracket: its
    # longest start that parses is what it wrote of use.
    assert [item.insert_text for item in answer.items] == ["    x = 1"]
