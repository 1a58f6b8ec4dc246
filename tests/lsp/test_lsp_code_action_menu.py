"""Ctrl+. on a comment prompt answers at once: the candidates are written in the
background, a second Ctrl+. (or "Show candidates", or picking "Generate code from
comment") joins that one generation, and an edit to the document stops it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    code_action_params,
    comment_candidates,
    engine_status,
    invoked_code_actions,
    open_document,
    resolved_change,
    wait_ready,
    wait_until,
)

URI = "file:///menu.py"
PROMPT = "# Return one.\n# one() == 1\ndef one():\n\n"
GENERATE = "Generate code from comment"


def _invoked(line: int = 0) -> types.CodeActionParams:
    params = code_action_params(URI, line)
    params.context.trigger_kind = types.CodeActionTriggerKind.Invoked
    return params


async def _inserted(client: LanguageClient, action: types.CodeAction | types.Command) -> str:
    (edit,) = (await resolved_change(client, action)).edits
    assert isinstance(edit, types.TextEdit)
    return edit.new_text


def _titles(actions: Sequence[types.CodeAction | types.Command] | None) -> list[str]:
    return [action.title for action in actions or []]


async def test_ctrl_dot_answers_at_once_while_the_candidates_are_written(
    endless_client: LanguageClient,
) -> None:
    await wait_ready(endless_client)
    open_document(endless_client, URI, PROMPT)
    started = time.monotonic()
    actions = await asyncio.wait_for(endless_client.text_document_code_action_async(_invoked()), 10)
    assert time.monotonic() - started < 10
    assert _titles(actions)[0] == GENERATE
    assert not any(title.startswith("Candidate ") for title in _titles(actions))

    async def writing() -> bool:
        return bool((await engine_status(endless_client))["active"])

    await wait_until(writing, timeout=30)  # the candidates are being written meanwhile
    # Asked again while they are written: still at once, and no second generation.
    again = await asyncio.wait_for(endless_client.text_document_code_action_async(_invoked()), 10)
    assert _titles(again) == _titles(actions)
    assert (await engine_status(endless_client))["generations"] == 1

    # An edit stops the run: the candidates belonged to the text before it.
    endless_client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=PROMPT + "x\n")],
        )
    )

    async def stopped() -> bool:
        return not (await engine_status(endless_client))["active"]

    await wait_until(stopped, timeout=30)


async def test_a_second_ctrl_dot_lists_the_candidates_of_the_first(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    open_document(client, URI, PROMPT)
    first = await client.text_document_code_action_async(_invoked())
    assert _titles(first) == [GENERATE]
    listed = await comment_candidates(client, URI, 0)  # "Show candidates" waits for them
    assert [c["title"] for c in listed] and all(c["title"].startswith("Candidate ") for c in listed)
    second = await client.text_document_code_action_async(_invoked())
    assert _titles(second) == [GENERATE, *[c["title"] for c in listed]]
    assert _titles(second)[1].startswith("Candidate 1/1: ✓ 1/1 example")
    # One generation served the menu, the list and the second menu.
    assert (await engine_status(client))["generations"] == 1


async def test_picking_generate_joins_the_generation_the_menu_started(
    client: LanguageClient,
) -> None:
    await wait_ready(client)
    open_document(client, URI, PROMPT)
    actions = await client.text_document_code_action_async(_invoked())
    generate = next(a for a in actions or [] if isinstance(a, types.CodeAction))
    resolved = await client.code_action_resolve_async(generate)
    assert resolved.edit is not None and resolved.edit.document_changes
    assert (await engine_status(client))["generations"] == 1


async def test_show_candidates_names_what_is_wrong(client: LanguageClient) -> None:
    await wait_ready(client)
    open_document(client, URI, "x = 1\n")
    with pytest.raises(Exception, match="holds no comment prompt"):
        await comment_candidates(client, URI, 0)


async def test_when_no_candidate_passes_the_title_says_so_and_the_insert_is_marked(
    client: LanguageClient,
) -> None:
    source = "# Return two.\n# two() == 2\ndef two():\n\n"
    actions = await invoked_code_actions(client, URI, source, 0)
    generate, candidate = actions[0], actions[1]
    assert generate.title == f"{GENERATE} — no candidate passes your 1 example"
    inserted = await _inserted(client, generate)
    assert inserted.startswith("    # lsp-codegen: fails two() == 2: got 1\n    return 1"), inserted
    # A candidate picked by name is inserted as it is: its title already says ✗.
    assert candidate.title.startswith("Candidate 1/1: ✗ 0/1 example")
    picked = await _inserted(client, candidate)
    assert picked.startswith("    return 1") and "lsp-codegen" not in picked
