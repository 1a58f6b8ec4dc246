"""Run the pipeline on each problem and judge every candidate with the hidden tests.

For each problem the document is the problem's prompt with the cursor at its
end, exactly as a user would leave it in an editor. The pipeline generates and
ranks N candidates; each one is inserted, the problem's test source appended,
and `check(<entry_point>)` run in the sandbox. Three questions are answered per
problem:

* first sample: does the greedy sample (the engine's candidate 0) pass? This is
  what a plain one-shot completion would give.
* ranked: does the candidate the ranking puts first pass? This is what the user
  sees first.
* oracle: does any candidate pass? The best any ranking could do.

Ranking is either "thorough", as for an explicit action in the editor (the
examples written in the prompt run in the sandbox, and candidates are linted),
or "inline", as for inline completion (only the cheap gates: syntax,
likelihood, duplicates).

A hang, crash or memory blow-up is a verdict for that candidate and a
generation failure is recorded on its problem: neither stops the run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lsp_codegen.config import Settings
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.engine.base import CancelToken, CandidateUpdate, Engine, EngineError
from lsp_codegen.evaluation.problems import Problem
from lsp_codegen.pipeline import generate
from lsp_codegen.ranking.postprocess import postprocess
from lsp_codegen.ranking.score import RankedCandidate, Rejected
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, Limits, RunResult, Verdict

log = logging.getLogger(__name__)

# The verdict of a candidate the sandbox itself failed to judge (not the code's fault).
SANDBOX_ERROR = "sandbox-error"
# The verdict of the greedy sample when it never reached the ranked list.
NOT_RANKED = "not-ranked"

# Finish reasons after which a BLOCK candidate keeps only its whole lines (as the pipeline does).
_INTERRUPTED = frozenset({"length", "time", "cancelled"})


class Judge(Protocol):
    """What the runner needs from a sandbox (lsp_codegen.sandbox's Sandbox fits).

    `run` is called for several candidates at once; the judge decides how many
    actually run in parallel.
    """

    async def run(
        self, code: str, checks: Sequence[Check], limits: Limits | None = None
    ) -> RunResult:
        """Run `code`, then each check in the same namespace."""
        ...


@dataclass(frozen=True)
class CandidateResult:
    """One ranked candidate and what the hidden test said about it."""

    rank: int  # position in the ranked list; 0 is what the user sees first
    index: int  # the engine's sample index; 0 is the greedy sample
    text: str  # the code inserted after the insertion's `leading`
    score: float
    evidence: dict[str, object]
    verdict: str  # a Verdict value, or SANDBOX_ERROR
    message: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when the hidden test passed."""
        return self.verdict == Verdict.PASSED.value


@dataclass(frozen=True)
class RejectedResult:
    """A candidate ranking did not show (it is not judged), and why."""

    index: int
    text: str
    reason: str
    evidence: dict[str, object]


@dataclass(frozen=True)
class ProblemResult:
    """Every candidate for one problem, judged, and where the greedy sample ended up."""

    task_id: str
    candidates: list[CandidateResult] = field(default_factory=list)  # ranked order
    prompt: str = ""  # the document text the candidates were inserted into
    # Rank of the candidate that carries the greedy sample's code (itself, or the
    # duplicate it was merged into); None when ranking dropped it.
    first_sample_rank: int | None = None
    note: str = ""  # why the greedy sample was not found as itself, if it was not
    error: str | None = None  # why generation failed, if it did
    rejected: list[RejectedResult] = field(default_factory=list)
    examples: int = 0  # examples from the prompt each candidate ran on while ranking
    generation_seconds: float = 0.0
    judge_seconds: float = 0.0

    @property
    def first_sample_passed(self) -> bool:
        """The greedy sample passes (a dropped greedy sample counts as a fail)."""
        rank = self.first_sample_rank
        return rank is not None and self.candidates[rank].passed

    @property
    def ranked_passed(self) -> bool:
        """The top-ranked candidate passes."""
        return bool(self.candidates) and self.candidates[0].passed

    @property
    def oracle_passed(self) -> bool:
        """Some candidate passes."""
        return any(candidate.passed for candidate in self.candidates)


@dataclass(frozen=True)
class Metrics:
    """Totals over a run; every rate is over all problems, failed generations included."""

    problems: int
    first_sample: int  # problems whose greedy sample passes
    ranked: int  # problems whose top-ranked candidate passes
    oracle: int  # problems where some candidate passes
    generation_errors: int
    candidates: int
    verdicts: dict[str, int]  # candidates per verdict

    @property
    def pass_at_1_first_sample(self) -> float:
        """pass@1 of the greedy sample alone."""
        return _rate(self.first_sample, self.problems)

    @property
    def pass_at_1_ranked(self) -> float:
        """pass@1 of the ranked choice: what the user is shown first."""
        return _rate(self.ranked, self.problems)

    @property
    def pass_at_n_oracle(self) -> float:
        """pass@N: some one of the N candidates passes."""
        return _rate(self.oracle, self.problems)

    @property
    def selection_efficiency(self) -> float | None:
        """ranked / oracle: how often ranking picks a passing candidate when there is one.

        None when no problem has a passing candidate (nothing to pick).
        """
        return self.ranked / self.oracle if self.oracle else None


def _rate(count: int, total: int) -> float:
    return count / total if total else 0.0


def compute_metrics(results: Sequence[ProblemResult]) -> Metrics:
    """The totals for `results`."""
    verdicts: dict[str, int] = {}
    for result in results:
        for candidate in result.candidates:
            verdicts[candidate.verdict] = verdicts.get(candidate.verdict, 0) + 1
    return Metrics(
        problems=len(results),
        first_sample=sum(r.first_sample_passed for r in results),
        ranked=sum(r.ranked_passed for r in results),
        oracle=sum(r.oracle_passed for r in results),
        generation_errors=sum(r.error is not None for r in results),
        candidates=sum(len(r.candidates) for r in results),
        verdicts=dict(sorted(verdicts.items())),
    )


@dataclass(frozen=True)
class EvalRun:
    """A whole evaluation: what ran, on what, and every problem's result."""

    model: str
    settings: Settings
    source: str  # the problem file
    results: list[ProblemResult]
    seconds: float
    interrupted: bool = False  # stopped early (Ctrl-C); results hold what finished
    ranking: str = "inline"  # "thorough" (examples and lint) or "inline" (cheap gates)

    @property
    def metrics(self) -> Metrics:
        """Totals over `results`."""
        return compute_metrics(self.results)


OnResult = Callable[[ProblemResult], None]


def problem_insertion(prompt: str, language: str = "python", suffix: str = "") -> Insertion:
    """The insertion point at the end of `prompt`, where a user's cursor would be, with
    `suffix` after it (JavaScript and TypeScript problems: the body's closing `}`).

    A prompt that ends with a line break (HumanEval's all end with the
    docstring's closing line) leaves the cursor on an empty line at column 0.
    `locate_insertion` finds the body's indent from a header + docstring prompt,
    but not for every shape (HumanEval/115 has code before its docstring), so the
    previous line's indentation is added first, as an editor's auto-indent would.
    """
    if language != "python":
        return locate_insertion(prompt + suffix, len(prompt), language)
    document = prompt
    if prompt.endswith(("\n", "\r")):
        last = next((line for line in reversed(prompt.splitlines()) if line.strip()), "")
        document += last[: len(last) - len(last.lstrip())]
    return locate_insertion(document, len(document), "python")


def program(problem: Problem, insertion: Insertion, text: str) -> str:
    """The code the sandbox runs: the document with `text` inserted, then the test source."""
    document = insertion.prefix + insertion.leading + text + insertion.suffix
    return document + "\n" + problem.test


def check_for(problem: Problem) -> Check:
    """The hidden test's entry: call `check` on the function under test."""
    call = f"check({problem.entry_point})"
    return Check(source=call, label=call)


async def run_evaluation(
    engine: Engine,
    problems: Sequence[Problem],
    settings: Settings,
    judge: Judge,
    *,
    source: str = "",
    limits: Limits | None = None,
    on_result: OnResult | None = None,
    thorough: Sandbox | None = None,
) -> EvalRun:
    """Generate for and judge every problem in order; `on_result` sees each as it finishes.

    With `thorough`, candidates are ranked as for an explicit action: the
    prompt's examples run in that sandbox, and candidates are linted.
    """
    started = time.monotonic()
    results: list[ProblemResult] = []
    for problem in problems:
        result = await evaluate_problem(
            engine, problem, settings, judge, limits=limits, thorough=thorough
        )
        results.append(result)
        if on_result is not None:
            on_result(result)
    return finished_run(engine, settings, source, results, started, thorough=thorough is not None)


def finished_run(
    engine: Engine,
    settings: Settings,
    source: str,
    results: list[ProblemResult],
    started: float,
    *,
    thorough: bool,
    interrupted: bool = False,
) -> EvalRun:
    """The EvalRun of `results`, begun at `started` (time.monotonic())."""
    return EvalRun(
        model=engine.info().model,
        settings=settings,
        source=source,
        results=results,
        seconds=time.monotonic() - started,
        interrupted=interrupted,
        ranking="thorough" if thorough else "inline",
    )


async def evaluate_problem(
    engine: Engine,
    problem: Problem,
    settings: Settings,
    judge: Judge,
    *,
    limits: Limits | None = None,
    thorough: Sandbox | None = None,
) -> ProblemResult:
    """Generate candidates for one problem and judge each of them (see run_evaluation)."""
    insertion = problem_insertion(problem.prompt, problem.language, problem.suffix)
    greedy = _GreedySample()
    started = time.monotonic()
    try:
        generated = await generate(
            engine,
            insertion,
            settings,
            CancelToken(),
            greedy.add,
            sandbox=thorough,
            lint=thorough is not None and problem.language == "python",
        )
    except Exception as error:  # any failure is this problem's result, not the run's end
        log.exception("generation failed for %s", problem.task_id)
        return ProblemResult(
            task_id=problem.task_id,
            prompt=problem.prompt,
            error=_describe(error),
            generation_seconds=time.monotonic() - started,
        )
    generation_seconds = time.monotonic() - started
    started = time.monotonic()
    # All at once: the sandbox bounds how many run in parallel, and a hanging
    # candidate then costs its time limit once, not once per candidate after it.
    judged = list(
        await asyncio.gather(
            *(
                _judge(judge, problem, insertion, rank, candidate, limits)
                for rank, candidate in enumerate(generated.candidates)
            )
        )
    )
    first_rank, note = find_first_sample(
        generated.candidates, greedy.text(insertion), generated.rejected
    )
    rejected = [
        RejectedResult(r.candidate.index, r.candidate.text, r.reason, dict(r.candidate.evidence))
        for r in generated.rejected
    ]
    return ProblemResult(
        task_id=problem.task_id,
        candidates=judged,
        prompt=problem.prompt,
        first_sample_rank=first_rank,
        note=note,
        rejected=rejected,
        examples=generated.examples,
        generation_seconds=generation_seconds,
        judge_seconds=time.monotonic() - started,
    )


async def _judge(
    judge: Judge,
    problem: Problem,
    insertion: Insertion,
    rank: int,
    candidate: RankedCandidate,
    limits: Limits | None,
) -> CandidateResult:
    code = program(problem, insertion, candidate.text)
    started = time.monotonic()
    try:
        outcome = await judge.run(code, [check_for(problem)], limits)
    except Exception as error:  # the sandbox broke, which says nothing about the code
        log.exception("the sandbox failed on %s candidate %d", problem.task_id, rank)
        verdict, message = SANDBOX_ERROR, f"{type(error).__name__}: {error}"
        seconds = time.monotonic() - started
    else:
        verdict, message, seconds = _outcome(outcome)
    return CandidateResult(
        rank=rank,
        index=candidate.index,
        text=candidate.text,
        score=candidate.score,
        evidence=dict(candidate.evidence),
        verdict=verdict,
        message=message,
        seconds=seconds,
    )


def _outcome(result: RunResult) -> tuple[str, str, float]:
    """Verdict, message and seconds; a run with no check result is never a pass."""
    verdict = result.verdict
    if verdict is Verdict.PASSED and not result.checks:
        return Verdict.ERROR.value, "the check did not run", result.seconds
    message = result.message
    for check in result.checks:
        if check.verdict is not Verdict.PASSED and check.message:
            message = check.message
            break
    return verdict.value, message, result.seconds


def _dedup_key(text: str) -> str:
    # The same whitespace-insensitive identity the ranking merges duplicates by.
    return " ".join(text.split())


def find_first_sample(
    candidates: Sequence[RankedCandidate],
    greedy: str | None,
    rejected: Sequence[Rejected] = (),
) -> tuple[int | None, str]:
    """The rank of the candidate that carries the greedy sample (engine index 0), and a note.

    `greedy` is the greedy sample's post-processed text (None if it never
    streamed). When ranking kept it, that is its own rank. When ranking merged
    it into a duplicate, it is that candidate's rank: found by the engine
    indices the evidence lists under "merged", or else by identical text on a
    candidate whose evidence counts more than one vote. When it was dropped
    (empty, or among `rejected`, e.g. for a syntax error), it is None and
    counts as a fail; the note says why.
    """
    for rank, candidate in enumerate(candidates):
        if candidate.index == 0:
            return rank, ""
    for rank, candidate in enumerate(candidates):
        if _merged(candidate):
            return rank, _merged_note(candidate, rank)
    for dropped in rejected:
        if dropped.candidate.index == 0 or _merged(dropped.candidate):
            return None, f"the greedy sample was rejected ({dropped.reason}); counted as a fail"
    if greedy is None:
        return None, "the greedy sample produced nothing; counted as a fail"
    if not greedy:
        return None, "the greedy sample was empty after post-processing; counted as a fail"
    key = _dedup_key(greedy)
    for rank, candidate in enumerate(candidates):
        votes = candidate.evidence.get("votes")
        if isinstance(votes, int) and votes > 1 and _dedup_key(candidate.text) == key:
            return rank, _merged_note(candidate, rank)
    return None, "the greedy sample was dropped by ranking; counted as a fail"


def _merged(candidate: RankedCandidate) -> bool:
    """True when the evidence lists the greedy sample among the duplicates merged into it."""
    merged = candidate.evidence.get("merged")
    return isinstance(merged, list | tuple) and 0 in merged


def _merged_note(candidate: RankedCandidate, rank: int) -> str:
    return (
        f"the greedy sample was merged into its duplicate, sample {candidate.index} "
        f"(ranked {rank + 1})"
    )


class _GreedySample:
    """The greedy sample's raw text as it streams, so it can be found after ranking
    even when ranking merged it into a duplicate (which keeps the other's index)."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._seen = False
        self._finish: str | None = None
        self._text_end: int | None = None

    def add(self, update: CandidateUpdate) -> None:
        """Record an update if it belongs to sample 0."""
        if update.index != 0:
            return
        self._seen = True
        self._pieces.append(update.delta)
        if update.done:
            self._finish = update.finish_reason
            self._text_end = update.text_end

    def text(self, insertion: Insertion) -> str | None:
        """The post-processed text as ranking saw it; None if sample 0 never streamed."""
        if not self._seen:
            return None
        raw = "".join(self._pieces)
        # Cut the way the pipeline cuts a finished candidate before ranking it.
        if self._text_end is not None:
            raw = raw[: self._text_end]
        elif self._finish in _INTERRUPTED and insertion.mode is Mode.BLOCK:
            raw = raw[: raw.rfind("\n") + 1]
        return postprocess(raw, insertion)


def _describe(error: Exception) -> str:
    """An engine error's message is written for users already (an EngineFault names the
    original error); anything else gets its type."""
    return str(error) if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"
