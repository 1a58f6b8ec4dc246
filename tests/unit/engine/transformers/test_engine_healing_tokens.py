"""Token healing on a real transformers tokenizer (the tiny GPT-2's byte-level BPE) and
through the transformers engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_codegen.engine.base import CancelToken, CandidateUpdate, GenerationRequest
from lsp_codegen.engine.healing import Vocabulary, heal
from lsp_codegen.engine.transformers.detokenize import token_texts
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir: Path) -> object:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


@pytest.fixture(scope="module")
def vocabulary(tokenizer: object) -> Vocabulary:
    return token_texts(tokenizer)


def _ids(tokenizer: object, text: str) -> list[int]:
    ids: list[int] = tokenizer(text, add_special_tokens=False)["input_ids"]  # type: ignore[operator]
    return ids


@pytest.mark.parametrize(
    "prompt",
    [
        "def add(a, b):\n    retu",  # a partial identifier
        "def add(a, b):\n    return ",  # a trailing space
        "for i in range(",  # an opening bracket
        "class Point:\n    def __init__(self, x, y):\n        self.",  # an attribute dot
    ],
)
def test_the_cut_token_is_the_end_of_the_prompt_and_may_be_written_again(
    tokenizer: object, vocabulary: Vocabulary, prompt: str
) -> None:
    ids = _ids(tokenizer, prompt)
    healed = heal(ids, vocabulary)
    assert healed.ids == ids[:-1] and healed.removed and prompt.endswith(healed.removed)
    assert ids[-1] in vocabulary.allowed(healed.removed).tolist()
    # Every allowed token starts with what was cut, or is a shorter piece of it.
    for token in vocabulary.allowed(healed.removed).tolist():
        text = vocabulary.text(token)
        assert text is not None
        assert text.startswith(healed.removed) or healed.removed.startswith(text)


def test_special_tokens_have_no_text(tokenizer: object, vocabulary: Vocabulary) -> None:
    eos = tokenizer.eos_token_id  # type: ignore[attr-defined]
    assert vocabulary.text(eos) is None
    assert heal(_ids(tokenizer, "x = 1") + [eos], vocabulary).removed == ""


@pytest.fixture(scope="module")
def scripted(scripted_model_dir: Path) -> LocalEngine:
    # Writes "    return 1\n" again and again, whatever the prompt.
    return load_local_engine(LoadOptions(model=str(scripted_model_dir)), print, lambda _: None)


async def _texts(engine: LocalEngine, request: GenerationRequest) -> list[str]:
    updates: dict[int, list[CandidateUpdate]] = {}
    async for update in engine.stream(request, CancelToken()):
        updates.setdefault(update.index, []).append(update)
    return ["".join(u.delta for u in updates[i]) for i in sorted(updates)]


async def _first(engine: LocalEngine, prompt: str, *, heal: bool) -> str:
    request = GenerationRequest(prompt, num_candidates=1, max_new_tokens=3, heal=heal)
    return (await _texts(engine, request))[0]


async def test_a_cut_space_is_hidden_from_the_shown_text(scripted: LocalEngine) -> None:
    # "x", " =", " ": after the lone space (in no script) the model starts its script,
    # "   " + " return"; healed, the first token must start with the cut " ": it is
    # the same "   ", and its first character is the user's space, not shown again.
    plain = await _first(scripted, "x = ", heal=False)
    healed = await _first(scripted, "x = ", heal=True)
    assert plain.startswith("    return") and healed == plain[1:]
