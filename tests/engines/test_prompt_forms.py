"""Prompt forms within the budget, counted by the tokenizers of both local engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.config import ContextSettings, Settings
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.engine.base import Engine
from lsp_codegen.pipeline import prepare_prompt

FILLER = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(200))
DOCUMENT = FILLER + "# Return the square of n.\ndef square(n):"
WORKSPACE = "# Parse an ISO date.\ndef parse_date(text):\n    return date.fromisoformat(text)\n"


@pytest.fixture(scope="module", params=["transformers", "llamacpp"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The engine whose tokenizer counts the budget."""
    if request.param == "transformers":
        from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine

        model = request.getfixturevalue("tiny_model_dir")
        loaded: Engine = load_local_engine(LoadOptions(model=str(model)), print, lambda _: None)
    else:
        from lsp_codegen.engine.llamacpp.engine import load_llamacpp_engine

        gguf: Path = request.getfixturevalue("gguf")
        loaded = load_llamacpp_engine(str(gguf), lambda _: None, lambda _: None)
    yield loaded
    loaded.close()


@pytest.mark.parametrize("tokens", [128, 512, 1024])
def test_examples_and_the_restated_docstring_fit_the_budget(engine: Engine, tokens: int) -> None:
    context = ContextSettings(in_context_examples=2, docstring_from_comment=True)
    settings = Settings(context_tokens=tokens, context=context)
    located = locate_insertion(DOCUMENT, len(DOCUMENT), "python")
    prompt = prepare_prompt(engine, located, settings, sources=[WORKSPACE])
    assert engine.tokenizer.count(prompt.text) <= tokens
    assert prompt.text.endswith('def square(n):\n    """Return the square of n."""\n    ')
    share = int(tokens * context.other_files_share)
    assert engine.tokenizer.count(prompt.extra) <= share
    if engine.tokenizer.count(WORKSPACE) < share:
        assert prompt.extra == WORKSPACE + "\n\n" and prompt.text.startswith(WORKSPACE)
    else:
        assert prompt.extra == ""  # cut to its header: left out, never over the share
