"""While the user types, an inline request answers at `inline.answerMs` with the whole lines
written by then; the generation goes on, and accepting the suggestion joins it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lsp.raw_client import RawServer

URI = "file:///early.py"
PROMPT = "def one():\n"
AUTOMATIC, INVOKED = 2, 1


def _server(model: Path, answer_ms: int) -> RawServer:
    server = RawServer()
    # A long block (the scripted model writes "    return 1" lines until the token
    # budget), so the generation is still running when the answer is due.
    options = {
        "maxNewTokens": 1500,
        "numCandidates": 1,
        "inline": {"speculative": False, "answerMs": answer_ms, "maxTimeMs": 60000},
    }
    server.initialize({"model": str(model), **options})
    server.wait_ready()
    document = {"uri": URI, "languageId": "python", "version": 1, "text": PROMPT}
    server.notify("textDocument/didOpen", {"textDocument": document})
    return server


@pytest.fixture
def early(scripted_model_dir: Path) -> Iterator[RawServer]:
    server = _server(scripted_model_dir, answer_ms=100)
    yield server
    server.close()


def _accept(raw: RawServer, text: str) -> tuple[int, int]:
    """Type `text` at the start of line 1 (version 2); the cursor after it."""
    at = {"line": 1, "character": 0}
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}],
        },
    )
    lines = text.split("\n")
    return 1 + len(lines) - 1, len(lines[-1])


def test_a_typing_request_answers_with_the_lines_so_far(early: RawServer) -> None:
    shown = early.inline_items(URI, 1, 0, AUTOMATIC)
    status = early.wait_ready()
    assert status["active"] == 1  # the generation goes on after the answer
    (item,) = shown
    text = item["insertText"]
    # Whole lines only: the last one complete, never cut in the middle.
    assert text.split("\n")[-1] == "    return 1", text
    assert text.count("return 1") < 1500 // 4  # far from the whole block


def test_accepting_the_early_answer_joins_the_generation(early: RawServer) -> None:
    first = early.inline_items(URI, 1, 0, AUTOMATIC)[0]["insertText"]
    before = early.wait_ready()
    line, character = _accept(early, first)
    rest = early.inline_items(URI, line, character, AUTOMATIC)
    after = early.wait_ready()
    # The request joined the generation that was still writing: no new one started.
    assert after["generations"] == before["generations"]
    assert after["typeThrough"]["streaming"] == before["typeThrough"]["streaming"] + 1
    assert rest and rest[0]["insertText"].startswith("\n    return 1")


def test_a_manual_request_waits_for_the_candidates(scripted_model_dir: Path) -> None:
    server = _server(scripted_model_dir, answer_ms=100)
    try:
        (item,) = server.inline_items(URI, 1, 0, INVOKED)
        assert server.wait_ready()["active"] == 0  # it answered once the block was done
        assert item["insertText"].count("return 1") > 1
    finally:
        server.close()
