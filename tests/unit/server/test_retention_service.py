"""The server's retention service without a client: offers, accepts, changes, close, stop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_codegen.context.document import Change, DocumentStore
from lsp_codegen.server.command_ids import accepted_command
from lsp_codegen.server.retention import RetentionService
from lsp_codegen.server.tasks import BackgroundTasks
from lsp_codegen.server.usage import UsageLog
from lsp_codegen.stats.acceptance import Acceptance
from lsp_codegen.stats.records import Record
from lsp_codegen.stats.store import StatsStore

URI = "file:///a.py"
TEXT = "def f():\n\n"
ITEM = "    return 1\n    # done"
CHECKPOINTS = (0.05, 0.3)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StatsStore:
    monkeypatch.delenv("LSP_CODEGEN_STATS", raising=False)
    return StatsStore(tmp_path / "events.jsonl")


def service(store: StatsStore) -> tuple[RetentionService, DocumentStore]:
    documents = DocumentStore()
    documents.open(URI, "python", 1, TEXT)
    usage = UsageLog(documents, lambda: True, store)
    return RetentionService(documents, usage, BackgroundTasks(), CHECKPOINTS), documents


def answer(retention: RetentionService) -> None:
    at = types.Position(line=1, character=0)
    item = types.InlineCompletionItem(
        insert_text=ITEM, range=types.Range(start=at, end=at), command=accepted_command(URI, 1, 0)
    )
    retention.offered(URI, "inline", types.InlineCompletionList(items=[item]), "utf-16")


def change(
    retention: RetentionService, documents: DocumentStore, version: int, *changes: Change
) -> None:
    before = documents.get(URI)
    after = documents.change(URI, version, list(changes))
    assert before is not None and after is not None
    retention.changed(before, after, list(changes), "utf-16")


def retained(store: StatsStore) -> list[Record]:
    return [r for r in store.read() if r.event == "retained"]


async def all_checkpoints(store: StatsStore) -> list[Record]:
    for _ in range(200):
        if len(retained(store)) >= len(CHECKPOINTS):
            break
        await asyncio.sleep(0.025)
    return retained(store)


async def test_several_changes_in_one_event_are_followed_in_order(store: StatsStore) -> None:
    retention, documents = service(store)
    answer(retention)
    change(retention, documents, 2, (((1, 0), (1, 0)), ITEM))

    assert retention.accepted(Acceptance(URI, 1, 0)) == "inlineMultiLine"
    # One event: a line above (shifts everything), then "return 1" → "return 2" in the
    # shifted text: only the offsets after the first change find the "1".
    change(retention, documents, 3, (((0, 0), (0, 0)), "import x\n"), (((2, 11), (2, 12)), "2"))
    document = documents.get(URI)
    assert document is not None and "return 2" in document.text
    records = await all_checkpoints(store)
    assert [r.after_seconds for r in records] == list(CHECKPOINTS)
    assert all((r.accepted_chars, r.retained_chars) == (len(ITEM), len(ITEM) - 1) for r in records)


async def test_an_accept_before_its_edit_waits_for_the_edit(store: StatsStore) -> None:

    retention, documents = service(store)
    answer(retention)
    assert retention.accepted(Acceptance(URI, 1, 0)) == "inlineMultiLine"
    change(retention, documents, 2, (((1, 0), (1, 0)), ITEM))
    retention.closed(URI)  # closed at once: every checkpoint gets what it had
    records = retained(store)
    assert len(records) == 2 and all(r.closed and r.retained_chars == len(ITEM) for r in records)


async def test_unknown_items_are_not_followed(store: StatsStore) -> None:
    retention, documents = service(store)
    answer(retention)  # candidate 0 is offered: 7 is not
    assert retention.accepted(Acceptance(URI, 1, 7)) is None
    change(retention, documents, 2, (((1, 0), (1, 0)), ITEM))
    await asyncio.sleep(0.4)
    assert retained(store) == []


async def test_stop_cancels_the_checkpoints_not_reached(store: StatsStore) -> None:

    retention, documents = service(store)
    answer(retention)
    change(retention, documents, 2, (((1, 0), (1, 0)), ITEM))
    retention.accepted(Acceptance(URI, 1, 0))
    await asyncio.sleep(0.15)
    retention.stop()
    await asyncio.sleep(0.3)
    assert [r.after_seconds for r in retained(store)] == [CHECKPOINTS[0]]


async def test_a_code_action_edit_is_recognised_in_the_change_after_its_version(
    store: StatsStore,
) -> None:
    retention, documents = service(store)
    retention.expect_edit(URI, 1, len("def f():\n"), ITEM + "\n")
    change(retention, documents, 2, (((1, 0), (1, 0)), ITEM.replace("\n", "\r\n") + "\r\n"))
    retention.closed(URI)
    records = store.read()
    assert records[0].event == "accepted" and records[0].accepted_kind == "codeAction"
    assert [r.accepted_kind for r in retained(store)] == ["codeAction", "codeAction"]
