"""How many candidates an inline request gets: fewer while typing, all on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.lsp.raw_client import RawServer

URI = "file:///one.py"
SOURCE = "# Return one.\ndef one():\n"
AUTOMATIC, INVOKED = 2, 1


def _items(raw: RawServer, kind: int) -> list[dict[str, Any]]:
    params = {
        "textDocument": {"uri": URI},
        "position": {"line": 2, "character": 0},
        "context": {"triggerKind": kind},
    }
    items: list[dict[str, Any]] = raw.request("textDocument/inlineCompletion", params, 60)[
        "result"
    ]["items"]
    return items


def test_typing_asks_for_inline_num_candidates_a_manual_trigger_for_all(
    two_answer_model_dir: Path,
) -> None:
    raw = RawServer()
    options = {"numCandidates": 8, "temperature": 1.0, "maxNewTokens": 16}
    raw.initialize({"model": str(two_answer_model_dir), **options, "inline": {"numCandidates": 1}})
    try:
        raw.wait_ready()
        document = {"uri": URI, "languageId": "python", "version": 1, "text": SOURCE}
        raw.notify("textDocument/didOpen", {"textDocument": document})
        # Eight samples of coin-flip lines differ; one (greedy) candidate cannot.
        assert len({item["insertText"] for item in _items(raw, INVOKED)}) >= 2
        assert len(_items(raw, AUTOMATIC)) == 1
    finally:
        raw.close()
