"""KV prefix reuse: a prompt that extends the last one computes only its new tokens."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine

PROMPT = "def add(a, b):\n    return a + b\n\n" * 20 + "def mul(a, b):\n    "


def _load(model_dir: Path) -> LocalEngine:
    return load_local_engine(LoadOptions(model=str(model_dir)), lambda _: None, lambda _: None)


async def _greedy(engine: LocalEngine, prompt: str) -> str:
    request = GenerationRequest(prompt=prompt, num_candidates=2, max_new_tokens=16, seed=3)
    texts: dict[int, str] = {}
    async for update in engine.stream(request, CancelToken()):
        texts[update.index] = texts.get(update.index, "") + update.delta
    return texts[0]


async def test_typing_at_the_end_recomputes_only_the_new_tokens(tiny_model_dir: Path) -> None:
    warm = _load(tiny_model_dir)
    await _greedy(warm, PROMPT)
    typed = await _greedy(warm, PROMPT + "ret")
    (first_prompt, first_computed), (prompt, computed) = list(warm.stats.prefills)
    assert first_computed == first_prompt  # nothing to reuse the first time
    assert prompt > first_prompt and computed <= prompt - first_prompt + 2
    # Same text as an engine that reads the whole prompt.
    cold = _load(tiny_model_dir)
    assert await _greedy(cold, PROMPT + "ret") == typed
    assert list(cold.stats.prefills) == [(prompt, prompt)]
    warm.close()
    cold.close()


async def test_an_identical_prompt_still_reads_its_last_token(tiny_model_dir: Path) -> None:
    engine = _load(tiny_model_dir)
    first = await _greedy(engine, PROMPT)
    again = await _greedy(engine, PROMPT)
    assert again == first
    assert list(engine.stats.prefills)[-1][1] == 1
    engine.close()


async def test_a_different_file_reuses_nothing(tiny_model_dir: Path) -> None:
    engine = _load(tiny_model_dir)
    await _greedy(engine, PROMPT)
    await _greedy(engine, "import os\n" + PROMPT)
    prompt, computed = list(engine.stats.prefills)[-1]
    assert computed >= prompt - 1
    engine.close()
