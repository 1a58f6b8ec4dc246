"""No candidate passes the user's examples: the title's words, and the marked insert."""

from __future__ import annotations

from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.ranking.score import Candidate, RankedCandidate, rank_with_runs
from lsp_codegen.ranking.unmet import inserted_text, unmet_examples, unmet_title
from lsp_codegen.sandbox.types import Check, CheckResult, RunResult, Verdict

CHECKS = [
    Check("assert product([2, 3]) == 6", "product([2, 3]) == 6"),
    Check("assert product([]) == 1", "product([]) == 1"),
]
# After "# product([2, 3]) == 6\ndef product(xs):" the body starts a new, indented line.
AFTER_DEF = Insertion(
    offset=0,
    mode=Mode.BLOCK,
    indent="    ",
    prefix="# product([2, 3]) == 6\ndef product(xs):",
    suffix="\n",
    language="python",
    leading="\n    ",
)
ON_EMPTY_LINE = Insertion(0, Mode.BLOCK, "    ", "def product(xs):\n", "\n", "python")


def failing_run(*messages: str) -> RunResult:
    """What the sandbox reports: its message starts with the example when it captured a value."""
    results = [
        CheckResult(check, Verdict.FAILED if message else Verdict.PASSED, message)
        for check, message in zip(CHECKS, messages, strict=True)
    ]
    verdict = Verdict.PASSED if not any(messages) else Verdict.FAILED
    return RunResult(verdict, results)


def ranked(
    text: str, run: RunResult | None, insertion: Insertion = AFTER_DEF
) -> list[RankedCandidate]:
    ranking = rank_with_runs(
        [Candidate(0, text, (-0.2,) * 3, "eos")], insertion, {0: run} if run else {}
    )
    return ranking.shown


def test_a_failure_names_the_example_once() -> None:
    [shown] = ranked(
        "r = 0\n    return r", failing_run("product([2, 3]) == 6: got 0", ""), ON_EMPTY_LINE
    )
    assert shown.failures() == ["product([2, 3]) == 6: got 0"]
    assert shown.examples_passed() == (1, 2)


def test_unmet_only_when_every_candidate_fails_run_examples() -> None:
    failing = ranked(
        "return 0", failing_run("product([2, 3]) == 6: got 0", "product([]) == 1: got 0")
    )
    passing = ranked("return 6", failing_run("", ""))
    assert unmet_examples(failing) == 2 and unmet_title(2) == "no candidate passes your 2 examples"
    assert unmet_examples(failing + passing) is None
    assert unmet_examples(ranked("return 0", None)) is None  # not run: nothing to say
    assert unmet_title(1) == "no candidate passes your 1 example"


def test_the_insert_is_marked_above_the_code_at_its_indentation() -> None:
    [after_def] = ranked(
        "r = 0\n    return r", failing_run("product([2, 3]) == 6: got 0", "product([]) == 1: got 0")
    )
    text = inserted_text(after_def, AFTER_DEF, mark=True)
    assert text == (
        "\n    # lsp-codegen: fails product([2, 3]) == 6: got 0 (and 1 more)\n"
        "    r = 0\n    return r\n"
    )
    [on_empty_line] = ranked(
        "    return 0", failing_run("product([2, 3]) == 6: got 0", ""), ON_EMPTY_LINE
    )
    assert inserted_text(on_empty_line, ON_EMPTY_LINE, mark=True) == (
        "    # lsp-codegen: fails product([2, 3]) == 6: got 0\n    return 0\n"
    )


def test_no_mark_when_it_passes_when_not_asked_or_mid_line() -> None:
    [passing] = ranked("return 6", failing_run("", ""))
    assert inserted_text(passing, AFTER_DEF, mark=True) == "\n    return 6\n"
    [failing] = ranked("return 0", failing_run("product([2, 3]) == 6: got 0", ""))
    assert inserted_text(failing, AFTER_DEF, mark=False) == "\n    return 0\n"
    mid_line = Insertion(0, Mode.LINE, "", "x = ", "\n", "python")
    assert "lsp-codegen" not in inserted_text(failing, mid_line, mark=True)
