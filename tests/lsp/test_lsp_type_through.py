"""Typing the first characters of a shown suggestion is answered from it, without the engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lsp.raw_client import RawServer

URI = "file:///typing.py"
PROMPT = "# add two numbers\ndef add(a, b):\n"


@pytest.fixture
def raw(scripted_model_dir: Path) -> Iterator[RawServer]:
    server = RawServer()
    # No speculation: the tests count the generations the engine ran.
    options = {"maxNewTokens": 16, "numCandidates": 2, "inline": {"speculative": False}}
    server.initialize({"model": str(scripted_model_dir), **options})
    server.wait_ready()
    document = {"uri": URI, "languageId": "python", "version": 1, "text": PROMPT}
    server.notify("textDocument/didOpen", {"textDocument": document})
    yield server
    server.close()


def _type(raw: RawServer, version: int, line: int, character: int, text: str) -> None:
    at = {"line": line, "character": character}
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}],
        },
    )


def _generations(raw: RawServer) -> int:
    return int(raw.wait_ready()["generations"])


def test_typing_into_the_suggestion_answers_from_it(raw: RawServer) -> None:
    shown = raw.inline_items(URI, 2, 0, kind=1)
    full = shown[0]["insertText"]
    assert full.startswith("    return")
    before = _generations(raw)
    _type(raw, 2, 2, 0, "    re")
    items = raw.inline_items(URI, 2, 6, kind=2)
    assert items[0]["insertText"] == full[len("    re") :]
    assert items[0]["range"]["start"] == {"line": 2, "character": 6}
    assert items[0]["command"]["arguments"][0]["version"] == 2
    status = raw.wait_ready()
    assert status["generations"] == before  # the engine was not asked again
    assert status["typeThrough"]["hits"] == 1


def test_typing_something_else_generates_again(raw: RawServer) -> None:
    raw.inline_items(URI, 2, 0, kind=1)
    before = _generations(raw)
    _type(raw, 2, 2, 0, "    zz")
    raw.inline_items(URI, 2, 6, kind=1)
    assert _generations(raw) == before + 1
