"""Inline completion, completion, code action → resolve, cancel and stale results, end to end."""

from __future__ import annotations

import ast
import asyncio
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    apply_text_edit,
    code_action_params,
    engine_status,
    inline_params,
    invoked_code_actions,
    open_document,
    resolved_change,
    wait_ready,
    wait_until,
)

PROMPT = "import math\n\n# Return the n-th Fibonacci number.\ndef fib(n):\n\n\nprint(fib(10))\n"
URI = "file:///fib.py"


async def test_inline_completion_at_the_cursor(client: LanguageClient) -> None:
    await wait_ready(client)
    open_document(client, URI, PROMPT)
    result = await client.text_document_inline_completion_async(inline_params(URI, 4, 0))
    assert isinstance(result, types.InlineCompletionList)
    # The scripted model writes the same lines for every candidate: one item.
    assert len(result.items) == 1
    for item in result.items:
        assert item.range == types.Range(
            start=types.Position(line=4, character=0), end=types.Position(line=4, character=0)
        )
        assert isinstance(item.insert_text, str)
        lines = item.insert_text.split("\n")
        assert lines and all(line == "    return 1" for line in lines)
        assert item.command is not None
        assert item.command.arguments[0]["version"] == 1
        # What the client sends when the user accepts the item.
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=item.command.command, arguments=item.command.arguments
            )
        )
    status = await engine_status(client)
    assert status["generations"] == 1 and status["decodeSteps"] > 0


async def test_completion_items_carry_the_same_candidates(client: LanguageClient) -> None:
    await wait_ready(client)
    open_document(client, URI, PROMPT)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=4, character=0),
        )
    )
    assert isinstance(result, types.CompletionList) and result.is_incomplete is True
    assert len(result.items) == 1
    for item in result.items:
        assert isinstance(item.text_edit, types.TextEdit)
        assert item.text_edit.range.start == types.Position(line=4, character=0)
        assert item.label == "return 1"
        assert item.text_edit.new_text.startswith("    return 1\n    return 1")
        assert item.detail is not None and item.detail.startswith("scripted-model")
        assert "logp" in item.detail


async def test_code_action_resolves_to_a_versioned_edit_under_the_comment(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    open_document(client, URI, PROMPT)
    actions = await client.text_document_code_action_async(code_action_params(URI, 2))
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.title == "Generate code from comment"
    assert action.edit is None  # computed only on resolve
    change = await resolved_change(client, action)
    assert change.text_document.uri == URI and change.text_document.version == 1
    (edit,) = change.edits
    # The body goes on the line after `def fib(n):`, nothing is replaced.
    assert edit.range.start == edit.range.end == types.Position(line=4, character=0)
    new_text = apply_text_edit(PROMPT, edit)
    assert new_text.startswith("import math\n\n# Return the n-th Fibonacci number.\ndef fib(n):\n")
    assert new_text.endswith("\n\nprint(fib(10))\n")
    assert edit.new_text.endswith("\n")
    assert set(edit.new_text.splitlines()) == {"    return 1"}
    ast.parse(new_text)


async def test_no_code_action_away_from_a_comment(client: LanguageClient) -> None:
    open_document(client, URI, PROMPT)
    actions = await client.text_document_code_action_async(code_action_params(URI, 0))
    assert not actions


async def _start_long_generation(client: LanguageClient, msg_id: str) -> asyncio.Future[Any]:
    """An inline request that would decode for a long time, once it is decoding."""
    await wait_ready(client)
    open_document(client, URI, "x = 1\n")
    future: asyncio.Future[Any] = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 0, 5), msg_id=msg_id
        )
    )

    async def decoding() -> bool:
        status = await engine_status(client)
        return bool(status["active"] == 1 and status["decodeSteps"] > 5)

    await wait_until(decoding)
    return future


async def test_cancel_stops_decoding_within_one_step(endless_client: LanguageClient) -> None:
    client = endless_client
    future = await _start_long_generation(client, "long-1")
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="long-1"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(future, timeout=10)

    async def stopped() -> bool:
        return (await engine_status(client))["active"] == 0

    await wait_until(stopped, timeout=5)
    status = await engine_status(client)
    assert status["stepsAfterCancel"] and status["stepsAfterCancel"][-1] <= 1
    assert status["decodeSteps"] < 2900  # it did not run to maxNewTokens


async def test_result_for_an_older_version_is_dropped(endless_client: LanguageClient) -> None:
    client = endless_client
    await wait_ready(client)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"maxNewTokens": 400})
    )
    open_document(client, URI, "x = 1\n")
    future = asyncio.ensure_future(
        client.text_document_inline_completion_async(inline_params(URI, 0, 5))
    )

    async def decoding() -> bool:
        return bool((await engine_status(client))["active"] == 1)

    await wait_until(decoding)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=0, character=5),
                        end=types.Position(line=0, character=5),
                    ),
                    text="0",
                )
            ],
        )
    )
    result = await asyncio.wait_for(future, timeout=60)
    assert result is not None and list(result.items) == []


async def test_invoked_code_action_lists_candidates_with_evidence(client: LanguageClient) -> None:
    actions = await invoked_code_actions(client, URI, PROMPT, 2)
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles[0] == "Generate code from comment"
    # The scripted model's candidates are identical: de-duplicated to one.
    assert titles[1:] == [titles[1]] and titles[1].startswith("Candidate 1/1: ")
    assert "logp" in titles[1]
    candidate = actions[1]
    assert isinstance(candidate, types.CodeAction) and candidate.data["candidate"] == 0
    before = (await engine_status(client))["generations"]
    resolved = await client.code_action_resolve_async(candidate)
    generate = await client.code_action_resolve_async(actions[0])
    # Both resolved from the result computed for this version: no new generation.
    assert (await engine_status(client))["generations"] == before
    assert resolved.edit == generate.edit and resolved.edit is not None


async def test_candidates_are_run_on_the_prompts_examples(client: LanguageClient) -> None:
    source = "# Return one.\n# one() == 1, one() + 1 -> 2\ndef one():\n\n"
    actions = await invoked_code_actions(client, "file:///one.py", source, 0)
    title = actions[1].title
    assert title.startswith("Candidate 1/1: ✓ 2/2 examples · logp"), title
    reports = [v for values in client.progress_reports.values() for v in values]
    messages = [getattr(v, "message", None) for v in reports]
    assert "candidate 1/1 · passes 2/2" in messages
    resolved = await client.code_action_resolve_async(actions[0])
    assert resolved.edit is not None


async def test_a_failing_example_is_shown_in_the_title(client: LanguageClient) -> None:
    source = "# Return two.\n# two() == 2\ndef two():\n\n"
    actions = await invoked_code_actions(client, "file:///two.py", source, 0)
    assert "✗ 0/1 example ·" in actions[1].title
