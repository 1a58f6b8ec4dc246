"""The pipeline on a real tiny model: prompt, stream, cut, rank."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.config import Settings
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.engine.base import CancelToken
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.pipeline import generate

SOURCE = "def f(x):\n    "


async def test_a_block_cut_by_the_token_budget_keeps_whole_lines(endless_model_dir: Path) -> None:
    # The endless model writes "xxxx…" and never a newline: with the budget
    # spent, no line of it is complete, so there is nothing to insert.
    engine = load_local_engine(LoadOptions(model=str(endless_model_dir)), print, lambda _: None)
    insertion = locate_insertion(SOURCE, len(SOURCE), "python")
    settings = Settings(num_candidates=2, max_new_tokens=8)
    result = await generate(engine, insertion, settings, CancelToken())
    assert result.candidates == []
    assert result.prompt.text.endswith(SOURCE)


async def test_line_mode_keeps_the_partial_line(endless_model_dir: Path) -> None:
    engine = load_local_engine(LoadOptions(model=str(endless_model_dir)), print, lambda _: None)
    text = "y = \n"
    insertion = locate_insertion(text, 4, "python")
    # Not healed: the first token would write the trailing space again (5 x, not 6).
    settings = Settings(num_candidates=3, max_new_tokens=6, token_healing=False)
    result = await generate(engine, insertion, settings, CancelToken())
    # Three identical candidates are one after de-duplication.
    assert [c.text for c in result.candidates] == ["xxxxxx"]
    assert result.candidates[0].evidence["tokens"] == 6
