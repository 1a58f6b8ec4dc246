"""Asking the engine for several continuations of a plain prompt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lsp_codegen.config import Settings
from lsp_codegen.engine.base import CancelToken, Engine, GenerationRequest, StopRule

OnText = Callable[[int, str], None]
# Ended by the stop rule or the model itself, not cut off by a token or time budget.
_FINISHED = frozenset({"stop", "eos"})


@dataclass(frozen=True)
class Continuation:
    """One candidate's text, and whether it was finished (not cut off by a budget)."""

    text: str
    finished: bool


async def complete(
    engine: Engine,
    prompt: str,
    settings: Settings,
    stop_rule: StopRule,
    cancel: CancelToken | None = None,
    *,
    max_new_tokens: int | None = None,
    num_candidates: int | None = None,
    max_seconds: float | None = None,
) -> list[Continuation]:
    """Up to `settings.num_candidates` continuations of `prompt`, in engine order,
    each cut where `stop_rule` (or the engine) ended it."""
    request = GenerationRequest(
        prompt=prompt,
        num_candidates=num_candidates or settings.num_candidates,
        max_new_tokens=max_new_tokens or settings.max_new_tokens,
        temperature=settings.temperature,
        temperature_spread=settings.temperature_spread,
        top_p=settings.top_p,
        max_time_s=max(settings.max_time_ms / 1000, max_seconds or 0),
        stop_rule=stop_rule,
    )
    texts: dict[int, str] = {}
    ends: dict[int, int | None] = {}
    finished: set[int] = set()
    token = cancel or CancelToken()
    try:
        async for update in engine.stream(request, token):
            texts[update.index] = texts.get(update.index, "") + update.delta
            if update.done:
                ends[update.index] = update.text_end
                if update.text_end is not None or update.finish_reason in _FINISHED:
                    finished.add(update.index)
    finally:
        # Reached on $/cancelRequest too: the engine stops at its next decode step.
        token.cancel()
    return [Continuation(texts[i][: ends.get(i)], i in finished) for i in sorted(texts)]


def indented_block_end(base: str) -> StopRule:
    """A stop rule for a body written after a header at indentation `base`: the block
    ends before the first non-blank line indented no deeper than `base`."""

    def rule(text: str) -> int | None:
        offset = 0
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                return None  # the last line is not complete yet
            indent = len(line) - len(line.lstrip())
            if line.strip() and indent <= len(base):
                return offset
            offset += len(line)
        return None

    return rule
