"""Sampled candidates as the choices of one request (`n`, `remote.batchedN`), and the
fallback to one request per candidate where the server ignores `n`.

Against llama-cpp-python's server (which ignores `n` and `stream_options`) and the
"choices"/"strict" servers of bad_server.py (which stream `n` choices as vLLM does).
vLLM itself: tests/engines/test_remote_vllm.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.remote.engine import RemoteEngine, load_remote_engine
from tests.engines.helpers import collect, remote, text_of
from tests.engines.servers import ServerProcess, bad_server, free_port

PROMPT = "def add(a, b):\n    return"


def _request(candidates: int, tokens: int, **fields: Any) -> GenerationRequest:
    """A time limit a busy shared CPU cannot reach."""
    return GenerationRequest(
        PROMPT,
        **{
            "num_candidates": candidates,
            "max_new_tokens": tokens,
            "temperature": 1.0,
            "max_time_s": 300.0,
            **fields,
        },
    )


def _engine(server: ServerProcess, **overrides: object) -> RemoteEngine:
    """An engine for `server`; a fresh llama-cpp-python server's first answer, queued
    behind another on a busy CPU, may take longer than the default timeout."""
    return load_remote_engine(remote(server.url, **{"timeoutMs": 60000, **overrides}))


@pytest.fixture(scope="module")
def choices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server that streams `n` choices, one per event, as vLLM does."""
    log = tmp_path_factory.mktemp("choices") / "server.log"
    server = bad_server("choices", free_port(), log).start()
    yield server
    server.stop()


async def test_llamacpp_ignores_n_so_each_sampled_candidate_is_a_request(
    served: ServerProcess,
) -> None:
    engine = _engine(served, maxConcurrent=2)
    updates = await collect(engine, _request(3, 6))
    assert sorted(updates) == [0, 1, 2]
    assert all(u[-1].done and text_of(u) for u in updates.values())
    assert engine.stats.n_honoured is False
    # The greedy candidate, the one-token question about `n`, and one per sampled one.
    assert list(engine.stats.requests_per_generation) == [4]
    await collect(engine, _request(3, 6))  # asked once per engine
    assert list(engine.stats.requests_per_generation) == [4, 3]
    assert engine.stats.completion_tokens == 0  # it ignores `stream_options`, quietly


async def test_batched_n_forced_on_a_server_that_ignores_it_ends_every_candidate(
    served: ServerProcess,
) -> None:
    engine = _engine(served, maxConcurrent=2, batchedN=True)
    updates = await collect(engine, _request(3, 6))
    assert sorted(updates) == [0, 1, 2]
    assert all(u[-1].done for u in updates.values())
    assert text_of(updates[1]) and not text_of(updates[2])  # only choice 0 came back
    assert updates[2][-1].finish_reason == "length"
    assert list(engine.stats.requests_per_generation) == [2]


async def test_batched_n_false_never_asks(choices: ServerProcess) -> None:
    engine = _engine(choices, batchedN=False)
    await collect(engine, _request(4, 3))
    assert engine.stats.n_honoured is None
    assert list(engine.stats.requests_per_generation) == [4]


async def test_choices_of_one_request_become_candidates(choices: ServerProcess) -> None:
    engine = _engine(choices, logprobs=True)
    updates = await collect(engine, _request(4, 3))
    assert engine.stats.n_honoured is True
    # The greedy candidate alone; choice i of the `n` = 3 request is candidate i + 1.
    assert text_of(updates[0]) == " c0t0 c0t1 c0t2"
    for candidate in (1, 2, 3):
        choice = candidate - 1
        assert text_of(updates[candidate]) == f" c{choice}t0 c{choice}t1 c{choice}t2"
        assert [u.logprob for u in updates[candidate] if u.delta] == [-(choice + 1) / 10] * 3
        assert updates[candidate][-1].finish_reason == "length"
    assert list(engine.stats.requests_per_generation) == [3]  # the question about `n` too
    await collect(engine, _request(4, 3))
    assert list(engine.stats.requests_per_generation) == [3, 2]
    # `stream_options`: the server's counts of both generations' requests.
    assert engine.stats.completion_tokens == 2 * (3 + 3 * 3)


async def test_cancel_closes_a_batched_stream_at_once(choices: ServerProcess) -> None:
    engine = _engine(choices, batchedN=True)
    cancel = CancelToken()
    seen: dict[int, list[str | None]] = {}
    async for update in engine.stream(_request(4, 3000), cancel):
        seen.setdefault(update.index, []).append(update.finish_reason)
        if len(seen) == 4 and not cancel.cancelled:
            cancel.cancel()
    assert cancel.cancelled_at is not None
    assert time.monotonic() - cancel.cancelled_at < 0.5
    assert all(reasons[-1] == "cancelled" for reasons in seen.values())
    assert await _open_streams(choices) == 0


async def test_a_server_refusing_stream_options_is_asked_again_without(tmp_path: Path) -> None:
    strict = bad_server("strict", free_port(), tmp_path / "strict.log").start()
    try:
        engine = _engine(strict)
        updates = await collect(engine, _request(1, 2))
        assert text_of(updates[0]) == " c0t0 c0t1"
        assert list(engine.stats.requests_per_generation) == [2]  # refused, then without
        await collect(engine, _request(1, 2))
        assert list(engine.stats.requests_per_generation) == [2, 1]
    finally:
        strict.stop()


async def _open_streams(server: ServerProcess) -> int:
    """Streams the server is still writing, once it has seen the disconnects."""
    async with httpx2.AsyncClient() as client:
        for _ in range(50):
            open_now: int = (await client.get(f"{server.url}/open")).json()["open"]
            if open_now == 0:
                break
            await asyncio.sleep(0.02)
    return open_now
