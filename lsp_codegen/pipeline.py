"""Document + insertion point → prompt → engine → ranked candidates.

Shared by the language server and the `generate` command; knows nothing of LSP.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lsp_codegen.config import Settings
from lsp_codegen.context.fim import detect_fim
from lsp_codegen.context.prompt import build_prompt
from lsp_codegen.context.types import Insertion, Mode, Prompt
from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    Engine,
    GenerationRequest,
)
from lsp_codegen.ranking.postprocess import block_end
from lsp_codegen.ranking.score import Candidate, RankedCandidate, rank

# Finish reasons after which a candidate's last line may be incomplete.
_INTERRUPTED = frozenset({"length", "time", "cancelled"})

# Called with each update as it streams in (for progress and partial results).
OnUpdate = Callable[[CandidateUpdate], None]


@dataclass(frozen=True)
class GenerationResult:
    """The ranked candidates for one insertion point, best first."""

    candidates: list[RankedCandidate]
    prompt: Prompt
    seconds: float
    model: str


@dataclass
class _Collected:
    """One candidate's tokens as they stream in."""

    pieces: list[str] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    finish: str | None = None
    text_end: int | None = None

    def add(self, update: CandidateUpdate) -> None:
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
        return Candidate(index=index, text=text, logprobs=tuple(kept), finish_reason=self.finish)


def make_request(prompt: Prompt, settings: Settings) -> GenerationRequest:
    """The engine request for a prompt under the current settings."""
    insertion = prompt.insertion
    return GenerationRequest(
        prompt=prompt.text,
        num_candidates=settings.num_candidates,
        max_new_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
        max_time_s=settings.max_time_ms / 1000,
        stop=prompt.stop,
        stop_rule=lambda text: block_end(text, insertion),
    )


def prepare_prompt(engine: Engine, insertion: Insertion, settings: Settings) -> Prompt:
    """Budget the context with the model's tokenizer and apply its FIM template."""
    fim = detect_fim(engine.tokenizer.vocabulary())
    return build_prompt(insertion, engine.tokenizer, settings.context_tokens, fim)


async def generate(
    engine: Engine,
    insertion: Insertion,
    settings: Settings,
    cancel: CancelToken,
    on_update: OnUpdate | None = None,
) -> GenerationResult:
    """Generate, post-process and rank candidates for `insertion`."""
    started = time.monotonic()
    prompt = prepare_prompt(engine, insertion, settings)
    collected: dict[int, _Collected] = {}
    async for update in engine.stream(make_request(prompt, settings), cancel):
        collected.setdefault(update.index, _Collected()).add(update)
        if on_update is not None:
            on_update(update)
    candidates = [c.candidate(i, insertion) for i, c in sorted(collected.items())]
    return GenerationResult(
        candidates=rank(candidates, insertion),
        prompt=prompt,
        seconds=time.monotonic() - started,
        model=engine.info().model,
    )
