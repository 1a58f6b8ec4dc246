"""The llama.cpp engine on the embedded GGUF: streaming, candidates, cancel, prompt cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.llamacpp.engine import LlamaCppEngine, load_llamacpp_engine
from tests.engines.helpers import collect, text_of

PROMPT = "def add(a, b):\n    return"
ENDLESS = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"
# A file-sized prefix: about 400 tokens the second request must not read again.
FILE = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(40))


@pytest.fixture(scope="module")
def llama(gguf: Path) -> Iterator[LlamaCppEngine]:
    engine = load_llamacpp_engine(str(gguf), lambda _: None, lambda _: None)
    yield engine
    engine.close()


async def test_streams_tokens_with_logprobs(llama: LlamaCppEngine, gguf: Path) -> None:
    request = GenerationRequest(PROMPT, num_candidates=1, max_new_tokens=12)
    updates = (await collect(llama, request))[0]
    assert len(updates) > 3 and updates[-1].done
    assert all(u.logprob <= 0 for u in updates) and any(u.logprob < 0 for u in updates)
    assert text_of(updates).strip()
    info = llama.info()
    assert info.engine == "llamacpp" and info.device == "cpu" and info.model == gguf.name


async def test_several_candidates_first_greedy(llama: LlamaCppEngine) -> None:
    request = GenerationRequest(PROMPT, num_candidates=3, max_new_tokens=10, temperature=1.0)
    updates = await collect(llama, request)
    assert sorted(updates) == [0, 1, 2] and all(u[-1].done for u in updates.values())
    again = await collect(llama, GenerationRequest(PROMPT, num_candidates=1, max_new_tokens=10))
    assert text_of(again[0]) == text_of(updates[0])


async def test_stop_strings_and_rule(llama: LlamaCppEngine) -> None:
    request = GenerationRequest(ENDLESS, num_candidates=1, max_new_tokens=64, stop=(" 15",))
    updates = (await collect(llama, request))[0]
    assert updates[-1].finish_reason == "stop" and text_of(updates).rstrip().endswith("14,")
    ruled = GenerationRequest(
        ENDLESS,
        num_candidates=1,
        max_new_tokens=64,
        stop_rule=lambda text: text.find("16") if "16" in text else None,
    )
    updates = (await collect(llama, ruled))[0]
    assert updates[-1].finish_reason == "stop" and text_of(updates).endswith("15, ")


async def test_cancel_mid_generation(llama: LlamaCppEngine) -> None:
    cancel = CancelToken()
    request = GenerationRequest(ENDLESS, num_candidates=2, max_new_tokens=3000)
    updates = []
    async for update in llama.stream(request, cancel):
        updates.append(update)
        if len(updates) == 5:
            cancel.cancel()
    reasons = {u.index: u.finish_reason for u in updates if u.done}
    assert reasons == {0: "cancelled", 1: "cancelled"}
    assert len(updates) < 12
    assert llama.stats.steps_after_cancel[-1] <= 1


async def test_max_time(llama: LlamaCppEngine) -> None:
    request = GenerationRequest(ENDLESS, num_candidates=1, max_new_tokens=3000, max_time_s=0.3)
    updates = (await collect(llama, request))[0]
    assert updates[-1].finish_reason == "time"


async def test_prompt_cache_reads_only_the_new_tokens(llama: LlamaCppEngine) -> None:
    first = GenerationRequest(FILE + "def add(a, b):\n", num_candidates=2, max_new_tokens=4)
    await collect(llama, first)
    stats = llama.stats
    # A different file was in the cache: all of it is read (only BOS may be shared).
    prompt, evaluated = stats.prefills[-1]
    assert evaluated >= prompt - 1 > 300
    # The user typed a few characters: only the tokens after the shared prefix are read.
    typed = GenerationRequest(FILE + "def add(a, b):\n    ret", num_candidates=1, max_new_tokens=4)
    await collect(llama, typed)
    prompt, evaluated = stats.prefills[-1]
    assert prompt > 300
    assert 1 <= evaluated <= 6
