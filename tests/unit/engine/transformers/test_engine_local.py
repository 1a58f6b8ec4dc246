"""The local engine on real (tiny) transformers models: batching, stops, cancel, faults."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from tests.engines.helpers import collect, text_of


def _load(model_dir: Path) -> LocalEngine:
    return load_local_engine(LoadOptions(model=str(model_dir)), lambda _: None, lambda _: None)


@pytest.fixture(scope="module")
def endless(endless_model_dir: Path) -> LocalEngine:
    return _load(endless_model_dir)


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> LocalEngine:
    return _load(tiny_model_dir)


async def test_n_candidates_share_one_prefill_and_one_batch(endless: LocalEngine) -> None:
    before = endless.stats.decode_steps
    # Not healed: the first token would write the prompt's trailing space again.
    request = GenerationRequest(prompt="y = ", num_candidates=4, max_new_tokens=12, heal=False)
    updates = await collect(endless, request)
    assert sorted(updates) == [0, 1, 2, 3]
    for candidate in updates.values():
        assert text_of(candidate) == "x" * 12
        assert candidate[-1].done and candidate[-1].finish_reason == "length"
        assert all(u.logprob <= 0.0 for u in candidate)
    # One prefill + 11 batched steps, whatever N is: 12 forward passes, not 48.
    assert endless.stats.decode_steps - before == 12


async def test_stop_string_and_stop_rule_end_a_candidate(endless: LocalEngine) -> None:
    by_string = GenerationRequest(
        prompt="y = ", num_candidates=1, max_new_tokens=50, stop=("xxxx",)
    )
    (updates,) = (await collect(endless, by_string)).values()
    assert updates[-1].finish_reason == "stop" and text_of(updates) == ""
    by_rule = GenerationRequest(
        prompt="y = ",
        num_candidates=2,
        max_new_tokens=50,
        stop_rule=lambda text: 5 if len(text) >= 7 else None,
        heal=False,  # counts tokens: healing would spend one writing the trailing space
    )
    for updates in (await collect(endless, by_rule)).values():
        assert updates[-1].finish_reason == "stop" and text_of(updates) == "xxxxx"
        assert len(updates) == 7  # decoding ended as soon as the rule fired


async def test_cancel_stops_within_one_step(endless: LocalEngine) -> None:
    cancel = CancelToken()
    request = GenerationRequest(prompt="y = ", num_candidates=2, max_new_tokens=3000)
    seen = 0
    reasons = []
    async for update in endless.stream(request, cancel):
        seen += 1
        if seen == 10:
            cancel.cancel()
        if update.done:
            reasons.append(update.finish_reason)
    assert reasons == ["cancelled", "cancelled"]
    assert seen < 20
    assert cancel.steps_after <= 1
    assert endless.stats.steps_after_cancel[-1] == cancel.steps_after


async def test_closing_the_stream_cancels_the_generation(endless: LocalEngine) -> None:
    cancel = CancelToken()
    request = GenerationRequest(prompt="y = ", num_candidates=1, max_new_tokens=3000)

    async def consume() -> None:
        async for _ in endless.stream(request, cancel):
            pass

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancel.cancelled
    for _ in range(100):
        if endless.stats.active == 0:
            break
        await asyncio.sleep(0.02)
    assert endless.stats.active == 0


async def test_time_budget_ends_generation(endless: LocalEngine) -> None:
    request = GenerationRequest(
        prompt="y = ", num_candidates=1, max_new_tokens=3000, max_time_s=0.0
    )
    (updates,) = (await collect(endless, request)).values()
    assert updates[-1].finish_reason == "time"


async def test_sampled_candidates_differ_from_the_greedy_one(tiny: LocalEngine) -> None:
    request = GenerationRequest(
        prompt="def add(a, b):\n", num_candidates=3, max_new_tokens=40, temperature=1.5, seed=1
    )
    updates = await collect(tiny, request)
    texts = {text_of(candidate) for candidate in updates.values()}
    assert all(candidate[-1].done for candidate in updates.values())
    assert len(texts) == 3


async def test_each_candidate_samples_at_its_temperature_of_the_schedule(
    tiny: LocalEngine,
) -> None:
    # Spread 1 puts candidate 1 at temperature 0: it is a second greedy decode, the same
    # text as candidate 0, while candidates 2 (0.8) and 3 (1.6) sample the noise.
    for seed in (1, 2, 3):
        request = GenerationRequest(
            prompt="def add(a, b):\n",
            num_candidates=4,
            max_new_tokens=24,
            temperature=0.8,
            temperature_spread=1.0,
            seed=seed,
        )
        texts = {i: text_of(c) for i, c in (await collect(tiny, request)).items()}
        assert texts[1] == texts[0]
        assert texts[2] != texts[0] and texts[3] != texts[0]


async def test_a_model_failure_reaches_the_caller_and_the_engine_recovers(
    tiny: LocalEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tiny._model
    original = model.forward
    calls = {"n": 0}

    def failing_forward(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated out of memory")
        return original(*args, **kwargs)

    monkeypatch.setattr(model, "forward", failing_forward)
    request = GenerationRequest(prompt="x", num_candidates=2, max_new_tokens=10)
    with pytest.raises(RuntimeError, match="simulated out of memory"):
        await collect(tiny, request)
    assert tiny.stats.active == 0
    monkeypatch.setattr(model, "forward", original)
    assert len(await collect(tiny, request)) == 2
