"""Faults and load: a failing model, a cancel storm, edits racing generation, closed documents."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.raw_client import RawServer

URI = "file:///robust.py"
PROMPT = "# add two numbers\ndef add(a, b):\n"
REQUEST_CANCELLED = -32800
CONTENT_MODIFIED = -32801
REQUEST_FAILED = -32803


def _open(raw: RawServer, text: str = PROMPT, uri: str = URI) -> None:
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    raw.notify("textDocument/didOpen", {"textDocument": document})


def _inline_params(text: str = PROMPT, uri: str = URI) -> dict[str, Any]:
    line = text.count("\n")
    return {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": 0},
        "context": {"triggerKind": 1},
    }


def _server(model: Path, **settings: Any) -> RawServer:
    raw = RawServer()
    raw.initialize({"model": str(model), "maxNewTokens": 24, "numCandidates": 2, **settings})
    raw.wait_ready()
    return raw


@pytest.fixture
def endless(endless_model_dir: Path) -> Iterator[RawServer]:
    raw = _server(endless_model_dir, maxNewTokens=400)
    yield raw
    raw.close()


@pytest.mark.parametrize("fault", ["raise", "oom", "exit"])
def test_a_failing_model_gives_an_error_then_restarts(scripted_model_dir: Path, fault: str) -> None:
    raw = RawServer(fault, command=[sys.executable, "-m", "tests.lsp.faulty_server"])
    try:
        raw.initialize({"model": str(scripted_model_dir), "maxNewTokens": 24})
        raw.wait_ready()
        _open(raw)
        failed = raw.request("textDocument/inlineCompletion", _inline_params(), timeout=60)
        assert failed["error"]["code"] == REQUEST_FAILED
        assert "restarted" in failed["error"]["message"]
        raw.wait_ready()  # a fresh engine
        answer = raw.request("textDocument/inlineCompletion", _inline_params(), timeout=60)
        assert "return" in answer["result"]["items"][0]["insertText"]
        assert raw.process.poll() is None
    finally:
        raw.close()


def test_cancel_storm_answers_every_request_and_leaves_nothing_running(
    endless: RawServer,
) -> None:
    _open(endless)
    ids = []
    for _ in range(500):
        msg_id = endless.send_request("textDocument/inlineCompletion", _inline_params())
        time.sleep(random.uniform(0, 0.005))
        endless.notify("$/cancelRequest", {"id": msg_id})
        ids.append(msg_id)
    answers = [endless.response(msg_id, timeout=60) for msg_id in ids]
    assert all(answer is not None for answer in answers), "some requests were never answered"
    time.sleep(1.0)
    status = endless.wait_ready()
    assert status["active"] == 0
    # Generations that had started stopped within one decode step of their cancel.
    assert all(steps <= 1 for steps in status["stepsAfterCancel"])


def test_edits_during_generation_supersede_it(scripted_model_dir: Path) -> None:
    raw = _server(scripted_model_dir, maxNewTokens=64)
    try:
        text = PROMPT
        _open(raw, text)
        ids = {}
        for version in range(2, 52):
            change = {"range": _end_range(text), "text": " "}
            text += " "
            raw.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]},
            )
            ids[version] = raw.send_request("textDocument/inlineCompletion", _inline_params(text))
            time.sleep(0.02)
        answers = {version: raw.response(msg_id, 60) for version, msg_id in ids.items()}
        latest = answers.pop(51)
        assert latest is not None and latest["result"]["items"]
        assert latest["result"]["items"][0]["command"]["arguments"][0]["version"] == 51
        # Each superseded request was cancelled by the next one (not left to run).
        cancelled = [
            v for v, a in answers.items() if a and a.get("error", {}).get("code") == -32800
        ]
        assert len(cancelled) >= 45, f"only {len(cancelled)} of 49 superseded requests cancelled"
        for version, answer in answers.items():
            assert answer is not None, f"request for version {version} was never answered"
            shown = answer.get("result", {}).get("items") if answer.get("result") else None
            assert not shown, f"a result for version {version} was shown after newer edits"
    finally:
        raw.close()


def test_closing_the_document_ends_its_request(endless: RawServer) -> None:
    _open(endless)
    msg_id = endless.send_request("textDocument/inlineCompletion", _inline_params())
    time.sleep(0.3)
    endless.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    answer = endless.response(msg_id, timeout=5)
    assert answer is not None
    assert answer.get("error", {}).get("code") == REQUEST_CANCELLED or not answer["result"]["items"]
    _wait_idle(endless)


def _wait_idle(raw: RawServer, timeout: float = 5.0) -> None:
    """No generation running within `timeout` (cancelled ones stop at their next step)."""
    deadline = time.monotonic() + timeout
    while raw.wait_ready()["active"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert raw.wait_ready()["active"] == 0


def _end_range(text: str) -> dict[str, Any]:
    line = text.count("\n")
    character = len(text) - text.rfind("\n") - 1
    position = {"line": line, "character": character}
    return {"start": position, "end": position}


def test_inline_time_budget_shows_the_whole_lines_done_by_then(scripted_model_dir: Path) -> None:
    # 4000 tokens would be over 1200 lines; a one-second budget stops far earlier.
    raw = _server(scripted_model_dir, maxNewTokens=4000, inline={"maxTimeMs": 1000})
    try:
        _open(raw)
        # The first forward passes of a process are slow: warm up, then measure.
        raw.request("textDocument/inlineCompletion", _inline_params(), timeout=60)
        answer = raw.request("textDocument/inlineCompletion", _inline_params(), timeout=60)
        text = answer["result"]["items"][0]["insertText"]
        # Whole lines only: the line being written when time ran out is dropped.
        assert text.splitlines() and all(line == "    return 1" for line in text.splitlines())
        assert len(text.splitlines()) < 1000
    finally:
        raw.close()
