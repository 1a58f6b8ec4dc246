"""The one interface every engine implements; no LSP types here."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol

# Given the text generated so far for one candidate, return the index at which
# the candidate is complete (text[:index] is kept), or None to keep decoding.
StopRule = Callable[[str], "int | None"]


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate: one prompt, several candidates."""

    prompt: str
    num_candidates: int = 4
    max_new_tokens: int = 128
    temperature: float = 0.8
    # Sampled candidates spread over temperature × (1 ± spread), lowest first
    # (engine/schedule.py); 0: all at `temperature`.
    temperature_spread: float = 0.0
    top_p: float = 0.95
    max_time_s: float = 30.0
    stop: tuple[str, ...] = ()
    stop_rule: StopRule | None = None
    seed: int | None = None
    # Token healing (engine/healing.py): the prompt's last token is written again by
    # the model, so a prompt that ends inside a token continues as the model would.
    heal: bool = True


@dataclass(frozen=True)
class CandidateUpdate:
    """One step of one candidate: new text and the log-probability of its token."""

    index: int
    delta: str
    logprob: float
    done: bool = False
    finish_reason: str | None = None  # "stop" | "eos" | "length" | "time" | "cancelled"
    # Set on the last update when a stop string or rule ended the candidate:
    # its final text is the text streamed so far cut to this length.
    text_end: int | None = None


@dataclass(frozen=True)
class EngineInfo:
    """What an engine runs on; shown by `doctor` and in item details."""

    model: str
    device: str
    dtype: str
    context_length: int
    fim: str | None  # FIM family name, None when the model has no FIM tokens
    engine: str = "local"


class CancelToken:
    """A flag the decode loop checks at every step; records when it was set."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.cancelled_at: float | None = None
        self.steps_after = 0  # decode steps that finished after cancel() was called

    def cancel(self) -> None:
        """Ask the generation to stop at its next decode step."""
        if not self._event.is_set():
            self.cancelled_at = time.monotonic()
            self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()


_HISTORY = 500


@dataclass
class EngineStats:
    """Counters an engine keeps so cancellation and load can be observed from outside."""

    generations: int = 0
    active: int = 0
    decode_steps: int = 0
    # Decode steps each cancelled generation ran after its cancel flag was set.
    # Recent history only (bounded: a long session must not grow memory).
    steps_after_cancel: deque[int] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    # (prompt tokens, tokens actually computed) per prefill: reuse shows as fewer computed.
    prefills: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    # When (time.monotonic()) the engine last began a generation, after waiting for its
    # worker, and last finished reading a prompt: a request's trace tells its engine
    # queue and prompt read apart with them (one generation runs at a time).
    started_at: float = 0.0
    read_at: float = 0.0

    def record_prefill(self, prompt: int, computed: int) -> None:
        """A prompt of `prompt` tokens was read, `computed` of them anew (the rest reused)."""
        self.prefills.append((prompt, computed))
        self.read_at = time.monotonic()

    def count_step(self, cancel: CancelToken) -> None:
        """Count one decode step, and whether it ran after `cancel` was set."""
        self.decode_steps += 1
        if cancel.cancelled:
            cancel.steps_after += 1  # this step was running when the flag was set

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly copy."""
        return {
            "generations": self.generations,
            "active": self.active,
            "decodeSteps": self.decode_steps,
            "stepsAfterCancel": list(self.steps_after_cancel)[-50:],
            "prefills": [
                {"prompt": prompt, "computed": computed}
                for prompt, computed in list(self.prefills)[-50:]
            ],
        }


def interruption(cancel: CancelToken, deadline: float) -> str | None:
    """Why a generation must stop now ("cancelled" or "time"), or None to go on."""
    if cancel.cancelled:
        return "cancelled"
    if time.monotonic() > deadline:
        return "time"
    return None


class Tokenizer(Protocol):
    """The part of a tokenizer that prompt budgeting needs."""

    def count(self, text: str) -> int:
        """Number of tokens `text` encodes to (no special tokens added)."""
        ...

    def vocabulary(self) -> set[str]:
        """Every token string, special tokens included (for FIM detection)."""
        ...


class Engine(Protocol):
    """A model that streams candidates for a prompt."""

    def info(self) -> EngineInfo:
        """Model, device, FIM support and context length."""
        ...

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's own tokenizer, for prompt budgeting."""
        ...

    @property
    def stats(self) -> EngineStats:
        """Live counters."""
        ...

    def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """Stream updates for every candidate until all are done or `cancel` is set."""
        ...

    def close(self) -> None:
        """Release the worker and the model."""
        ...


class EngineBase:
    """The `Engine` accessors every engine has alike: its info, its tokenizer, its stats."""

    def __init__(self, info: EngineInfo, tokenizer: Tokenizer) -> None:
        self._info = info
        self._tokenizer = tokenizer
        self._stats = EngineStats()

    def info(self) -> EngineInfo:
        """Model, device, dtype, FIM family and context length."""
        return self._info

    def set_fim(self, family: str | None) -> None:
        """Record which FIM template family the vocabulary supports."""
        self._info = dataclasses.replace(self._info, fim=family)

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's own tokenizer (or an estimate of it)."""
        return self._tokenizer

    @property
    def stats(self) -> EngineStats:
        """Live counters (generations, decode steps, steps after cancel, prefills)."""
        return self._stats


class EngineError(RuntimeError):
    """A failure a user can act on; the message names what to change."""


class EngineFault(EngineError):
    """The engine itself broke mid-generation (a model error, out of memory): restart it."""
