"""`lsp-codegen.lastCompletion`: the trace of a shown answer, an empty one, a cancelled
and a superseded request — real server over stdio, tiny scripted GPT-2 models."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.raw_client import RawServer

URI = "file:///traced.py"
REQUEST_CANCELLED = -32800


@contextmanager
def _session(model: Path, text: str, **settings: Any) -> Iterator[RawServer]:
    """The server with `model` loaded and `text` open at URI; killed on leaving."""
    raw = RawServer()
    try:
        raw.initialize({"model": str(model), "numCandidates": 2, **settings})
        raw.wait_ready()
        raw.open(URI, text)
        yield raw
    finally:
        raw.close()


@pytest.fixture
def streaming(endless_model_dir: Path) -> Iterator[tuple[RawServer, int]]:
    """A session whose first inline request is streaming an endless answer: the server
    and that request's id."""
    with _session(endless_model_dir, "def f():\n", maxNewTokens=3000, maxTimeMs=60000) as raw:
        first = raw.send_request("textDocument/inlineCompletion", _inline(1, 0))
        _wait_streaming(raw)
        yield raw, first


def _inline(line: int, character: int, kind: int = 1) -> dict[str, Any]:
    return {
        "textDocument": {"uri": URI},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind},
    }


def _trace(raw: RawServer, **options: Any) -> Any:
    command = {"command": "lsp-codegen.lastCompletion", "arguments": [{"uri": URI, **options}]}
    answer = raw.request("workspace/executeCommand", command, 10)
    assert "error" not in answer, answer
    return answer["result"]


def _stage_names(trace: dict[str, Any]) -> list[str]:
    return [stage["stage"] for stage in trace["stages"]]


def test_a_shown_answer_says_what_each_stage_took_and_which_candidate_is_shown(
    scripted_model_dir: Path,
) -> None:
    with _session(
        scripted_model_dir, "def f():\n", maxNewTokens=8, inline={"speculative": False}
    ) as raw:
        items = raw.request("textDocument/inlineCompletion", _inline(1, 0), 60)["result"]["items"]
        assert items
        trace = _trace(raw)
        assert trace["request"]["kind"] == "inline"
        assert trace["request"]["position"] == {"line": 1, "character": 0}
        assert trace["request"]["trigger"] == "invoked" and trace["request"]["version"] == 1
        assert trace["outcome"]["status"] == "shown"
        assert trace["outcome"]["items"] == len(items)
        names = _stage_names(trace)
        for stage in ("prompt", "prompt read", "decode", "rank", "answer"):
            assert stage in names, names
        read = next(s for s in trace["stages"] if s["stage"] == "prompt read")
        assert read["tokens"] == read["reused"] + read["computed"] > 0
        shown = [c for c in trace["candidates"] if c["shown"]]
        assert [c["text"].startswith("    return 1") for c in shown] == [True] * len(shown)
        assert all(c["dropped"] for c in trace["candidates"] if not c["shown"])
        assert trace["summary"].startswith("shown: ")
        assert "stages:" in trace["text"] and "#0 " in trace["text"]


def test_an_empty_answer_names_the_gate_that_dropped_the_candidate(
    scripted_model_dir: Path,
) -> None:
    # "    return 1" cannot follow `x = ` on its line: the syntax gate rejects it, and no
    # start of it parses there either.
    with _session(
        scripted_model_dir, "def f():\n    x = \n", maxNewTokens=8, numCandidates=1
    ) as raw:
        answer = raw.request("textDocument/inlineCompletion", _inline(1, 8), 60)
        assert answer["result"]["items"] == []
        trace = _trace(raw)
        assert trace["outcome"]["status"] == "empty"
        assert "rejected by syntax" in trace["outcome"]["reason"]
        assert trace["summary"].startswith("nothing shown: 1 candidate")
        [candidate] = trace["candidates"]
        assert not candidate["shown"] and candidate["dropped"].startswith("syntax")


def test_a_request_cancelled_by_the_client_says_so(streaming: tuple[RawServer, int]) -> None:
    raw, first = streaming
    raw.notify("$/cancelRequest", {"id": first})
    assert raw.response(first, 10)["error"]["code"] == REQUEST_CANCELLED  # type: ignore[index]
    trace = _trace(raw)
    assert trace["outcome"]["status"] == "cancelled"
    assert "$/cancelRequest" in trace["outcome"]["reason"]


def test_a_superseded_request_names_the_one_that_replaced_it(
    streaming: tuple[RawServer, int],
) -> None:
    raw, first = streaming
    second = raw.send_request("textDocument/inlineCompletion", _inline(1, 0))
    assert raw.response(first, 10)["error"]["code"] == REQUEST_CANCELLED  # type: ignore[index]
    older, newer = _trace(raw, all=True)["traces"][-2:]
    assert older["outcome"]["status"] == "superseded"
    assert older["outcome"]["by"] == newer["id"]
    raw.notify("$/cancelRequest", {"id": second})
    raw.response(second, 10)


def test_completion_and_generating_code_actions_are_traced_but_not_plain_ones(
    two_answer_model_dir: Path,
) -> None:
    prompt = "# one\n# one() == 1\ndef one():\n"
    with _session(two_answer_model_dir, prompt, maxNewTokens=8) as raw:
        completion = {"textDocument": {"uri": URI}, "position": {"line": 3, "character": 0}}
        raw.request("textDocument/completion", completion, 60)
        assert _trace(raw, kind="completion")["outcome"]["status"] == "shown"
        plain = _code_actions(raw, trigger=2)  # automatic: listed, nothing generated
        assert any(a["title"] == "Generate code from comment" for a in plain)
        assert _trace(raw, kind="codeAction") is None
        # Ctrl+.: the menu answers at once, its trace follows the candidates' generation.
        assert [a["title"] for a in _code_actions(raw, trigger=1)] == [plain[0]["title"]]
        wait = {"command": "lsp-codegen.commentCandidates", "arguments": [{"uri": URI, "line": 0}]}
        raw.request("workspace/executeCommand", wait, 120)
        first = _trace(raw, kind="codeAction")
        assert first["request"]["trigger"] == "invoked"
        assert first["outcome"]["status"] == "empty"
        assert "being written; Ctrl+. again lists them" in first["outcome"]["reason"]
        assert "examples" in _stage_names(first)
        # A second Ctrl+.: every candidate, checked, from that one generation.
        invoked = _code_actions(raw, trigger=1)
        trace = _trace(raw, kind="codeAction")
        assert trace["id"] != first["id"] and "cached result" in _stage_names(trace)
        shown = [c for c in trace["candidates"] if c["shown"]]
        assert trace["outcome"]["items"] == len(shown) == len(invoked) - 1
        assert {c["evidence"]["examples"] for c in shown} <= {"0/1", "1/1"}


def _code_actions(raw: RawServer, trigger: int) -> list[dict[str, Any]]:
    at = {"line": 0, "character": 0}
    params = {
        "textDocument": {"uri": URI},
        "range": {"start": at, "end": at},
        "context": {"diagnostics": [], "triggerKind": trigger},
    }
    actions: list[dict[str, Any]] = raw.request("textDocument/codeAction", params, 120)["result"]
    return actions


def test_the_command_refuses_arguments_without_a_uri(scripted_model_dir: Path) -> None:
    with _session(scripted_model_dir, "x = 1\n") as raw:
        command = {"command": "lsp-codegen.lastCompletion", "arguments": [{"kind": "inline"}]}
        answer = raw.request("workspace/executeCommand", command, 10)
        assert answer["error"]["code"] == -32602
        assert _trace(raw) is None  # nothing asked yet for this document


def _wait_streaming(raw: RawServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = raw.wait_ready()
        if status["active"] and status["decodeSteps"] >= 4:
            return
        time.sleep(0.02)
    raise AssertionError("no generation started")
