"""Document + insertion point → prompt → engine → ranked candidates.

Shared by the language server and the `generate` command; knows nothing of LSP.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsp_codegen.actions.agreement import agreement
from lsp_codegen.config import Settings
from lsp_codegen.context.bounded import bounded_insertion
from lsp_codegen.context.fim import detect_fim
from lsp_codegen.context.header import file_header
from lsp_codegen.context.incontext import in_context_examples, topic_of
from lsp_codegen.context.prompt import build_prompt
from lsp_codegen.context.restate import docstring_restatement
from lsp_codegen.context.types import Insertion, Mode, Prompt
from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    Engine,
    EngineError,
    EngineFault,
    GenerationRequest,
)
from lsp_codegen.ranking.examples import examples_for
from lsp_codegen.ranking.postprocess import block_end
from lsp_codegen.ranking.runnable import runnable_module
from lsp_codegen.ranking.score import (
    Candidate,
    RankedCandidate,
    Ranking,
    Rejected,
    examples_not_run,
    rank_all,
    with_agreement,
    with_runs,
)
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, RunResult
from lsp_codegen.stages import StageLog

log = logging.getLogger(__name__)

# Ranking parses documents: off the event loop (cancels and other requests keep
# flowing), one at a time (tree-sitter parsers are shared and not thread-safe).
_RANKING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lsp-codegen-ranking")

_SMALL_DOCUMENT = 16 * 1024  # characters around the insertion point

# Finish reasons after which a candidate's last line may be incomplete.
_INTERRUPTED = frozenset({"length", "time", "cancelled"})

# Called with each update as it streams in (for progress and partial results).
OnUpdate = Callable[[CandidateUpdate], None]
# Called with a short human-readable status ("candidate 2/4 · passes 3/3").
OnProgress = Callable[[str], None]


@dataclass(frozen=True)
class GenerationResult:
    """The ranked candidates for one insertion point, best first."""

    candidates: list[RankedCandidate]
    prompt: Prompt | None  # None for a result ranked while its generation ran on
    seconds: float
    model: str
    rejected: list[Rejected] = field(default_factory=list)
    examples: int = 0  # how many examples from the prompt each candidate was run on
    raw: tuple[Candidate, ...] = ()  # what the engine wrote, in engine order
    held_back: frozenset[int] = frozenset()  # still being written when ranked early


@dataclass
class Collected:
    """One candidate's tokens as they stream in."""

    pieces: list[str] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    finish: str | None = None
    text_end: int | None = None

    def add(self, update: CandidateUpdate) -> None:
        """Record one update of this candidate."""
        if update.delta or not update.done:
            self.pieces.append(update.delta)
            self.logprobs.append(update.logprob)
        if update.done:
            self.finish = update.finish_reason
            self.text_end = update.text_end

    def candidate(self, index: int, insertion: Insertion) -> Candidate:
        """The candidate's text cut where the engine stopped it, scored on the
        tokens that produced that text (tokens past a stop do not count)."""
        text, kept, length = "", [], 0
        for piece, logprob in zip(self.pieces, self.logprobs, strict=True):
            if self.text_end is not None and length >= self.text_end:
                break
            text += piece
            length += len(piece)
            kept.append(logprob)
        if self.text_end is not None:
            text = text[: self.text_end]
        elif self.finish in _INTERRUPTED and insertion.mode is Mode.BLOCK:
            # Cut off by the token or time budget: keep only whole lines.
            text = text[: text.rfind("\n") + 1]
        beyond = "".join(self.pieces)[len(text) :]
        return Candidate(index, text, tuple(kept), self.finish, beyond)


def rank_so_far(
    collected: Mapping[int, Collected], insertion: Insertion, model: str, seconds: float
) -> GenerationResult:
    """The candidates streamed so far, ranked as if stopped now: the whole lines of an
    unfinished block. A line still being written is not shown: its start may parse
    (`= re` of `= re.split(...)`) and still say something else than the line will."""
    stopped = [
        (c if c.finish else Collected(c.pieces, c.logprobs, "time")).candidate(i, insertion)
        for i, c in sorted(collected.items())
        if c.finish is not None or insertion.mode is Mode.BLOCK
    ]
    ranking = rank_all(stopped, bounded_insertion(insertion))
    held_back = frozenset(i for i, c in collected.items() if c.finish is None) - {
        c.index for c in stopped
    }
    raw = tuple(sorted([*stopped, *_unfinished(collected, held_back, insertion)], key=_index))
    return GenerationResult(
        ranking.shown, None, seconds, model, ranking.rejected, raw=raw, held_back=held_back
    )


def _unfinished(
    collected: Mapping[int, Collected], indices: frozenset[int], insertion: Insertion
) -> list[Candidate]:
    return [collected[i].candidate(i, insertion) for i in indices]


def _index(candidate: Candidate) -> int:
    return candidate.index


def make_request(prompt: Prompt, settings: Settings) -> GenerationRequest:
    """The engine request for a prompt under the current settings."""
    insertion = prompt.insertion
    return GenerationRequest(
        prompt=prompt.text,
        num_candidates=settings.num_candidates,
        max_new_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        temperature_spread=settings.temperature_spread,
        top_p=settings.top_p,
        max_time_s=settings.max_time_ms / 1000,
        stop=prompt.stop,
        stop_rule=lambda text: block_end(text, insertion),
        heal=settings.token_healing,
    )


def prepare_prompt(
    engine: Engine,
    insertion: Insertion,
    settings: Settings,
    extra: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> Prompt:
    """Budget the context with the model's tokenizer and apply its FIM template.

    `extra`: snippets from other open files, placed first, within their share of
    the budget (`context.otherFilesShare`), after the in-context examples
    (`context.inContextExamples`, from `sources`: the other open documents' texts
    in this language). `context.docstringFromComment` restates the comment as the
    function's docstring at the prompt's end; `context.fileHeader` puts a long Python
    file's imports and the definitions mentioned at the cursor before the kept prefix.
    """
    fim = detect_fim(engine.tokenizer.vocabulary())
    tokens = settings.context_tokens
    extra_tokens = int(tokens * settings.context.other_files_share)
    count = settings.context.in_context_examples
    examples = in_context_examples(insertion, sources, count, avoid=extra)
    restated = docstring_restatement(insertion) if settings.context.docstring_from_comment else ""
    return build_prompt(
        insertion,
        engine.tokenizer.count,
        tokens,
        fim,
        extra,
        extra_tokens,
        examples=examples,
        restated=restated,
        header_for=_header_for(insertion, settings),
    )


def _header_for(insertion: Insertion, settings: Settings) -> Callable[[str], str] | None:
    """`context.fileHeader` for a Python document: the header of its cut-off start."""
    if not settings.context.file_header or insertion.language != "python":
        return None
    topic = topic_of(insertion)
    return lambda cut: file_header(cut, topic)


async def generate(
    engine: Engine,
    insertion: Insertion,
    settings: Settings,
    cancel: CancelToken,
    on_update: OnUpdate | None = None,
    *,
    sandbox: Sandbox | None = None,
    on_progress: OnProgress | None = None,
    lint: bool = False,
    extra: Sequence[str] = (),
    sources: Sequence[str] = (),
    only_if: Callable[[Prompt], bool] | None = None,
    stages: StageLog | None = None,
    no_sandbox: str = "",
) -> GenerationResult:
    """Generate, post-process and rank candidates for `insertion`.

    The cheap gates (post-processing, syntax, likelihood, duplicates) always run;
    with a `sandbox`, each shown candidate also runs the examples written in the
    prompt, and `lint` adds lint findings — both for explicit actions, where a
    user waits seconds, not for inline completion. `extra`: snippets from other
    open files for the start of the prompt; `sources`: the other open documents'
    texts in this language, for in-context examples (see `prepare_prompt`).
    `only_if`: generate only when it accepts the prompt (else no candidates, and the
    engine is not asked). `stages`: where each step's time and counts are recorded,
    for the request's trace. `no_sandbox`: why
    the examples cannot run in this language here (no sandbox given); said in the
    evidence of every candidate when the prompt has examples.
    """
    started = time.monotonic()
    stages = StageLog() if stages is None else stages
    prompt = prepare_prompt(engine, insertion, settings, extra, sources)
    mark = stages.add("prompt", started, **_prompt_facts(prompt, len(extra)))
    if only_if is not None and not only_if(prompt):
        stages.add("skipped", mark, why="the prompt window would move")
        return GenerationResult([], prompt, time.monotonic() - started, engine.info().model)
    request = make_request(prompt, settings)
    collected = await _collect(engine, request, cancel, on_update, stages)
    candidates = [c.candidate(i, insertion) for i, c in sorted(collected.items())]
    mark = time.monotonic()
    ranking = await _rank(candidates, bounded_insertion(insertion), lint)
    mark = stages.add("rank", mark, **_ranking_facts(ranking))
    if not ranking.shown:
        log.info("nothing to show (%d candidates): %s", len(candidates), ranking.why_empty())
    checks = examples_for(insertion) if sandbox is not None or no_sandbox else []
    if sandbox is not None and checks:
        runs = await run_examples(ranking, insertion, checks, sandbox, on_progress)
        ranking = with_runs(ranking, runs, total=len(checks))
        stages.add("examples", mark, examples=len(checks), run=len(runs))
    elif checks:
        ranking = examples_not_run(ranking, no_sandbox)
        stages.add("examples", mark, examples=len(checks), run=0, note=no_sandbox)
    if sandbox is not None and not checks and len(ranking.shown) > 1:
        # No example to run: the candidates' agreement on derived inputs is the evidence.
        mark = time.monotonic()
        ranking, inputs = await _with_agreement(ranking, insertion, sandbox)
        stages.add("agreement", mark, inputs=inputs)
    return GenerationResult(
        candidates=ranking.shown,
        prompt=prompt,
        seconds=time.monotonic() - started,
        model=engine.info().model,
        rejected=ranking.rejected,
        examples=len(checks) if sandbox is not None else 0,
        raw=tuple(candidates),
    )


def _prompt_facts(prompt: Prompt, other_files: int) -> dict[str, object]:
    """What went into the prompt, in characters (tokens are counted when it is read)."""
    facts: dict[str, object] = {
        "prefixChars": len(prompt.prefix),
        "suffixChars": len(prompt.suffix),
        "otherFiles": other_files if prompt.extra else 0,
        "fim": prompt.fim,
    }
    if prompt.restated:
        facts["docstringFromComment"] = True
    if prompt.header:
        facts["fileHeaderLines"] = sum(1 for line in prompt.header.splitlines() if line.strip())
    return facts


def _ranking_facts(ranking: Ranking) -> dict[str, object]:
    return {
        "shown": len(ranking.shown),
        "rejected": len(ranking.rejected),
        "emptied": ranking.emptied,
        "salvaged": sum(1 for c in ranking.shown if "salvaged" in c.evidence),
    }


async def _rank(candidates: list[Candidate], insertion: Insertion, lint: bool) -> Ranking:
    """Rank on the event loop when it takes a millisecond or two (a small document, no
    linter), else on the ranking thread: a thread hop costs more than small work."""
    if not lint and len(insertion.prefix) + len(insertion.suffix) <= _SMALL_DOCUMENT:
        return rank_all(candidates, insertion, lint=False)
    work = functools.partial(rank_all, candidates, insertion, lint=lint)
    return await asyncio.get_running_loop().run_in_executor(_RANKING, work)


async def _collect(
    engine: Engine,
    request: GenerationRequest,
    cancel: CancelToken,
    on_update: OnUpdate | None,
    stages: StageLog,
) -> dict[int, Collected]:
    """Every candidate's streamed pieces; an unexpected engine error becomes EngineFault."""
    collected: dict[int, Collected] = {}
    asked, first, tokens = time.monotonic(), 0.0, 0
    try:
        async for update in engine.stream(request, cancel):
            if not first:
                first = time.monotonic()
                _engine_start(engine, stages, asked, first)
            tokens += 1 if update.delta or not update.done else 0
            collected.setdefault(update.index, Collected()).add(update)
            if on_update is not None:
                on_update(update)
    except EngineError:
        raise
    except Exception as error:
        raise EngineFault(f"{type(error).__name__}: {error}") from error
    finally:
        if first:
            stages.add("decode", first, tokens=tokens, candidates=len(collected))
        else:
            stages.add("engine", asked, note="no token arrived")
    return collected


def _engine_start(engine: Engine, stages: StageLog, asked: float, first: float) -> None:
    """The engine queue and the prompt read, told apart by the engine's own clock where it
    keeps one (local engines: one generation at a time, so its last start is this one)."""
    stats = engine.stats
    if not asked <= stats.started_at <= first:
        stages.add("first token", asked, first)  # a remote server: queue and read are its own
        return
    stages.add("engine queue", asked, stats.started_at)
    if stats.started_at <= stats.read_at <= first and stats.prefills:
        prompt, computed = stats.prefills[-1]
        read, reused = stats.read_at, prompt - computed
        stages.add(
            "prompt read", stats.started_at, read, tokens=prompt, reused=reused, computed=computed
        )
        stages.add("first token", read, first)
    else:
        stages.add("first token", stats.started_at, first)


async def _with_agreement(
    ranking: Ranking, insertion: Insertion, sandbox: Sandbox
) -> tuple[Ranking, int]:
    """`ranking` with each candidate's agreement with the others (Python), and how many
    inputs they ran on (0: nothing could be compared)."""
    if insertion.language != "python":
        return ranking, 0
    texts = [(candidate.index, candidate.text) for candidate in ranking.shown]
    found = await agreement(sandbox, insertion, texts)
    if found is None:
        return ranking, 0
    signatures = {index: b.signature for index, b in found.behaviours.items()}
    marks = {
        index: "prints" if b.printed else "returnsNone"
        for index, b in found.behaviours.items()
        if b.printed or b.returns_none
    }
    return with_agreement(ranking, signatures, found.inputs, marks), found.inputs


async def run_examples(
    ranking: Ranking,
    insertion: Insertion,
    checks: list[Check],
    sandbox: Sandbox,
    on_progress: OnProgress | None = None,
) -> dict[int, RunResult]:
    """Run every shown candidate on the prompt's examples, in the sandbox."""
    runs: dict[int, RunResult] = {}
    total = len(ranking.shown)

    async def check(candidate: RankedCandidate) -> None:
        code = runnable_module(insertion, candidate.text)
        if code is None:
            return
        runs[candidate.index] = result = await sandbox.run(code, checks)
        if on_progress is not None:
            on_progress(f"candidate {len(runs)}/{total} · passes {result.passed}/{len(checks)}")

    await asyncio.gather(*(check(candidate) for candidate in ranking.shown))
    return runs
