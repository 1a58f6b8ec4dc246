"""A request's trace: outcomes, the reason an answer is empty, and its text."""

from __future__ import annotations

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.pipeline import GenerationResult
from lsp_codegen.ranking.score import Candidate, rank_all
from lsp_codegen.stages import StageLog
from lsp_codegen.tracing.render import render
from lsp_codegen.tracing.trace import RequestTrace

PREFIX = "def f(xs):\n    total "
LINE = Insertion(len(PREFIX), Mode.LINE, "", PREFIX, "\n", "python")


def _trace() -> RequestTrace:
    return RequestTrace(7, "inline", "file:///a.py", 1, 10, "automatic", 3)


def _result(*texts: str) -> GenerationResult:
    raw = [Candidate(i, text, (-0.2,), "stop") for i, text in enumerate(texts)]
    ranking = rank_all(raw, LINE)
    return GenerationResult(ranking.shown, None, 0.1, "m", ranking.rejected, raw=tuple(raw))


def test_an_empty_answer_counts_its_candidates_and_names_the_gate() -> None:
    trace = _trace()
    trace.use(_result("= = 1"))
    trace.answer(0)
    assert trace.outcome is not None and trace.outcome.status == "empty"
    assert trace.summary() == "nothing shown: 1 candidate, rejected by syntax"


def test_several_reasons_are_counted_each() -> None:
    trace = _trace()
    trace.use(_result("= = 1", ") = 2", ""))
    trace.answer(0)
    assert trace.summary() == (
        "nothing shown: 3 candidates, 2 rejected by syntax; 1 the model wrote nothing"
    )


def test_duplicates_count_under_their_original_s_reason() -> None:
    trace = _trace()
    trace.use(_result("= = 1", "= = 1", "= = 1", ""))
    trace.answer(0)
    assert trace.summary() == (
        "nothing shown: 4 candidates, 3 rejected by syntax; 1 the model wrote nothing"
    )


def test_the_handler_s_reason_wins_over_the_result_s() -> None:
    trace = _trace()
    trace.why_empty = "inline completion is off (`inline.enabled`)"
    trace.answer(0)
    assert trace.summary() == "nothing shown: inline completion is off (`inline.enabled`)"


def test_a_cancelled_request_tells_superseded_closed_and_client_apart() -> None:
    superseded, closed, client = _trace(), _trace(), _trace()
    superseded.superseded_by = 8
    superseded.cancel(document_open=True)
    closed.cancel(document_open=False)
    client.cancel(document_open=True)
    assert superseded.outcome is not None and superseded.outcome.by == 8
    assert superseded.summary() == "superseded: superseded by request 8 for the same document"
    assert closed.summary() == "cancelled: the document was closed"
    assert client.summary() == "cancelled: cancelled by the client ($/cancelRequest)"


def test_a_joined_request_shows_the_generation_s_stages_marked_with_their_owner() -> None:
    trace = _trace()
    trace.stages.add("join", 0.0, 0.01)
    trace.generation = StageLog()
    trace.generation.add("decode", 0.0, 0.02, tokens=5)
    trace.joined = 3
    trace.use(_result("= sum(xs)"))
    trace.answer(1)
    stages = trace.as_json()["stages"]
    assert [s["stage"] for s in stages] == ["join", "decode", "answer"]  # type: ignore[index]
    assert stages[1]["of"] == "request 3"  # type: ignore[index]


def test_the_text_shows_summary_stages_and_each_candidate() -> None:
    trace = _trace()
    trace.stages.add("wait", 0.0, 0.05, note="for a pause in typing")
    trace.use(_result("= sum(xs)", "= = 1"))
    trace.answer(1)
    text = render(trace.as_json())
    lines = text.splitlines()
    assert lines[0] == "shown: 1 suggestion of 2 candidates"
    assert lines[1].startswith("request 7: inline (automatic) at 1:10 · document v3")
    assert "  wait: 50.0 ms (for a pause in typing)" in lines
    assert any(line.startswith("  #0 shown, rank 1") for line in lines)
    assert any(line.startswith("  #1 dropped: syntax: ") for line in lines)
    assert "    | = sum(xs)" in lines


def test_a_running_request_says_what_it_is_doing() -> None:
    trace = _trace()
    trace.stages.add("wait", 0.0, 0.01)
    trace.generation = StageLog()
    trace.generation.add("prompt", 0.0, 0.001)
    assert trace.summary() == (
        "still running: waiting for the engine (its queue and the prompt read)"
    )
    assert trace.as_json()["outcome"] is None
