"""The remote engine against a real vLLM (CPU build), through the engine and through LSP.

Run by `make test-vllm` (skipped without $LSP_CODEGEN_VLLM_PYTHON). One vLLM serves the
whole file (conftest.py's `vllm`); the test that kills it mid-stream restarts it and is
last. What vLLM did is read from its /metrics: `vllm:num_requests_running` (generations
still running), `vllm:prefix_cache_hits_total` / `vllm:prefix_cache_queries_total`
(prompt tokens found in / looked up in its prefix cache).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.engine import load_remote_engine
from lsp_codegen.ranking.score import FLOOR_LOGPROB
from tests.engines.helpers import OPTIONS, SOURCE, URI, collect, inline_and_actions, remote, text_of
from tests.engines.servers import ServerProcess, vllm_metric
from tests.lsp.helpers import SERVER, init_params
from tests.lsp.raw_client import RawServer

MODEL = "gemma-3-270m"
RUNNING = "vllm:num_requests_running"
WAITING = "vllm:num_requests_waiting"
HITS = "vllm:prefix_cache_hits_total"  # prompt tokens found in vLLM's prefix cache
QUERIES = "vllm:prefix_cache_queries_total"  # prompt tokens looked up there
INVOKED, AUTOMATIC = 1, 2
REQUEST_CANCELLED = -32800
# A line the model continues for as long as it is allowed to.
ENDLESS = "numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,"
ENDLESS_URI = "file:///endless.py"


# No test here is about the time limit; 2 busy cores can make a first token slow.
TIMEOUT_MS = 60000


def _remote(vllm: ServerProcess) -> dict[str, Any]:
    return {
        "url": vllm.url,
        "model": MODEL,
        "maxConcurrent": 4,
        "logprobs": True,
        "timeoutMs": TIMEOUT_MS,
    }


def _options(vllm: ServerProcess, **overrides: Any) -> dict[str, Any]:
    """Remote settings for vLLM; no speculation after an answer (it would start
    generations the tests do not count)."""
    options = {
        **OPTIONS,
        "engine": "remote",
        "remote": _remote(vllm),
        "numCandidates": 4,
        "inline": {"maxTimeMs": 120000, "speculative": False, "answerMs": 0},
    }
    return {**options, **overrides}


def _raw(vllm: ServerProcess, **overrides: Any) -> RawServer:
    raw = RawServer()
    raw.initialize(_options(vllm, **overrides))
    raw.wait_ready()
    return raw


def _open(raw: RawServer, uri: str, text: str) -> None:
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    raw.notify("textDocument/didOpen", {"textDocument": document})


def _inline(uri: str, line: int, character: int, kind: int = INVOKED) -> dict[str, Any]:
    return {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": kind},
    }


def _trace(raw: RawServer, uri: str) -> Any:
    command = {"command": "lsp-codegen.lastCompletion", "arguments": [{"uri": uri}]}
    answer = raw.request("workspace/executeCommand", command, 10)
    assert "error" not in answer, answer
    return answer["result"]


def _wait_metric(
    vllm: ServerProcess, name: str, done: Any, timeout: float, interval: float = 0.02
) -> float:
    """Poll `name` until `done(value)`; the value (fails after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = vllm_metric(vllm, name)
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} is still {value} after {timeout} s")
        time.sleep(interval)


def _idle(vllm: ServerProcess) -> None:
    """Nothing running or queued on vLLM (an earlier test's generation has ended)."""
    _wait_metric(vllm, RUNNING, lambda v: v == 0, 60)
    _wait_metric(vllm, WAITING, lambda v: v == 0, 60)


@pytest.fixture
def endless(vllm: ServerProcess) -> Iterator[RawServer]:
    """An LSP server whose inline requests at the end of ENDLESS generate until stopped."""
    _idle(vllm)
    inline = {"maxTimeMs": 30000, "speculative": False, "answerMs": 0}
    raw = _raw(vllm, maxNewTokens=1500, inline=inline)
    _open(raw, ENDLESS_URI, ENDLESS + "\n")
    try:
        yield raw
    finally:
        raw.close()


# --- through the engine --------------------------------------------------------------


async def test_engine_streams_four_candidates_with_logprobs(vllm: ServerProcess) -> None:
    engine = load_remote_engine(remote(**_remote(vllm)))
    request = GenerationRequest(
        "def add(a, b):\n    return",
        num_candidates=4,
        max_new_tokens=12,
        temperature=0.8,
        max_time_s=120,
    )
    updates = await collect(engine, request)
    assert sorted(updates) == [0, 1, 2, 3]
    assert all(u[-1].done for u in updates.values())
    assert text_of(updates[0]).strip()  # the greedy candidate writes code
    for index, candidate in updates.items():
        assert all(u.logprob <= 0 for u in candidate), index
        assert any(u.logprob < 0 for u in candidate), index  # real log-probabilities
    assert engine.info().model == MODEL


async def test_sampled_candidates_go_as_one_request_with_n(vllm: ServerProcess) -> None:
    # vLLM honours `n`: the greedy candidate is its own request and the three sampled ones
    # the choices of one more (the first generation also asks, once, whether `n` works).
    request = GenerationRequest(
        "def add(a, b):\n    return", num_candidates=4, max_new_tokens=8, max_time_s=120
    )
    batched = load_remote_engine(remote(**_remote(vllm)))
    for _ in range(2):
        updates = await collect(batched, request)
        assert sorted(updates) == [0, 1, 2, 3]
        assert all(text_of(updates[index]) for index in (1, 2, 3))
    assert batched.stats.n_honoured is True
    assert list(batched.stats.requests_per_generation) == [3, 2]
    assert batched.stats.completion_tokens > 0
    streams = load_remote_engine(remote(**_remote(vllm), batchedN=False))
    assert sorted(await collect(streams, request)) == [0, 1, 2, 3]
    assert list(streams.stats.requests_per_generation) == [4]
    assert streams.stats.n_honoured is None


# --- through LSP ---------------------------------------------------------------------


@pytest_lsp.fixture(config=SERVER)
async def over_vllm(lsp_client: LanguageClient, vllm: ServerProcess):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(init_params(_options(vllm)))
    yield
    await lsp_client.shutdown_session()


async def test_inline_and_comment_to_code_actions(over_vllm: LanguageClient) -> None:
    # Inline text, then "Generate code from comment"'s candidates as code actions titled
    # with their evidence, resolved to an edit of which one parses and returns.
    await inline_and_actions(over_vllm, "remote")


def test_four_candidates_ranked_by_their_logprobs(vllm: ServerProcess) -> None:
    raw = _raw(vllm)
    try:
        _open(raw, URI, SOURCE)
        items = raw.request("textDocument/inlineCompletion", _inline(URI, 2, 0), 120)["result"]
        assert items["items"], items
        candidates = _trace(raw, URI)["candidates"]
        assert sorted(c["index"] for c in candidates) == [0, 1, 2, 3], candidates
        scores = [c["evidence"]["mean_logprob"] for c in candidates if c["evidence"]]
        assert scores, candidates
        # vLLM's per-token log-probabilities, not the floor of a candidate without them
        # (nor the 0.0 of a server that sent none).
        assert all(FLOOR_LOGPROB < s < 0 for s in scores), scores
    finally:
        raw.close()


def test_cancel_request_stops_vllm_within_a_second(vllm: ServerProcess, endless: RawServer) -> None:
    line, character = 1, 0
    asked = endless.send_request(
        "textDocument/inlineCompletion", _inline(ENDLESS_URI, line, character)
    )
    # All four candidates are in flight (the sampled three are one request with n = 3, its
    # choices run as requests of their own), then past their prompt: vLLM takes an abort
    # between steps, and a step that reads a prompt (fp32, 2 cores) can itself take ~1 s.
    _wait_metric(vllm, RUNNING, lambda v: v >= 4, 60)
    time.sleep(0.5)
    endless.notify("$/cancelRequest", {"id": asked})
    cancelled = time.monotonic()
    answer = endless.response(asked, 10)
    assert answer is not None, "no answer within 10 s of the cancel"
    _wait_metric(vllm, RUNNING, lambda v: v == 0, 1.0)
    assert time.monotonic() - cancelled < 1.0 + 0.1  # the last /metrics read's own time


def test_cancel_storm_leaks_no_generation(vllm: ServerProcess, endless: RawServer) -> None:
    queries = vllm_metric(vllm, QUERIES)
    asked = []
    for number in range(200):
        kind = AUTOMATIC if number % 2 else INVOKED
        asked.append(
            endless.send_request("textDocument/inlineCompletion", _inline(ENDLESS_URI, 1, 0, kind))
        )
        time.sleep((number % 10) / 1000)  # cancelled 0 to 9 ms after it was sent
        endless.notify("$/cancelRequest", {"id": asked[-1]})
    missing = [i for i in asked if endless.response(i, 30) is None]
    assert not missing, f"{len(missing)} requests never answered"
    time.sleep(1.0)
    assert vllm_metric(vllm, RUNNING) == 0
    assert vllm_metric(vllm, WAITING) == 0
    # Some requests were scheduled (their prompts looked up in the prefix cache) before
    # their cancel: the storm stopped generations, not only requests still in our queue.
    reached = vllm_metric(vllm, QUERIES) - queries
    assert reached > 0, "no request reached vLLM before its cancel: the storm tested nothing"


def test_typing_at_the_end_of_a_file_hits_vllms_prefix_cache(vllm: ServerProcess) -> None:
    # A document of ~300 tokens (vLLM's CPU cache holds 128-token blocks) that no other
    # request began with, one greedy candidate per request.
    header = f"# Inventory helpers ({uuid.uuid4().hex}).\n"
    body = "".join(
        f"def price_{i}(quantity):\n    return quantity * {i + 3}.5\n\n\n" for i in range(14)
    )
    text = header + body
    raw = _raw(vllm, numCandidates=1, maxNewTokens=8)
    try:
        _idle(vllm)
        _open(raw, URI, text)
        hits: list[float] = []
        for step, typed in enumerate(["def ", "total", "_price(", "items):\n    "]):
            if step:
                text += typed
                change = {
                    "textDocument": {"uri": URI, "version": step + 1},
                    "contentChanges": [{"text": text}],
                }
                raw.notify("textDocument/didChange", change)
            before = vllm_metric(vllm, HITS)
            lines = text.split("\n")
            raw.request(
                "textDocument/inlineCompletion", _inline(URI, len(lines) - 1, len(lines[-1])), 120
            )
            _idle(vllm)
            hits.append(vllm_metric(vllm, HITS) - before)
        # The first prompt was new to vLLM; each later one reused at least a block of it.
        assert hits[0] == 0, hits
        assert all(h >= 128 for h in hits[1:]), hits
    finally:
        raw.close()


def test_vllm_killed_mid_stream_then_back(vllm: ServerProcess, endless: RawServer) -> None:
    # Last in this file: it restarts the session's vLLM (~80 s).
    asked = endless.send_request("textDocument/inlineCompletion", _inline(ENDLESS_URI, 1, 0))
    _wait_metric(vllm, RUNNING, lambda v: v > 0, 60)
    time.sleep(0.5)
    vllm.kill()
    killed = time.monotonic()
    answer = endless.response(asked, 15)
    assert answer is not None, "the request hung after vLLM died"
    assert time.monotonic() - killed < 15
    message = answer.get("error", {}).get("message", "")
    assert "mid-stream" in message or "cannot connect" in message, answer
    shown = [
        n["params"]["message"] for n in endless.notifications if n["method"] == "window/showMessage"
    ]
    assert any("mid-stream" in m or "cannot connect" in m for m in shown), shown

    vllm.start(timeout=300)
    _open(endless, URI, SOURCE)  # a function body: its block ends, so does the request
    deadline = time.monotonic() + 120
    while True:  # the engine backs off (at most 8 s) after the failures
        answer = endless.request("textDocument/inlineCompletion", _inline(URI, 2, 0), timeout=120)
        if "result" in answer or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert "result" in answer, answer
    assert answer["result"]["items"], answer
