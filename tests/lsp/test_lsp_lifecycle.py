"""initialize, capabilities, settings and model loading — over a real JSON-RPC stream."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    SERVER,
    code_action_params,
    engine_status,
    init_params,
    inline_params,
    open_document,
    tiny_options,
    wait_ready,
)


async def test_capabilities_advertise_every_feature(client: LanguageClient) -> None:
    caps = client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert caps.inline_completion_provider is not None
    assert caps.completion_provider is not None
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert caps.code_action_provider.resolve_provider is True
    assert caps.execute_command_provider is not None
    assert "lsp-codegen.generateFromComment" in caps.execute_command_provider.commands
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.position_encoding == types.PositionEncodingKind.Utf16


async def test_model_loads_in_background_with_progress(client: LanguageClient) -> None:
    status = await wait_ready(client)
    assert status["ready"] is True and status["model"].startswith("scripted-model")
    reports = [v for values in client.progress_reports.values() for v in values]
    kinds = [type(v).__name__ for v in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert reports[-1].message.startswith("Loaded scripted-model")


@pytest_lsp.fixture(config=SERVER)
async def utf8_client(lsp_client: LanguageClient, scripted_model_dir: Path):  # type: ignore[no-untyped-def]
    params = init_params(
        tiny_options(scripted_model_dir),
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
        ),
    )
    lsp_client.initialize_result = await lsp_client.initialize_session(params)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_position_encoding_is_negotiated(utf8_client: LanguageClient) -> None:
    caps = utf8_client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf8
    await wait_ready(utf8_client)
    # "é😀" is 6 UTF-8 bytes: the cursor after them is character 6 in UTF-8.
    text = "x = 'é😀'\n"
    open_document(utf8_client, "file:///enc.py", text)
    result = await utf8_client.text_document_inline_completion_async(
        inline_params("file:///enc.py", 0, 11)
    )
    assert result is not None
    for item in result.items:
        assert item.range is not None and item.range.start.character == 11


@pytest_lsp.fixture(config=SERVER)
async def misconfigured(lsp_client: LanguageClient, scripted_model_dir: Path):  # type: ignore[no-untyped-def]
    options = tiny_options(scripted_model_dir, temperature="hot", numCandidates=99, bogus=1)
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def test_invalid_settings_fall_back_with_a_message(misconfigured: LanguageClient) -> None:
    status = await wait_ready(misconfigured)
    assert status["ready"] is True
    messages = " | ".join(m.message for m in misconfigured.messages)
    assert "`temperature`" in messages and "`numCandidates`" in messages
    assert "`bogus`" in messages
    assert status["settings"]["temperature"] == 0.8
    assert status["settings"]["numCandidates"] == 4


async def test_did_change_configuration_applies_and_validates(client: LanguageClient) -> None:
    await wait_ready(client)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lspCodegen": {"numCandidates": 2, "topP": 7}})
    )
    status = await engine_status(client)
    assert status["settings"]["numCandidates"] == 2
    assert status["settings"]["topP"] == 0.95
    assert any("`topP`" in m.message for m in client.messages)


@pytest_lsp.fixture(config=SERVER)
async def broken_model(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    options = {"model": str(tmp_path / "no-such-model")}
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


async def test_model_that_fails_to_load_gives_a_clear_error(broken_model: LanguageClient) -> None:
    status = await wait_ready(broken_model)
    assert status["ready"] is False
    assert "`model`" in status["error"]
    errors = [m for m in broken_model.messages if m.type == types.MessageType.Error]
    assert errors and "`model`" in errors[0].message
    open_document(broken_model, "file:///a.py", "# add two numbers\n")
    with pytest.raises(Exception, match="`model`") as failure:
        await broken_model.text_document_inline_completion_async(
            inline_params("file:///a.py", 1, 0)
        )
    assert getattr(failure.value, "code", None) == -32803
    # Still alive and answering.
    actions = await broken_model.text_document_code_action_async(
        code_action_params("file:///a.py", 0)
    )
    assert actions and actions[0].title == "Generate code from comment"
