"""The llama.cpp engine on the embedded GGUF: streaming, candidates, cancel, prompt cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.healing import heal
from lsp_codegen.engine.llamacpp.decode import token_texts
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


async def test_each_candidate_samples_at_its_temperature_of_the_schedule(
    llama: LlamaCppEngine,
) -> None:
    # Spread 1 puts candidate 1 at temperature 0 (a second greedy decode: candidate 0's
    # text) and candidate 2 at 1.6, which leaves the greedy text within a few tokens.
    hot = set()
    for seed in (1, 2, 3):
        request = GenerationRequest(
            ENDLESS,
            num_candidates=3,
            max_new_tokens=12,
            temperature=0.8,
            temperature_spread=1.0,
            seed=seed,
        )
        texts = {i: text_of(c) for i, c in (await collect(llama, request)).items()}
        assert texts[1] == texts[0]
        hot.add(texts[2] != texts[0])
    assert True in hot


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


async def test_n_candidates_read_the_prompt_once_and_decode_together(
    llama: LlamaCppEngine,
) -> None:
    stats, sequences = llama.stats, llama._setup.sequences
    prompt = FILE + "def mul(a, b):\n"
    reads, steps, evaluated = len(stats.prefills), stats.decode_steps, sequences.evaluated()
    request = GenerationRequest(prompt, num_candidates=4, max_new_tokens=8, temperature=1.0, seed=3)
    updates = await collect(llama, request)
    assert sorted(updates) == [0, 1, 2, 3]
    assert len(stats.prefills) == reads + 1  # one prompt read for the four candidates
    (_, computed) = stats.prefills[-1]
    # One batch per step (8 steps, not 32), each evaluating at most one token per
    # candidate (candidates that wrote the same tokens so far share one).
    assert stats.decode_steps - steps == 8
    assert computed < sequences.evaluated() - evaluated <= computed + 7 * 4
    texts = {text_of(u) for u in updates.values()}
    assert len(texts) >= 2, texts  # sampled rows differ


async def test_candidates_that_agree_cost_one_row(llama: LlamaCppEngine) -> None:
    sequences = llama._setup.sequences
    before = sequences.evaluated()
    # Temperature 0: all four write the greedy tokens, one group on one sequence.
    request = GenerationRequest(
        FILE + "def twice(a):\n", num_candidates=4, max_new_tokens=8, temperature=0.0
    )
    updates = await collect(llama, request)
    assert len({text_of(u) for u in updates.values()}) == 1
    (_, computed) = llama.stats.prefills[-1]
    assert sequences.evaluated() - before == computed + 7


async def test_the_greedy_row_is_the_single_greedy_decode(llama: LlamaCppEngine) -> None:
    prompt = FILE + "def div(a, b):\n"
    batched = await collect(llama, GenerationRequest(prompt, num_candidates=4, max_new_tokens=16))
    alone = await collect(llama, GenerationRequest(prompt, num_candidates=1, max_new_tokens=16))
    assert text_of(batched[0]) == text_of(alone[0])
    # With another prompt in between (the cache holds other sequences' tokens).
    await collect(llama, GenerationRequest(PROMPT, num_candidates=3, max_new_tokens=4))
    again = await collect(llama, GenerationRequest(prompt, num_candidates=2, max_new_tokens=16))
    assert text_of(again[0]) == text_of(alone[0])


async def test_a_finished_candidate_leaves_the_batch(llama: LlamaCppEngine) -> None:
    sequences = llama._setup.sequences
    before = sequences.evaluated()
    # Each candidate ends at its first line break: at different steps.
    request = GenerationRequest(
        FILE + "def neg(a):\n",
        num_candidates=4,
        max_new_tokens=40,
        temperature=1.5,
        seed=7,
        stop_rule=lambda text: text.find("\n") if "\n" in text else None,
    )
    updates = await collect(llama, request)
    (_, computed) = llama.stats.prefills[-1]
    lengths = sorted(len(u) for u in updates.values())
    assert lengths[0] < lengths[-1], lengths  # they did end at different steps
    # At most each candidate's tokens but its last were evaluated (fewer where candidates
    # shared their first tokens): no step decoded a finished candidate.
    assert sequences.evaluated() - before <= computed + sum(n - 1 for n in lengths)


async def test_the_next_prompt_reuses_an_accepted_candidate(llama: LlamaCppEngine) -> None:
    prompt = FILE + "def square(a):\n"
    request = GenerationRequest(
        prompt, num_candidates=3, max_new_tokens=12, temperature=1.0, seed=5
    )
    updates = await collect(llama, request)
    accepted = text_of(updates[2])
    after = GenerationRequest(prompt + accepted, num_candidates=1, max_new_tokens=6, heal=False)
    reused = text_of((await collect(llama, after))[0])
    prompt_tokens, computed = llama.stats.prefills[-1]
    # Candidate 2's sequence held the prompt and what it wrote: little is read again.
    assert computed <= 4, (prompt_tokens, computed, accepted)
    # ... and what it holds is that text: the same greedy answer as reading it whole.
    await collect(llama, GenerationRequest("unrelated", num_candidates=1, max_new_tokens=1))
    read_whole = text_of((await collect(llama, after))[0])
    assert llama.stats.prefills[-1][1] >= prompt_tokens - 2
    assert reused == read_whole


@pytest.mark.parametrize(
    "prompt",
    [
        "def words_reversed(s):\n    wor",  # a partial identifier
        "def words_reversed(s):\n    words ",  # a trailing space
        "print(",  # an opening bracket
        "import os\n\npath = os.",  # an attribute dot
    ],
)
def test_healing_on_the_gemma_vocabulary(llama: LlamaCppEngine, prompt: str) -> None:
    llm = llama._setup.llm
    vocabulary = token_texts(llm)
    ids = llm.tokenize(prompt.encode(), add_bos=True, special=True)
    healed = heal(ids, vocabulary)
    assert healed.ids == ids[:-1] and prompt.endswith(healed.removed) and healed.removed
    allowed = vocabulary.allowed(healed.removed).tolist()
    assert ids[-1] in allowed and len(allowed) > 1


async def test_a_trailing_space_no_longer_glues_onto_the_word(llama: LlamaCppEngine) -> None:
    prompt = "def words_reversed(s):\n    words "
    request = GenerationRequest(prompt, num_candidates=4, max_new_tokens=8, seed=1)
    texts = [text_of(u) for u in (await collect(llama, request)).values()]
    # The model wrote " =" (or " +=", ...) itself: the candidate starts after the space,
    # with an operator, not a digit or letter continuing `words`.
    assert all(text and not text[0].isalnum() for text in texts), texts
