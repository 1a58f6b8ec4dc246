"""The server's recorder: language from the open document, the switches, a broken cache dir."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lsp_codegen.context.document import DocumentStore
from lsp_codegen.server.usage import UsageLog
from lsp_codegen.stats.acceptance import Acceptance
from lsp_codegen.stats.store import StatsStore

URI = "file:///home/someone/project/main.go"


@pytest.fixture(autouse=True)
def recording_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/conftest.py turns statistics off for every test; these need them on."""
    monkeypatch.delenv("LSP_CODEGEN_STATS", raising=False)


def recorder(path: Path, enabled: bool = True) -> tuple[UsageLog, StatsStore]:
    documents = DocumentStore()
    documents.open(URI, "go", 1, "package main\n")
    store = StatsStore(path)
    return UsageLog(documents, lambda: enabled, store), store


def test_records_carry_the_language_never_the_uri(tmp_path: Path) -> None:
    usage, store = recorder(tmp_path / "events.jsonl")
    usage.accepted(Acceptance(URI, 1, 2))
    usage.accepted(Acceptance("file:///closed.py", 1, 0))
    assert [(r.language, r.candidate) for r in store.read()] == [("go", 2), ("unknown", 0)]
    assert "someone" not in store.path.read_text()


def test_the_setting_and_the_environment_turn_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage, store = recorder(tmp_path / "events.jsonl", enabled=False)
    usage.accepted(Acceptance(URI, 1, 0))
    assert not store.path.exists()
    monkeypatch.setenv("LSP_CODEGEN_STATS", "off")
    usage, store = recorder(tmp_path / "events.jsonl", enabled=True)
    usage.accepted(Acceptance(URI, 1, 0))
    assert not store.path.exists()


def test_an_unwritable_file_is_logged_once_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("")
    usage, _ = recorder(tmp_path / "a-file" / "events.jsonl")  # its parent is not a folder
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            usage.partially_accepted(Acceptance(URI, 1, 0, 4))
    assert len([r for r in caplog.records if "statistics not recorded" in r.message]) == 1
