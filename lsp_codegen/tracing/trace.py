"""One request's trace: what was asked, how long each stage took, what became of each
candidate, and the outcome (shown, or why not) — kept in memory, never written to disk."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lsp_codegen.pipeline import GenerationResult
from lsp_codegen.ranking.fates import DUPLICATE_OF, Fate, fates
from lsp_codegen.stages import StageLog

# Outcome statuses: "shown" (items went out), "empty" (an answer with no item),
# "cancelled" (by the client, or the document closed), "superseded" (by a newer request
# for the same document), "failed" (an error answer).
SHOWN, EMPTY, CANCELLED, SUPERSEDED, FAILED = "shown", "empty", "cancelled", "superseded", "failed"


@dataclass
class Outcome:
    """How a request ended, with the reason in words (worked out when first read: most
    traces are never looked at, and counting an empty answer's reasons takes a while)."""

    status: str
    why: str | Callable[[], str]
    items: int = 0
    by: int | None = None  # the request that superseded this one

    @property
    def reason(self) -> str:
        """The reason in words."""
        if not isinstance(self.why, str):
            self.why = self.why()
        return self.why


@dataclass
class RequestTrace:
    """Everything one request recorded; `as_json` is what `lastCompletion` returns."""

    id: int
    kind: str  # "inline" | "completion" | "codeAction" | "generate"
    uri: str
    line: int
    character: int
    trigger: str
    version: int
    received: float = field(default_factory=time.monotonic)
    received_at: float = field(default_factory=time.time)  # wall clock, for the user
    stages: StageLog = field(default_factory=StageLog)  # the request's own steps
    generation: StageLog | None = None  # the steps of the generation that answered it
    joined: int | None = None  # the request whose generation this one joined
    result: GenerationResult | None = None
    why_empty: str | None = None  # set by the handler when it knows better than the result
    superseded_by: int | None = None
    outcome: Outcome | None = None
    ready: float | None = None  # when the candidates to answer with were at hand
    answered: float | None = None

    def use(self, result: GenerationResult | None) -> None:
        """The candidates this request's answer comes from."""
        self.result = result
        self.ready = time.monotonic()

    def answer(self, items: int) -> None:
        """The answer went out with `items` items."""
        self.answered = time.monotonic()
        if self.ready is not None:
            self.stages.add("answer", self.ready, self.answered, items=items)
        result = self.result
        if items:
            self.outcome = Outcome(SHOWN, lambda: _shown_reason(items, result), items)
        else:
            self.outcome = Outcome(EMPTY, self.why_empty or (lambda: _empty_reason(result)))

    def cancel(self, document_open: bool) -> None:
        """The request was cancelled before it answered."""
        self.answered = time.monotonic()
        if self.superseded_by is not None:
            reason = f"superseded by request {self.superseded_by} for the same document"
            self.outcome = Outcome(SUPERSEDED, reason, by=self.superseded_by)
        elif not document_open:
            self.outcome = Outcome(CANCELLED, "the document was closed")
        else:
            self.outcome = Outcome(CANCELLED, "cancelled by the client ($/cancelRequest)")

    def fail(self, message: str) -> None:
        """The request answered with an error."""
        self.answered = time.monotonic()
        self.outcome = Outcome(FAILED, message)

    def fates(self) -> list[Fate]:
        """What became of each candidate of the result (none without a result)."""
        result = self.result
        if result is None:
            return []
        return fates(result.raw, result.candidates, result.rejected, held_back=result.held_back)

    def summary(self) -> str:
        """One line: "shown: 2 of 4 candidates" or "nothing shown: <why>"."""
        outcome = self.outcome
        if outcome is None:
            stages = self._stages()
            last = str(stages[-1]["stage"]) if stages else ""
            return f"still running: {_NEXT.get(last, 'answering')}"
        if outcome.status == SHOWN:
            return f"shown: {outcome.reason}"
        if outcome.status == EMPTY:
            return f"nothing shown: {outcome.reason}"
        return f"{outcome.status}: {outcome.reason}"

    def as_json(self) -> dict[str, object]:
        """The trace as the `lsp-codegen.lastCompletion` command returns it."""
        outcome = self.outcome
        total = None if self.answered is None else round((self.answered - self.received) * 1000, 2)
        return {
            "id": self.id,
            "request": {
                "kind": self.kind,
                "uri": self.uri,
                "position": {"line": self.line, "character": self.character},
                "trigger": self.trigger,
                "version": self.version,
                "receivedAt": round(self.received_at, 3),
                "joined": self.joined,
            },
            "stages": self._stages(),
            "totalMs": total,
            "candidates": [_fate_json(fate) for fate in self.fates()],
            "outcome": None
            if outcome is None
            else {
                "status": outcome.status,
                "reason": outcome.reason,
                "items": outcome.items,
                "by": outcome.by,
            },
            "summary": self.summary(),
        }

    def _stages(self) -> list[dict[str, object]]:
        own = self.stages.as_json()
        generation = self.generation.as_json() if self.generation is not None else []
        if self.joined is not None:
            for stage in generation:
                stage["of"] = f"request {self.joined}"
        return own[:1] + generation + own[1:] if own else generation


# What a running request is doing, by the last stage it finished.
_NEXT = {
    "": "waiting for the typing pause",
    "wait": "waiting for the model, or building the prompt",
    "model load": "building the prompt",
    "prompt": "waiting for the engine (its queue and the prompt read)",
    "engine queue": "reading the prompt",
    "prompt read": "computing the first token",
    "first token": "writing the candidates",
    "decode": "ranking the candidates",
    "rank": "running the examples",
    "join": "answering",
}


def _fate_json(fate: Fate) -> dict[str, object]:
    return {
        "index": fate.index,
        "text": fate.text,
        "shown": fate.shown_at is not None,
        "rank": fate.shown_at,
        "evidence": fate.evidence,
        "dropped": fate.dropped,
        "beyond": fate.beyond,
    }


def _shown_reason(items: int, result: GenerationResult | None) -> str:
    shown = f"{items} suggestion" + ("" if items == 1 else "s")
    if result is None or not result.raw:
        return shown
    return f"{shown} of {_count(len(result.raw))}"


def _empty_reason(result: GenerationResult | None) -> str:
    """Why a result shows nothing, counted by reason: "1 candidate, rejected by syntax"."""
    if result is None:
        return "no candidates were generated"
    if not result.raw:
        return "the model wrote no candidate"
    found = fates(result.raw, result.candidates, result.rejected, held_back=result.held_back)
    dropped = {fate.index: fate.dropped for fate in found if fate.dropped}
    reasons = Counter(_reason_kind(_root(why, dropped)) for why in dropped.values())
    parts = [f"{n} {why}" if len(reasons) > 1 else why for why, n in reasons.most_common()]
    return f"{_count(len(result.raw))}, " + "; ".join(parts)


def _root(dropped: str, reasons: dict[int, str]) -> str:
    """A duplicate's reason is its original's: four copies of one candidate rejected by
    syntax are four candidates rejected by syntax."""
    seen: set[str] = set()
    while dropped.startswith(DUPLICATE_OF) and dropped not in seen:
        seen.add(dropped)
        original = dropped.removeprefix(DUPLICATE_OF)
        if not original.isdigit() or int(original) not in reasons:
            break
        dropped = reasons[int(original)]
    return dropped


def _reason_kind(dropped: str) -> str:
    """A dropped reason's kind, for counting: "syntax: line 2: …" → "rejected by syntax"."""
    head, sep, _ = dropped.partition(":")
    return f"rejected by {head}" if sep else dropped


def _count(candidates: int) -> str:
    return f"{candidates} candidate" + ("" if candidates == 1 else "s")
