"""Bad requests get clear answers and the server keeps running."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    code_action_params,
    engine_status,
    inline_params,
    open_document,
    wait_ready,
)


async def test_document_that_is_not_open_is_an_invalid_params_error(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    with pytest.raises(Exception, match="not open") as failure:
        await client.text_document_inline_completion_async(inline_params("file:///nope.py", 0, 0))
    assert getattr(failure.value, "code", None) == -32602
    assert (await engine_status(client))["ready"] is True


async def test_position_past_the_end_is_clamped(client: LanguageClient) -> None:
    await wait_ready(client)
    open_document(client, "file:///short.py", "# say hi\n")
    result = await client.text_document_inline_completion_async(
        inline_params("file:///short.py", 40, 99)
    )
    assert result is not None
    for item in result.items:
        # Clamped to the end of the document: line 1, character 0.
        assert item.range is not None
        assert item.range.start == types.Position(line=1, character=0)


async def test_unknown_command_is_an_error(client: LanguageClient) -> None:
    with pytest.raises(Exception) as failure:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lsp-codegen.noSuchCommand", arguments=[])
        )
    assert "noSuchCommand" in str(failure.value)
    assert (await engine_status(client))["error"] is None


async def test_resolve_with_malformed_data_is_invalid_params(client: LanguageClient) -> None:
    await wait_ready(client)
    action = types.CodeAction(title="Generate code from comment", data={"uri": 3})
    with pytest.raises(Exception, match="code action data") as failure:
        await client.code_action_resolve_async(action)
    assert getattr(failure.value, "code", None) == -32602


async def test_resolve_after_the_prompt_was_deleted_is_content_modified(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    uri = "file:///gone.py"
    open_document(client, uri, "# add a and b\n")
    actions = await client.text_document_code_action_async(code_action_params(uri, 0))
    assert actions
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="x = 1\n")],
        )
    )
    with pytest.raises(Exception, match="no longer") as failure:
        await client.code_action_resolve_async(actions[0])
    assert getattr(failure.value, "code", None) == -32801
