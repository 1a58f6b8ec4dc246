"""Ctrl+. on a comment prompt answers at once: the candidates are written in the
background, a second Ctrl+. (or "Show candidates", or picking "Generate code from
comment") joins that one generation, and an edit to the document stops it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.helpers import (
    SERVER,
    code_action_params,
    comment_candidates,
    engine_status,
    init_params,
    open_document,
    tiny_options,
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


def _titles(actions: list[types.CodeAction | types.Command] | None) -> list[str]:
    return [action.title for action in actions or []]


@pytest_lsp.fixture(config=SERVER)
async def endless(lsp_client: LanguageClient, endless_model_dir: Path):  # type: ignore[no-untyped-def]
    """A model that writes until stopped: a generation that never ends by itself."""
    options = tiny_options(endless_model_dir, maxNewTokens=3000, numCandidates=1, maxTimeMs=120000)
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def scripted(lsp_client: LanguageClient, scripted_model_dir: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(init_params(tiny_options(scripted_model_dir)))
    yield
    await lsp_client.shutdown_session()


async def test_ctrl_dot_answers_at_once_while_the_candidates_are_written(
    endless: LanguageClient,
) -> None:
    await wait_ready(endless)
    open_document(endless, URI, PROMPT)
    started = time.monotonic()
    actions = await asyncio.wait_for(endless.text_document_code_action_async(_invoked()), 10)
    assert time.monotonic() - started < 10
    assert _titles(actions)[0] == GENERATE
    assert not any(title.startswith("Candidate ") for title in _titles(actions))

    async def writing() -> bool:
        return bool((await engine_status(endless))["active"])

    await wait_until(writing, timeout=30)  # the candidates are being written meanwhile
    # Asked again while they are written: still at once, and no second generation.
    again = await asyncio.wait_for(endless.text_document_code_action_async(_invoked()), 10)
    assert _titles(again) == _titles(actions)
    assert (await engine_status(endless))["generations"] == 1

    # An edit stops the run: the candidates belonged to the text before it.
    endless.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=PROMPT + "x\n")],
        )
    )

    async def stopped() -> bool:
        return not (await engine_status(endless))["active"]

    await wait_until(stopped, timeout=30)


async def test_a_second_ctrl_dot_lists_the_candidates_of_the_first(
    scripted: LanguageClient,
) -> None:
    await wait_ready(scripted)
    open_document(scripted, URI, PROMPT)
    first = await scripted.text_document_code_action_async(_invoked())
    assert _titles(first) == [GENERATE]
    listed = await comment_candidates(scripted, URI, 0)  # "Show candidates" waits for them
    assert [c["title"] for c in listed] and all(c["title"].startswith("Candidate ") for c in listed)
    second = await scripted.text_document_code_action_async(_invoked())
    assert _titles(second) == [GENERATE, *[c["title"] for c in listed]]
    assert _titles(second)[1].startswith("Candidate 1/1: ✓ 1/1 example")
    # One generation served the menu, the list and the second menu.
    assert (await engine_status(scripted))["generations"] == 1


async def test_picking_generate_joins_the_generation_the_menu_started(
    scripted: LanguageClient,
) -> None:
    await wait_ready(scripted)
    open_document(scripted, URI, PROMPT)
    actions = await scripted.text_document_code_action_async(_invoked())
    generate = next(a for a in actions or [] if isinstance(a, types.CodeAction))
    resolved = await scripted.code_action_resolve_async(generate)
    assert resolved.edit is not None and resolved.edit.document_changes
    assert (await engine_status(scripted))["generations"] == 1


async def test_show_candidates_names_what_is_wrong(scripted: LanguageClient) -> None:
    await wait_ready(scripted)
    open_document(scripted, URI, "x = 1\n")
    try:
        await comment_candidates(scripted, URI, 0)
    except Exception as error:  # noqa: BLE001 (pygls raises its own JsonRpc error types)
        assert "holds no comment prompt" in str(error)
    else:
        raise AssertionError("a line without a comment prompt has no candidates")


async def test_when_no_candidate_passes_the_title_says_so_and_the_insert_is_marked(
    scripted: LanguageClient,
) -> None:
    source = "# Return two.\n# two() == 2\ndef two():\n\n"
    await wait_ready(scripted)
    open_document(scripted, URI, source)
    await scripted.text_document_code_action_async(_invoked())
    await comment_candidates(scripted, URI, 0)
    actions = await scripted.text_document_code_action_async(_invoked())
    generate = next(a for a in actions or [] if isinstance(a, types.CodeAction))
    assert generate.title == f"{GENERATE} — no candidate passes your 1 example"
    resolved = await scripted.code_action_resolve_async(generate)
    assert resolved.edit is not None and resolved.edit.document_changes
    change = resolved.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    inserted = change.edits[0].new_text
    assert inserted.startswith("    # lsp-codegen: fails two() == 2: got 1\n    return 1"), inserted
    # A candidate picked by name is inserted as it is: its title already says ✗.
    candidate = next(a for a in actions or [] if a.title.startswith("Candidate 1/"))
    assert isinstance(candidate, types.CodeAction)
    picked = await scripted.code_action_resolve_async(candidate)
    assert picked.edit is not None and picked.edit.document_changes
    picked_change = picked.edit.document_changes[0]
    assert isinstance(picked_change, types.TextDocumentEdit)
    assert "lsp-codegen" not in picked_change.edits[0].new_text
