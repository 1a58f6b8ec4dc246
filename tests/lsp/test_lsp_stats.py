"""Local acceptance statistics over a real session, then `lsp-codegen stats` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import LanguageClient

from tests.lsp.helpers import execute, inline_params, open_document, stats_command

PROMPT = "# Return one.\ndef one():\n\n"
URI = "file:///home/someone/secret_project/one.py"


def _records(cache: Path) -> list[dict[str, object]]:
    path = cache / "stats" / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_shown_and_accepted_are_recorded_and_summarized(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    open_document(stats_client, URI, PROMPT)
    result = await stats_client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(result, types.InlineCompletionList) and result.items
    command = result.items[0].command
    assert command is not None
    await execute(stats_client, command)  # what the client sends on accept

    shown, accepted = _records(tmp_path)
    assert shown["event"] == "shown" and accepted["event"] == "accepted"
    assert shown["kind"] == "inline" and shown["candidates"] == len(result.items)
    assert isinstance(shown["latencyMs"], float) and shown["latencyMs"] > 0
    assert shown["language"] == accepted["language"] == "python"
    raw = (tmp_path / "stats" / "events.jsonl").read_text()
    assert "secret_project" not in raw and "return" not in raw  # no paths, no code

    report = stats_command(tmp_path)
    assert report.returncode == 0, report.stderr
    assert "acceptance     100.0%" in report.stdout
    assert "python" in report.stdout and "p95" in report.stdout


async def test_a_partial_accept_is_recorded(stats_client: LanguageClient, tmp_path: Path) -> None:
    open_document(stats_client, URI, PROMPT)
    result = await stats_client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(result, types.InlineCompletionList) and result.items
    arguments = result.items[0].command.arguments if result.items[0].command else None
    assert arguments is not None and isinstance(arguments[0], dict)
    partial = {**arguments[0], "acceptedLength": 6}
    partially = types.Command(
        title="", command="lsp-codegen.partiallyAccepted", arguments=[partial]
    )
    await execute(stats_client, partially)

    events = [(r["event"], r.get("acceptedLength")) for r in _records(tmp_path)]
    assert events == [("shown", None), ("partial", 6)]
    report = stats_command(tmp_path)
    assert "partial        1 partial accepts" in report.stdout
    assert "acceptance     0.0%" in report.stdout


async def test_malformed_accept_arguments_are_invalid_params(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    bad = types.ExecuteCommandParams(
        command="lsp-codegen.partiallyAccepted",
        arguments=[{"uri": URI, "version": 1, "candidate": 0}],  # no acceptedLength
    )
    with pytest.raises(JsonRpcInvalidParams, match="acceptedLength"):
        await stats_client.workspace_execute_command_async(bad)
    assert not (tmp_path / "stats" / "events.jsonl").exists()


async def test_stats_enabled_false_records_nothing(
    stats_client: LanguageClient, tmp_path: Path
) -> None:
    stats_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"stats": {"enabled": False}})
    )
    open_document(stats_client, URI, PROMPT)
    result = await stats_client.text_document_inline_completion_async(inline_params(URI, 2, 0))
    assert isinstance(result, types.InlineCompletionList) and result.items
    assert not (tmp_path / "stats" / "events.jsonl").exists()
