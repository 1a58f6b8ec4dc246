"""The embedded default model (gemma-3-270m from PyPI), end to end over LSP.

Slow on a fresh machine: the first load converts the GGUF file once (~70 s).
"""

from __future__ import annotations

import ast

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from tests.engines.helpers import SOURCE
from tests.lsp.helpers import (
    SERVER,
    apply_text_edit,
    code_action_params,
    init_params,
    open_document,
    resolved_change,
    wait_ready,
)

pytestmark = pytest.mark.default_model


@pytest_lsp.fixture(config=SERVER)
async def gemma(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    # Greedy and one candidate: the test checks the model's most likely code.
    options = {"model": "default", "temperature": 0, "numCandidates": 1, "maxNewTokens": 48}
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def test_default_model_inserts_code_that_parses(gemma: LanguageClient) -> None:
    status = await wait_ready(gemma)
    assert status["ready"] and status["model"] == "gemma-3-270m", status
    open_document(gemma, "file:///squares.py", SOURCE)
    actions = await gemma.text_document_code_action_async(
        code_action_params("file:///squares.py", 0)
    )
    assert actions
    change = await resolved_change(gemma, actions[0])
    (edit,) = change.edits
    assert edit.range.start.line == 2
    assert "return" in edit.new_text
    ast.parse(apply_text_edit(SOURCE, edit))
