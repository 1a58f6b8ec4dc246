"""Inline completion while the editor's suggestion list is open (`selectedCompletionInfo`):
only items that extend the selected completion, over its range (LSP 3.18).

Real server over stdio with the scripted tiny model, which writes `    return 1` lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.lsp.raw_client import RawServer

URI = "file:///selected.py"
TEXT = "def f():\n    "


def _server(model: Path) -> RawServer:
    """The ghost text shown in the empty body; then the user types `re`, and the editor's
    suggestion list opens."""
    raw = RawServer()
    settings = {"numCandidates": 1, "maxNewTokens": 8, "inline": {"speculative": False}}
    raw.initialize({"model": str(model), **settings})
    raw.wait_ready()
    raw.open(URI, TEXT)
    assert raw.inline_items(URI, 1, 4, kind=1, timeout=60)
    at = {"line": 1, "character": 4}
    change = {"range": {"start": at, "end": at}, "text": "re"}
    raw.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]},
    )
    return raw


def _with_selected(text: str) -> dict[str, Any]:
    word = {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 6}}
    return {
        "textDocument": {"uri": URI},
        "position": {"line": 1, "character": 6},
        "context": {"triggerKind": 2, "selectedCompletionInfo": {"range": word, "text": text}},
    }


def _last_inline(raw: RawServer) -> Any:
    command = {"command": "lsp-codegen.lastCompletion", "arguments": [{"uri": URI}]}
    return raw.request("workspace/executeCommand", command, 10)["result"]


def test_items_extend_the_selected_completion_over_its_range(scripted_model_dir: Path) -> None:
    raw = _server(scripted_model_dir)
    try:
        answer = raw.request("textDocument/inlineCompletion", _with_selected("return"), 60)
        items = answer["result"]["items"]
        assert items and items[0]["insertText"].startswith("return 1")
        assert items[0]["range"] == {
            "start": {"line": 1, "character": 4},
            "end": {"line": 1, "character": 6},
        }
    finally:
        raw.close()


def test_nothing_when_no_candidate_extends_it_and_the_trace_says_why(
    scripted_model_dir: Path,
) -> None:
    raw = _server(scripted_model_dir)
    try:
        answer = raw.request("textDocument/inlineCompletion", _with_selected("result"), 60)
        assert answer["result"]["items"] == []
        outcome = _last_inline(raw)["outcome"]
        assert outcome["status"] == "empty"
        assert "no candidate extends 'result'" in outcome["reason"]
    finally:
        raw.close()
