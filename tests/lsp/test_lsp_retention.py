"""Retention over a real session: accept, edit, wait for the (shortened) checkpoints, then
read the statistics file and `lsp-codegen stats` as a user does."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    apply_text_edit,
    code_action_params,
    execute,
    inline_params,
    open_document,
    resolved_change,
    stats_command,
    wait_until,
)
from tests.lsp.retention_server import CHECKPOINTS

PROMPT = "# Return one.\ndef one():\n\n"
URI = "file:///home/someone/secret_project/one.py"


@pytest.fixture
def stats_server_command() -> list[str]:
    """`stats_client` (tests/lsp/conftest.py) starts the server with 1/2/3 s checkpoints."""
    return [sys.executable, "-m", "tests.lsp.retention_server"]


class Editor:
    """The client's copy of one document: each edit is applied here and sent as didChange."""

    def __init__(self, client: LanguageClient, text: str) -> None:
        self.client, self.text, self.version = client, text, 1
        open_document(client, URI, text)

    def edit(self, edit: types.TextEdit) -> None:
        self.text = apply_text_edit(self.text, edit)
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
                ],
            )
        )

    def delete(self, part: str) -> None:
        """Delete the first occurrence of `part` (on one line)."""
        offset = self.text.index(part)
        line = self.text.count("\n", 0, offset)
        column = offset - (self.text.rfind("\n", 0, offset) + 1)
        start = types.Position(line=line, character=column)
        end = types.Position(line=line, character=column + len(part))
        self.edit(types.TextEdit(range=types.Range(start=start, end=end), new_text=""))


def _records(cache: Path, event: str) -> list[dict[str, object]]:
    path = cache / "stats" / "events.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [r for r in map(json.loads, lines) if r["event"] == event]


async def _first_inline_item(
    client: LanguageClient,
) -> tuple[str, types.Range, types.Command]:
    """The first item inline completion offers at line 2: its text, range and command."""
    result = await client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(result, types.InlineCompletionList) and result.items
    item = result.items[0]
    assert isinstance(item.insert_text, str) and item.range is not None and item.command
    return item.insert_text, item.range, item.command


async def _retained(cache: Path, count: int) -> list[dict[str, object]]:
    async def written() -> bool:
        return len(_records(cache, "retained")) >= count

    await wait_until(written, timeout=30)
    return _records(cache, "retained")


async def test_an_accepted_inline_item_is_followed_through_edits(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(stats_client, PROMPT)
    text, at, command = await _first_inline_item(stats_client)
    assert "return 1" in text
    editor.edit(types.TextEdit(range=at, new_text=text))  # the client applies it ...
    await execute(stats_client, command)  # ... then sends the item's command
    editor.delete("1")  # one character of the accepted text gone

    records = await _retained(tmp_path, len(CHECKPOINTS))
    (accepted,) = _records(tmp_path, "accepted")
    kind = "inlineMultiLine" if "\n" in text.strip() else "inlineSingleLine"
    assert accepted["acceptedKind"] == kind
    assert [r["afterSeconds"] for r in records] == list(CHECKPOINTS)
    for record in records:
        assert record["acceptedKind"] == kind and record["language"] == "python"
        assert record["acceptedChars"] == len(text)
        assert record["retainedChars"] == len(text) - 1
        assert "closed" not in record
    raw = (tmp_path / "stats" / "events.jsonl").read_text()
    assert "secret_project" not in raw and "return" not in raw  # no paths, no code

    report = stats_command(tmp_path, "--html", str(tmp_path / "report.html"))
    assert report.returncode == 0, report.stderr
    share = f"{(len(text) - 1) / len(text):.0%}"
    label = "inline multi-line" if kind == "inlineMultiLine" else "inline single-line"
    assert f"  {label:<19}1 accepted · 1 s {share} (n 1) · 2 s {share} (n 1)" in report.stdout
    assert "<svg" in (tmp_path / "report.html").read_text()


async def test_a_closed_document_records_what_it_had_at_its_close(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(stats_client, PROMPT)
    text, at, command = await _first_inline_item(stats_client)
    # The command overtakes the edit here: the server finds the text in the next change.
    await execute(stats_client, command)
    editor.edit(types.TextEdit(range=at, new_text=text))
    await asyncio.sleep(0.2)
    stats_client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )

    records = await _retained(tmp_path, len(CHECKPOINTS))
    assert all(r["closed"] is True for r in records)
    assert all(r["retainedChars"] == r["acceptedChars"] == len(text) for r in records)


async def test_an_applied_code_action_is_followed_as_a_code_action(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    editor = Editor(stats_client, PROMPT)
    params = code_action_params(URI, 1)
    params.context.trigger_kind = types.CodeActionTriggerKind.Invoked
    actions = await stats_client.text_document_code_action_async(params)
    assert actions
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    change = await resolved_change(stats_client, action)
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    editor.edit(edit)  # the client applies the resolved edit

    records = await _retained(tmp_path, len(CHECKPOINTS))
    assert {r["acceptedKind"] for r in records} == {"codeAction"}
    assert all(r["retainedChars"] == r["acceptedChars"] == len(edit.new_text) for r in records)
    report = stats_command(tmp_path)
    assert "  code action        1 applied · 1 s 100% (n 1)" in report.stdout
    (applied,) = _records(tmp_path, "accepted")
    assert applied["acceptedKind"] == "codeAction"
    assert "accepted       0" in report.stdout  # not an answer's accept: out of the rate
