"""The pipeline on a real tiny model: prompt, stream, cut, rank."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.config import ContextSettings, Settings
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.engine.base import CancelToken, CandidateUpdate
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.pipeline import Collected, generate, rank_so_far
from lsp_codegen.stages import StageLog

SOURCE = "def f(x):\n    "


async def test_a_block_cut_by_the_token_budget_keeps_whole_lines(endless_model_dir: Path) -> None:
    # The endless model writes "xxxx…" and never a newline: with the budget
    # spent, no line of it is complete, so there is nothing to insert.
    engine = load_local_engine(LoadOptions(model=str(endless_model_dir)), print, lambda _: None)
    insertion = locate_insertion(SOURCE, len(SOURCE), "python")
    settings = Settings(num_candidates=2, max_new_tokens=8)
    result = await generate(engine, insertion, settings, CancelToken())
    assert result.candidates == []
    assert result.prompt is not None and result.prompt.text.endswith(SOURCE)


async def test_the_restated_docstring_is_read_but_not_inserted(scripted_model_dir: Path) -> None:
    # The scripted model writes "    return 1" lines whatever the prompt.
    engine = load_local_engine(LoadOptions(model=str(scripted_model_dir)), print, lambda _: None)
    source = "# Return one.\ndef one():\n    "
    insertion = locate_insertion(source, len(source), "python")
    context = ContextSettings(docstring_from_comment=True)
    settings = Settings(num_candidates=1, max_new_tokens=12, context=context)
    stages = StageLog()
    result = await generate(engine, insertion, settings, CancelToken(), stages=stages)
    assert result.prompt is not None
    assert result.prompt.text.endswith(source + '"""Return one."""\n    ')
    assert result.candidates and result.candidates[0].text.startswith("return 1")
    prompt_stage = next(s for s in stages.as_json() if s["stage"] == "prompt")
    assert prompt_stage["docstringFromComment"] is True


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


def _streamed(text: str, finish: str | None) -> Collected:
    collected = Collected()
    for piece in text.split(" "):
        collected.add(CandidateUpdate(0, piece + " ", -0.1))
    if finish is not None:
        collected.add(CandidateUpdate(0, "", -0.1, done=True, finish_reason=finish))
    return collected


def test_ranked_so_far_a_block_shows_its_whole_lines() -> None:
    prefix = "def f(s):\n"
    block = Insertion(len(prefix), Mode.BLOCK, "    ", prefix, "\n", "python")
    result = rank_so_far({0: _streamed("    a = 1\n    b = (2,", None)}, block, "m", 0.1)
    assert [c.text for c in result.candidates] == ["    a = 1"]


def test_ranked_so_far_a_line_shows_only_finished_lines() -> None:
    prefix = "def f(s):\n    words "
    line = Insertion(len(prefix), Mode.LINE, "", prefix, "\n", "python")
    running = _streamed("= re.split(", None)
    # Its start `= re` parses, but is not what the line will say: not shown.
    assert rank_so_far({0: running}, line, "m", 0.1).candidates == []
    finished = _streamed("= []", "stop")
    both = rank_so_far({0: running, 1: finished}, line, "m", 0.1)
    assert [c.text.strip() for c in both.candidates] == ["= []"]


def test_a_candidate_keeps_what_was_written_past_its_stop() -> None:
    collected = Collected()
    for piece in ["    return 1\n", "\ndef g", "():"]:
        collected.add(CandidateUpdate(0, piece, -0.1))
    collected.add(CandidateUpdate(0, "", -0.1, done=True, finish_reason="stop", text_end=12))
    prefix = "def f():\n"
    block = Insertion(len(prefix), Mode.BLOCK, "    ", prefix, "\n", "python")
    candidate = collected.candidate(0, block)
    assert (candidate.text, candidate.beyond) == ("    return 1", "\n\ndef g():")


def test_ranked_so_far_records_every_candidate_and_the_held_back_ones() -> None:
    prefix = "def f(s):\n    words "
    line = Insertion(len(prefix), Mode.LINE, "", prefix, "\n", "python")
    result = rank_so_far(
        {0: _streamed("= re.split(", None), 1: _streamed("= []", "stop")}, line, "m", 0
    )
    assert [c.index for c in result.raw] == [0, 1]
    assert result.held_back == {0}
