"""Joining a generation still running, and speculating the suggestion after an accept.

Real server over stdio with tiny scripted GPT-2 models: the scripted one writes
"    return 1" lines (a long block when the token budget allows), the endless
one writes "x" until stopped.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.raw_client import RawServer

URI = "file:///pending.py"
OTHER = "file:///other.py"
# A 2 s budget, and no speculation after the answer: these tests count generations.
STREAMING_2S = {"maxTimeMs": 2000, "speculative": False}
PROMPT = "# add two numbers\ndef add(a, b):\n"
REQUEST_CANCELLED = -32800
COMPLETION, INLINE = "textDocument/completion", "textDocument/inlineCompletion"


def _server(model: Path, **settings: Any) -> RawServer:
    raw = RawServer()
    raw.initialize({"model": str(model), "numCandidates": 1, **settings})
    raw.wait_ready()
    raw.open(URI, PROMPT)
    return raw


def _params(line: int, character: int, kind: int = 2) -> dict[str, Any]:
    return {
        "textDocument": {"uri": URI},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind},
    }


def _insert(raw: RawServer, version: int, line: int, character: int, text: str) -> None:
    at = {"line": line, "character": character}
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}],
        },
    )


def _streaming(raw: RawServer, timeout: float = 30) -> None:
    """Wait until a generation is running and has decoded a few tokens."""
    deadline = time.monotonic() + timeout
    before = raw.wait_ready()["decodeSteps"]
    while time.monotonic() < deadline:
        status = raw.wait_ready()
        if status["active"] and status["decodeSteps"] >= before + 8:
            return
        time.sleep(0.02)
    raise AssertionError("no generation started")


def _idle(raw: RawServer, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (status := raw.wait_ready())["active"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert status["active"] == 0
    return status


def _generations_reach(raw: RawServer, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (found := raw.wait_ready()["generations"]) < count:
        assert time.monotonic() < deadline, f"{found} generations, not {count}, after {timeout} s"
        time.sleep(0.02)


def _type_while_streaming(raw: RawServer, typed: str) -> dict[str, Any]:
    """Ask at the start of line 2, type `typed` there while the answer streams, ask
    again after it: the first request is cancelled; the second's answer is returned."""
    first = raw.send_request("textDocument/inlineCompletion", _params(2, 0))
    _streaming(raw)
    _insert(raw, 2, 2, 0, typed)
    second = raw.request("textDocument/inlineCompletion", _params(2, len(typed)), 60)
    assert _error_code(raw.response(first, 10)) == REQUEST_CANCELLED
    return second


def test_typing_into_a_streaming_suggestion_joins_it(scripted_model_dir: Path) -> None:
    # Thousands of tokens: the generation streams until its 2 s budget.
    raw = _server(scripted_model_dir, maxNewTokens=4000, inline=STREAMING_2S)
    try:
        items = _type_while_streaming(raw, "    re")["result"]["items"]
        assert items and items[0]["insertText"].startswith("turn 1\n    return 1\n")
        assert items[0]["range"]["start"] == {"line": 2, "character": 6}
        assert items[0]["command"]["arguments"][0]["version"] == 2
        status = _idle(raw)
        assert status["generations"] == 1  # the running one served both requests
        assert status["typeThrough"]["streaming"] == 1
    finally:
        raw.close()


def test_typing_something_else_stops_the_streaming_one(scripted_model_dir: Path) -> None:
    raw = _server(scripted_model_dir, maxNewTokens=4000, inline=STREAMING_2S)
    try:
        _type_while_streaming(raw, "    zz")
        status = _idle(raw)
        assert status["generations"] == 2
        assert status["typeThrough"]["streaming"] == 0
        assert status["stepsAfterCancel"] and max(status["stepsAfterCancel"]) <= 1
    finally:
        raw.close()


def test_speculation_answers_the_request_after_an_accept(scripted_model_dir: Path) -> None:
    raw = _server(scripted_model_dir, maxNewTokens=8, inline={"speculative": True})
    try:
        shown = raw.request("textDocument/inlineCompletion", _params(2, 0, kind=1), 60)
        accepted = shown["result"]["items"][0]["insertText"]
        assert accepted.startswith("    return 1")
        status = _idle(raw)
        assert status["speculative"] == {"started": 1, "used": 0, "stopped": 0}
        assert status["generations"] == 2  # the shown one, and the one after it
        # The user accepts: the editor inserts the text, then asks at its end.
        _insert(raw, 2, 2, 0, accepted)
        end = accepted.count("\n") + 2, len(accepted) - accepted.rfind("\n") - 1
        speculated = raw.request("textDocument/inlineCompletion", _params(*end), 60)
        status = raw.wait_ready()
        assert status["speculative"]["used"] == 1
        next_lines = _texts(speculated)
        assert next_lines and next_lines[0].startswith("\n    ")  # the lines after it
        assert speculated["result"]["items"][0]["command"]["arguments"][0]["version"] == 2
        # Enter (with the editor's indentation) types into it: answered without the engine.
        _insert(raw, 3, *end, "\n    ")
        after_enter = (end[0] + 1, 4)
        typed = raw.request("textDocument/inlineCompletion", _params(*after_enter), 60)
        assert _texts(typed)[0] == next_lines[0][len("\n    ") :]
        assert raw.wait_ready()["typeThrough"]["hits"] == 1
        # Generated afresh at that point, the (greedy) answer is the same.
        _idle(raw)
        off = {"lspCodegen": {"inline": {"speculative": False}}}
        raw.notify("workspace/didChangeConfiguration", {"settings": off})
        _insert(raw, 4, *after_enter, "")
        fresh = raw.request("textDocument/inlineCompletion", _params(*after_enter, kind=1), 60)
        assert _texts(fresh)[0] == _texts(typed)[0]
    finally:
        raw.close()


def _error_code(answer: dict[str, Any] | None) -> int | None:
    assert answer is not None, "never answered"
    code: int | None = answer.get("error", {}).get("code")
    return code


def _texts(answer: dict[str, Any]) -> list[str]:
    return [item["insertText"] for item in answer["result"]["items"]]


def test_speculation_is_on_by_default_and_can_be_turned_off(scripted_model_dir: Path) -> None:
    raw = _server(scripted_model_dir, maxNewTokens=8)
    try:
        assert raw.wait_ready()["settings"]["inline"]["speculative"] is True
        off = {"lspCodegen": {"inline": {"speculative": False}}}
        raw.notify("workspace/didChangeConfiguration", {"settings": off})
        raw.request("textDocument/inlineCompletion", _params(2, 0, kind=1), 60)
        status = _idle(raw)
        assert status["speculative"] == {"started": 0, "used": 0, "stopped": 0}
        assert status["generations"] == 1
    finally:
        raw.close()


def test_a_request_stops_a_running_speculation(endless_model_dir: Path) -> None:
    # "x" forever: the line is completed until the budget, and so is the speculation.
    # No in-context example: 1.5 s of "x" nearly fills contextTokens, and the example's
    # tokens would move the prompt window, where speculation rightly does not start.
    raw = _server(
        endless_model_dir,
        maxNewTokens=4000,
        inline={"maxTimeMs": 1500, "speculative": True},
        context={"inContextExamples": 0},
    )
    try:
        _insert(raw, 2, 2, 0, "    y")
        shown = raw.request("textDocument/inlineCompletion", _params(2, 5, kind=1), 60)
        assert _texts(shown)[0].startswith("xxx")
        _streaming(raw)  # the speculative generation
        # The user asks in another document: the speculation yields the engine at once.
        other = {"uri": OTHER, "languageId": "python", "version": 1, "text": PROMPT + "    y"}
        raw.notify("textDocument/didOpen", {"textDocument": other})
        params = {**_params(2, 5, kind=1), "textDocument": {"uri": OTHER}}
        answer = raw.request("textDocument/inlineCompletion", params, 60)
        assert _texts(answer)[0].startswith("xxx")
        status = raw.wait_ready()
        assert status["speculative"]["stopped"] == 1
        assert status["stepsAfterCancel"] and max(status["stepsAfterCancel"]) <= 1
    finally:
        raw.close()


def test_no_speculation_when_it_would_move_the_prompt_window(scripted_model_dir: Path) -> None:
    # contextTokens 64: the prompt window moves a line per line written, so the lines
    # after the suggestion would start the prompt elsewhere; reading it would cost a
    # whole prompt read now and another one when the user does not accept.
    long_file = "".join(f"value_{i} = {i} * {i} + {i}\n" for i in range(60)) + PROMPT
    raw = _server(
        scripted_model_dir,
        maxNewTokens=8,
        contextTokens=64,
        inline={"speculative": True},
        context={"inContextExamples": 0},  # the window alone decides here
    )
    try:
        document = {"uri": OTHER, "languageId": "python", "version": 1, "text": long_file}
        raw.notify("textDocument/didOpen", {"textDocument": document})
        params = {**_params(62, 0, kind=1), "textDocument": {"uri": OTHER}}
        shown = raw.request("textDocument/inlineCompletion", params, 60)
        assert _texts(shown)
        status = _idle(raw)
        # Started, but it stopped at its prompt: the engine ran only the shown generation.
        assert status["speculative"]["started"] == 1 and status["generations"] == 1
        # A short file (the window does not move): speculated as usual.
        raw.request("textDocument/inlineCompletion", _params(2, 0, kind=1), 60)
        # The speculation is counted as started before it reaches the engine: on a busy
        # machine the engine can still be idle then (make test saw 2 generations here).
        _generations_reach(raw, 3)
        assert _idle(raw)["generations"] == 3
    finally:
        raw.close()


@pytest.mark.parametrize("first", ["textDocument/completion", "textDocument/inlineCompletion"])
def test_completion_beside_inline_shares_its_generation(
    scripted_model_dir: Path, first: str
) -> None:
    # VS Code's quick suggestions ask for completion items on the keystroke that asks for
    # ghost text: one generation answers both, whichever comes first.
    raw = _server(scripted_model_dir, maxNewTokens=4000, inline=STREAMING_2S)
    try:
        _insert(raw, 2, 2, 0, "    ")
        second = next(m for m in (COMPLETION, INLINE) if m != first)
        ids = {first: raw.send_request(first, _params(2, 4))}
        ids[second] = raw.send_request(second, _params(2, 4))
        answers = {method: raw.response(msg_id, 60) for method, msg_id in ids.items()}
        inline = answers[INLINE]
        completion = answers[COMPLETION]
        assert inline is not None and completion is not None
        ghost = _texts(inline)
        items = completion["result"]["items"]
        assert ghost and ghost[0].startswith("return 1")  # an early answer: whole lines
        assert [item["textEdit"]["newText"] for item in items] == ghost
        assert items[0]["textEdit"]["range"]["start"] == {"line": 2, "character": 4}
        assert items[0]["label"] == "return 1"
        status = _idle(raw)
        assert status["generations"] == 1
        assert status["typeThrough"]["streaming"] == 1  # the second one joined
    finally:
        raw.close()


def test_typing_into_listed_candidates_lists_the_rest_of_them(scripted_model_dir: Path) -> None:
    # Typed into the candidate: no new generation; the edit inserts the rest of it at the
    # cursor, and the label is the line as it will read ("return 1").
    raw = _server(scripted_model_dir, maxNewTokens=8, inline={"speculative": False})
    try:
        _insert(raw, 2, 2, 0, "    ")
        items = raw.request(COMPLETION, _params(2, 4), 60)["result"]["items"]
        assert items and items[0]["label"] == "return 1"
        assert items[0]["textEdit"]["newText"].startswith("return 1")
        _insert(raw, 3, 2, 4, "r")
        items = raw.request(COMPLETION, _params(2, 5), 60)["result"]["items"]
        assert items and items[0]["label"] == "return 1"
        assert items[0]["textEdit"]["newText"].startswith("eturn 1")
        assert items[0]["textEdit"]["range"]["start"] == {"line": 2, "character": 5}
        assert _idle(raw)["generations"] == 1  # the second one typed through the first
    finally:
        raw.close()
