"""The decode loop: one prefill, N candidates decoded together, token by token.

Runs on the engine's worker thread. Everything the caller sees goes through
`emit`; cancellation is a flag checked before every decode step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import DynamicCache

from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineStats,
    GenerationRequest,
    interruption,
)
from lsp_codegen.engine.healing import LazyVocabulary, constraints, heal_prompt
from lsp_codegen.engine.prefix import common_prefix_length
from lsp_codegen.engine.schedule import candidate_temperatures
from lsp_codegen.engine.stops import stop_index
from lsp_codegen.engine.transformers.detokenize import IncrementalDetokenizer
from lsp_codegen.engine.transformers.sampling import choose_tokens

Emit = Callable[[CandidateUpdate], None]


@dataclass
class _Row:
    """One live candidate: its index, detokenizer and the stop it may hit. The first
    `hidden` characters it writes are the healed prompt text, not shown."""

    index: int
    detok: IncrementalDetokenizer
    hidden: int = 0
    finish: str | None = None
    cut: int | None = None  # final text length when a stop string/rule ended it

    @property
    def shown(self) -> str:
        """The candidate's text."""
        return self.detok.text[self.hidden :]


@dataclass
class PrefixCache:
    """The key/value cache of the last prompt (one row), kept between requests.

    Typing on one line changes only the end of the prompt: the next prefill
    computes just the tokens after the longest common token prefix.
    """

    ids: list[int] = field(default_factory=list)
    cache: DynamicCache | None = None


@dataclass
class DecodeSetup:
    """What the loop needs besides the request."""

    model: Any
    tokenizer: Any
    device: torch.device
    eos_ids: frozenset[int]
    context_length: int
    stats: EngineStats
    vocabulary: LazyVocabulary  # token texts, for healing
    prefix: PrefixCache = field(default_factory=PrefixCache)


def prompt_ids(setup: DecodeSetup, request: GenerationRequest) -> list[int]:
    """Tokenize the prompt, keeping its end when it would overflow the context."""
    ids: list[int] = setup.tokenizer(request.prompt, add_special_tokens=True)["input_ids"]
    room = max(1, setup.context_length - request.max_new_tokens)
    return ids[-room:] if len(ids) > room else ids


def prefill(setup: DecodeSetup, ids: list[int], rows: int) -> tuple[torch.Tensor, DynamicCache]:
    """Read the prompt, reusing the cached common prefix; logits and a cache for `rows` rows."""
    kept = setup.prefix
    common = common_prefix_length(kept.ids, ids) if kept.cache is not None else 0
    common = min(common, len(ids) - 1)  # at least one token to read: its logits start decoding
    cache = kept.cache if common > 0 and kept.cache is not None else DynamicCache()
    if common > 0:
        cache.crop(common - cache.get_seq_length())
    else:
        common = 0
    setup.prefix = PrefixCache()  # until this prefill completes, nothing valid is kept
    new_ids = torch.tensor([ids[common:]], device=setup.device)
    logits = _forward(setup, new_ids, cache)
    setup.stats.record_prefill(len(ids), len(ids) - common)
    setup.prefix = PrefixCache(ids, cache)
    # Every candidate continues the same prompt: its keys and values once per row.
    return logits.expand(rows, -1), _repeated(cache, rows)


def _repeated(cache: DynamicCache, rows: int) -> DynamicCache:
    """A new cache holding `cache`'s keys and values once per row (`cache` is unchanged)."""
    per_layer = []
    for layer in cache.layers:
        keys, values = layer.keys, layer.values  # type: ignore[union-attr]
        assert keys is not None and values is not None
        per_layer.append((keys.repeat_interleave(rows, 0), values.repeat_interleave(rows, 0)))
    return DynamicCache(ddp_cache_data=per_layer)


def run_decode(
    setup: DecodeSetup, request: GenerationRequest, cancel: CancelToken, emit: Emit
) -> None:
    """Generate every candidate of `request`, emitting one update per new token."""
    if cancel.cancelled:  # cancelled while queued for the worker: not even a prefill
        for index in range(request.num_candidates):
            emit(CandidateUpdate(index, "", 0.0, done=True, finish_reason="cancelled"))
        return
    healed = heal_prompt(prompt_ids(setup, request), request.heal, setup.vocabulary)
    ids = healed.ids
    n = request.num_candidates
    anchor = ids[-1]
    hidden = len(healed.removed)
    rows = [_Row(i, IncrementalDetokenizer(setup.tokenizer, anchor), hidden) for i in range(n)]
    deadline = time.monotonic() + request.max_time_s
    generator = _generator(request.seed, setup.device)
    temperatures = torch.tensor(candidate_temperatures(request), device=setup.device)
    with torch.inference_mode():
        # A full (not sliding-window) cache: any prefix of it can be reused; the
        # model's attention masks still apply each layer's window.
        logits, cache = prefill(setup, ids, n)
        for step in range(request.max_new_tokens):
            if _interrupted(cancel, deadline, rows, emit):
                break
            logits = _constrained(setup, rows, logits, healed.removed)
            tokens, logprobs = choose_tokens(logits, temperatures, request.top_p, generator)
            _advance(rows, tokens.tolist(), logprobs.tolist(), request, setup, emit)
            live = [i for i, row in enumerate(rows) if row.finish is None]
            if not live:
                return
            if len(live) < len(rows):
                keep = torch.tensor(live, device=setup.device)
                cache.batch_select_indices(keep)
                tokens, temperatures = tokens[keep], temperatures[keep]
                rows = [rows[i] for i in live]
            if step + 1 < request.max_new_tokens:
                logits = _forward(setup, tokens.unsqueeze(-1), cache, cancel)
        else:
            _finish_all(rows, "length", emit)


def _constrained(
    setup: DecodeSetup, rows: list[_Row], logits: torch.Tensor, removed: str
) -> torch.Tensor:
    """`logits` with each row that still has healed text to write limited to the tokens
    that continue it (the others' logits are unchanged)."""
    allowed = constraints(setup.vocabulary, removed, [row.detok.text for row in rows])
    if not any(tokens is not None for tokens in allowed):
        return logits
    out = logits.clone()
    for j, tokens in enumerate(allowed):
        if tokens is not None:
            keep = torch.as_tensor(tokens[tokens < out.shape[-1]], device=out.device)
            row = torch.full_like(out[j], -torch.inf)
            row[keep] = out[j, keep]
            out[j] = row
    return out


def _generator(seed: int | None, device: torch.device) -> torch.Generator | None:
    if seed is None:
        return None
    return torch.Generator(device=device).manual_seed(seed)


def _forward(
    setup: DecodeSetup,
    input_ids: torch.Tensor,
    cache: DynamicCache,
    cancel: CancelToken | None = None,
) -> torch.Tensor:
    """One model step; returns the last position's logits and counts the step."""
    # Only the last position's logits are needed; computing them for a whole
    # prompt costs a full vocabulary projection per prompt token.
    out = setup.model(input_ids=input_ids, cache=cache, use_cache=True, logits_to_keep=1)
    if cancel is None:
        setup.stats.decode_steps += 1  # the prefill: nothing to cancel yet
    else:
        setup.stats.count_step(cancel)
    logits: torch.Tensor = out.logits[:, -1, :]
    return logits


def _interrupted(cancel: CancelToken, deadline: float, rows: list[_Row], emit: Emit) -> bool:
    """Finish every live row when cancelled or out of time; True if so."""
    reason = interruption(cancel, deadline)
    if reason is not None:
        _finish_all(rows, reason, emit)
    return reason is not None


def _finish_all(rows: list[_Row], reason: str, emit: Emit) -> None:
    for row in rows:
        if row.finish is None:
            row.finish = reason
            emit(CandidateUpdate(row.index, "", 0.0, done=True, finish_reason=reason))


def _advance(
    rows: list[_Row],
    tokens: list[int],
    logprobs: list[float],
    request: GenerationRequest,
    setup: DecodeSetup,
    emit: Emit,
) -> None:
    """Append each row's new token, emit its delta and mark rows that stopped."""
    for row, token, logprob in zip(rows, tokens, logprobs, strict=True):
        if token in setup.eos_ids:
            row.finish = "eos"
            emit(CandidateUpdate(row.index, "", logprob, done=True, finish_reason="eos"))
            continue
        before = len(row.detok.text)
        row.detok.push(token)
        delta = row.detok.text[max(before, row.hidden) :]
        row.cut = stop_index(row.shown, len(delta), request)
        if row.cut is not None:
            row.finish = "stop"
        emit(
            CandidateUpdate(
                row.index,
                delta,
                logprob,
                done=row.finish is not None,
                finish_reason=row.finish,
                text_end=row.cut,
            )
        )
