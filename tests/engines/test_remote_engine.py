"""The remote engine against a real OpenAI-compatible server (llama-cpp-python's)."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.remote.engine import RemoteEngine, load_remote_engine
from lsp_codegen.engine.remote.health import RemoteError
from tests.engines.helpers import collect, remote, text_of
from tests.engines.servers import ServerProcess

PROMPT = "def add(a, b):\n    return"
# A prompt the model continues for as long as it is allowed to.
ENDLESS = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"


def _request(prompt: str, **fields: Any) -> GenerationRequest:
    """One greedy candidate, with a time limit a busy shared CPU cannot reach."""
    return GenerationRequest(
        prompt, **{"num_candidates": 1, "temperature": 0.0, "max_time_s": 300.0, **fields}
    )


def _engine(server: ServerProcess, **overrides: object) -> RemoteEngine:
    return load_remote_engine(remote(server.url, **overrides))


async def test_streams_tokens_with_logprobs(served: ServerProcess) -> None:
    engine = _engine(served, logprobs=True)
    request = _request(PROMPT, max_new_tokens=5)
    updates = (await collect(engine, request))[0]
    assert len(updates) >= 3  # token by token, not one blob
    assert updates[-1].done and updates[-1].finish_reason in ("length", "stop", "eos")
    assert all(u.logprob <= 0 for u in updates)
    assert any(u.logprob < 0 for u in updates)  # the server gave real log-probabilities
    assert text_of(updates).strip()
    assert engine.info().model == "gemma-3-270m"  # "" resolved through /v1/models


async def test_several_candidates(served: ServerProcess) -> None:
    engine = _engine(served, maxConcurrent=2)
    request = _request(PROMPT, num_candidates=3, max_new_tokens=8, temperature=1.0)
    updates = await collect(engine, request)
    assert sorted(updates) == [0, 1, 2]
    assert all(u[-1].done for u in updates.values())
    # The first candidate is greedy: the same text again.
    again = await collect(engine, _request(PROMPT, max_new_tokens=8))
    assert text_of(again[0]) == text_of(updates[0])


async def test_stop_strings_end_the_candidate(served: ServerProcess) -> None:
    engine = _engine(served)
    request = _request(ENDLESS, max_new_tokens=64, stop=(" 15",))
    updates = (await collect(engine, request))[0]
    assert updates[-1].finish_reason == "stop"
    assert " 15" not in text_of(updates) and "14" in text_of(updates)


async def test_stop_rule_closes_the_stream_client_side(served: ServerProcess) -> None:
    engine = _engine(served)
    request = _request(
        ENDLESS,
        num_candidates=1,
        max_new_tokens=200,
        stop_rule=lambda text: text.find("16") if "16" in text else None,
    )
    updates = (await collect(engine, request))[0]
    assert updates[-1].finish_reason == "stop" and text_of(updates).endswith("15, ")


async def test_cancel_mid_stream_stops_the_server(served: ServerProcess) -> None:
    engine = _engine(served)
    cancel = CancelToken()
    request = _request(ENDLESS, max_new_tokens=3000)
    seen = 0
    async for update in engine.stream(request, cancel):
        seen += 1
        if seen == 5:
            cancel.cancel()
        if update.done:
            assert update.finish_reason == "cancelled"
            break
    assert seen < 10
    # Had the server kept writing 3000 tokens, it would hold its model lock for
    # tens of seconds; a new request's first token comes at once instead.
    started = time.monotonic()
    probe = _request(PROMPT, max_new_tokens=1)
    await collect(engine, probe)
    assert time.monotonic() - started < 15


async def test_fim_prompt_template(served: ServerProcess) -> None:
    template = "# Code after the gap:\n{suffix}\n# The gap:\n{prefix}"
    engine = _engine(served, promptTemplate=template)
    assert "<fim_middle>" in engine.tokenizer.vocabulary()  # the prompt builder writes FIM
    prefix, suffix = "def add(a, b):\n    return", "\n\nprint(add(1, 2))\n"
    prompt = f"<fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>"
    request = _request(prompt, max_new_tokens=10)
    ours = text_of((await collect(engine, request))[0])
    # The same server asked directly with the rendered template gives the same text.
    rendered = template.replace("{prefix}", prefix).replace("{suffix}", suffix)
    body = {"model": "gemma-3-270m", "prompt": rendered, "max_tokens": 10, "temperature": 0}
    direct = httpx2.post(f"{served.url}/completions", json=body, timeout=60).json()
    assert ours == direct["choices"][0]["text"]


async def test_wrong_model_name_is_a_clear_error(served: ServerProcess) -> None:
    engine = _engine(served, model="no-such-model")
    with pytest.raises(RemoteError, match="does not serve model 'no-such-model'.*gemma-3-270m"):
        await collect(engine, _request(PROMPT, max_new_tokens=4))
    fixed = _engine(served, model="gemma-3-270m")
    assert (await collect(fixed, _request(PROMPT, max_new_tokens=4)))[0]


async def test_a_trailing_space_is_healed_by_cutting_it(served: ServerProcess) -> None:
    engine = _engine(served)
    prompt = "def words_reversed(s):\n    words "
    healed = text_of((await collect(engine, _request(prompt, max_new_tokens=6)))[0])
    plain = text_of((await collect(engine, _request(prompt, max_new_tokens=6, heal=False)))[0])
    # The server read "    words" and the model wrote " =" (or another operator) itself;
    # the space the user typed is not shown again.
    assert healed and not healed[0].isalnum() and not healed.startswith(" "), healed
    assert healed != plain, plain
