"""Helpers for the end-to-end tests: the server command, initialize parameters,
requests, and waiting for the model (conftest.py holds only the fixtures)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "lsp_codegen", "serve"])

ENGINE_STATUS = "lsp-codegen.engineStatus"
COMMENT_CANDIDATES = "lsp-codegen.commentCandidates"


def init_params(options: dict[str, Any], **capabilities: Any) -> types.InitializeParams:
    """VS Code's real capabilities (from pytest-lsp) plus our initializationOptions."""
    caps = client_capabilities("visual-studio-code")
    for name, value in capabilities.items():
        setattr(caps, name, value)
    return types.InitializeParams(
        capabilities=caps, initialization_options=options, process_id=None
    )


def tiny_options(model_dir: Path, **overrides: Any) -> dict[str, Any]:
    """Settings for the tiny test model: short generations, several candidates, and no
    speculation after an inline answer (tests count the generations they cause;
    tests/lsp/test_lsp_pending.py tests speculation)."""
    options = {"model": str(model_dir), "maxNewTokens": 24, "numCandidates": 3}
    return {**options, "inline": {"speculative": False}, **overrides}


async def engine_status(client: LanguageClient) -> dict[str, Any]:
    """The server's engine status command, over the wire."""
    status: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=ENGINE_STATUS, arguments=[])
    )
    return status


async def execute(client: LanguageClient, command: types.Command) -> None:
    """Run `command` (an item's), as the client does when the item is accepted."""
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )


async def wait_until(
    check: Callable[[], Awaitable[bool]], timeout: float = 60.0, interval: float = 0.05
) -> None:
    """Poll `check` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


async def wait_ready(client: LanguageClient) -> dict[str, Any]:
    """Wait until the model has loaded (or failed); return the status."""
    status: dict[str, Any] = {}

    async def done() -> bool:
        status.update(await engine_status(client))
        return bool(status["ready"] or status["error"])

    await wait_until(done)
    return status


def open_document(client: LanguageClient, uri: str, text: str, language: str = "python") -> None:
    """didOpen at version 1."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )


def inline_params(
    uri: str,
    line: int,
    character: int,
    trigger: types.InlineCompletionTriggerKind = types.InlineCompletionTriggerKind.Invoked,
) -> types.InlineCompletionParams:
    """An inline completion request at (line, character)."""
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=trigger),
    )


def code_action_params(uri: str, line: int) -> types.CodeActionParams:
    """A code action request for an empty range at the start of `line`."""
    at = types.Position(line=line, character=0)
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=at, end=at),
        context=types.CodeActionContext(diagnostics=[]),
    )


async def invoked_code_actions(
    client: LanguageClient, uri: str, text: str, line: int, language: str = "python"
) -> list[types.CodeAction | types.Command]:
    """Open `text` at `uri` and press Ctrl+. on `line` twice, as a user does: the first
    answers at once and starts writing the candidates; the second, once they are
    written, lists every one of them."""
    await wait_ready(client)
    open_document(client, uri, text, language)
    params = code_action_params(uri, line)
    params.context.trigger_kind = types.CodeActionTriggerKind.Invoked
    await client.text_document_code_action_async(params)
    await comment_candidates(client, uri, line)
    actions = await client.text_document_code_action_async(params)
    assert actions is not None
    return list(actions)


async def comment_candidates(client: LanguageClient, uri: str, line: int) -> list[Any]:
    """The server's "Show candidates" command: waits until they are written."""
    listed: list[Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=COMMENT_CANDIDATES, arguments=[{"uri": uri, "line": line}]
        )
    )
    return listed


async def resolved_change(
    client: LanguageClient, action: types.CodeAction | types.Command
) -> types.TextDocumentEdit:
    """Resolve a code action and return the one document edit it must carry."""
    assert isinstance(action, types.CodeAction), action
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None and resolved.edit.document_changes
    change = resolved.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    return change


def apply_text_edit(text: str, edit: types.TextEdit) -> str:
    """Apply one UTF-16 TextEdit to `text` (the client's side of an edit)."""
    from lsp_codegen.context.positions import offset_at

    start = offset_at(text, edit.range.start.line, edit.range.start.character, "utf-16")
    end = offset_at(text, edit.range.end.line, edit.range.end.character, "utf-16")
    return text[:start] + edit.new_text + text[end:]


def stats_command(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`lsp-codegen stats` as a user runs it, on the statistics under `cache`."""
    env = {**os.environ, "LSP_CODEGEN_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "lsp_codegen", "stats", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
