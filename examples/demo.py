"""`make demo`: a real LSP conversation with `lsp-codegen serve` on the embedded model.

Starts the server as a subprocess, speaks JSON-RPC to it over stdio with pygls'
client (the same protocol an editor speaks), and shows: the model loading with
progress, the "Generate code from comment" code action and its edit, an inline
completion, and the file after the edit.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

EXAMPLE = Path(__file__).with_name("squares.py")
SETTINGS = {"model": "default", "numCandidates": 4, "maxNewTokens": 64}
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def make_client() -> LanguageClient:
    client = LanguageClient("lsp-codegen-demo", "1.0")

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def create_progress(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(types.PROGRESS)
    def progress(params: types.ProgressParams) -> None:
        value: Any = params.value
        message = value.get("message") if isinstance(value, dict) else None
        say(f"progress: {message or value}")

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def show_message(params: types.ShowMessageParams) -> None:
        say(f"server says: {params.message}")

    return client


def apply_edit(text: str, edit: types.TextEdit) -> str:
    from lsp_codegen.context.positions import offset_at

    start = offset_at(text, edit.range.start.line, edit.range.start.character)
    end = offset_at(text, edit.range.end.line, edit.range.end.character)
    return text[:start] + edit.new_text + text[end:]


async def wait_for_model(client: LanguageClient) -> None:
    while True:
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="lsp-codegen.engineStatus", arguments=[])
        )
        if status["ready"]:
            say(f"model ready: {status['model']} on {status['device']}")
            return
        if status["error"]:
            raise SystemExit(f"model failed to load: {status['error']}")
        await asyncio.sleep(0.5)


async def main() -> int:
    text = EXAMPLE.read_text()
    uri = EXAMPLE.resolve().as_uri()
    client = make_client()
    await client.start_io(sys.executable, "-m", "lsp_codegen", "--log-level", "WARNING", "serve")
    caps = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
            )
        ),
    )
    result = await client.initialize_async(
        types.InitializeParams(capabilities=caps, initialization_options=SETTINGS)
    )
    client.initialized(types.InitializedParams())
    say(f"initialized {result.server_info.name if result.server_info else ''} (model loads now)")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    print(f"\n--- {EXAMPLE.name} ---\n{text}")
    await wait_for_model(client)
    edited = await show_code_action(client, uri, text)
    await show_inline_completion(client, uri)
    print(f"\n--- {EXAMPLE.name} after the edit ---\n{edited}")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return 0


async def show_code_action(client: LanguageClient, uri: str, text: str) -> str:
    at = types.Position(line=3, character=0)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=at, end=at),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    action = next(a for a in actions or [] if isinstance(a, types.CodeAction))
    say(f"code action offered on line 4: {action.title!r}; resolving (the model writes now)…")
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is not None and resolved.edit.document_changes
    change = resolved.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    say(
        f"edit for version {change.text_document.version} at line {edit.range.start.line + 1}:"
        f"\n{edit.new_text}"
    )
    return apply_edit(text, edit)


async def show_inline_completion(client: LanguageClient, uri: str) -> None:
    say("inline completion at line 6, column 1 (the empty body)…")
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=5, character=0),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Invoked
            ),
        )
    )
    items = result.items if isinstance(result, types.InlineCompletionList) else result or []
    best = items[0].insert_text if items else "(none)"
    say(f"{len(items)} inline candidates, best first; the best:\n{best}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
