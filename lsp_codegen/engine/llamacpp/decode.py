"""One llama.cpp generation: candidates one after another, token by token.

Runs on the engine's worker thread. Candidates are decoded sequentially: the
first evaluates the (uncached part of the) prompt, every later one finds the
whole prompt in llama.cpp's KV cache and evaluates one token before sampling.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineStats,
    GenerationRequest,
    interruption,
)
from lsp_codegen.engine.stops import stop_index
from lsp_codegen.engine.threaded import Emit


@dataclass
class LlamaSetup:
    """What the loop needs besides the request."""

    llm: Any  # llama_cpp.Llama
    eog: frozenset[int]  # end-of-generation token ids
    stats: EngineStats


def run_candidates(
    setup: LlamaSetup, request: GenerationRequest, cancel: CancelToken, emit: Emit
) -> None:
    """Generate every candidate of `request`, emitting one update per new token."""
    ids = prompt_tokens(setup, request)
    deadline = time.monotonic() + request.max_time_s
    for index in range(request.num_candidates):
        reason = interruption(cancel, deadline)
        if reason is not None:
            for rest in range(index, request.num_candidates):
                emit(CandidateUpdate(rest, "", 0.0, done=True, finish_reason=reason))
            return
        evaluated = _candidate(setup, ids, index, request, cancel, deadline, emit)
        if index == 0:  # llama.cpp's own count: its KV cache held the rest of the prompt
            setup.stats.prefills.append((len(ids), evaluated))


def prompt_tokens(setup: LlamaSetup, request: GenerationRequest) -> list[int]:
    """Tokenize the prompt (special tokens parsed, for FIM), keeping its end if too long."""
    llm = setup.llm
    ids: list[int] = llm.tokenize(request.prompt.encode("utf-8"), add_bos=True, special=True)
    room = max(1, llm.n_ctx() - request.max_new_tokens)
    return ids[-room:] if len(ids) > room else ids


@dataclass
class _Text:
    """One candidate's text, decoded incrementally from UTF-8 token pieces."""

    decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace")
    )
    text: str = ""

    def push(self, piece: bytes) -> str:
        delta = self.decoder.decode(piece)
        self.text += delta
        return delta


def _candidate(
    setup: LlamaSetup,
    ids: list[int],
    index: int,
    request: GenerationRequest,
    cancel: CancelToken,
    deadline: float,
    emit: Emit,
) -> int:
    """Decode candidate `index` to its end; return the prompt tokens llama.cpp evaluated."""
    tokens = _tokens(setup, ids, index, request)
    text = _Text()
    evaluated = 0
    try:
        for step in range(request.max_new_tokens):
            if (reason := interruption(cancel, deadline)) is not None:
                emit(CandidateUpdate(index, "", 0.0, done=True, finish_reason=reason))
                return evaluated
            before = _evaluations(setup.llm)
            token = next(tokens)
            if step == 0:
                evaluated = _evaluations(setup.llm) - before
            if _finished(setup, index, token, text, request, cancel, emit):
                return evaluated
        emit(CandidateUpdate(index, "", 0.0, done=True, finish_reason="length"))
        return evaluated
    finally:
        tokens.close()


def _tokens(
    setup: LlamaSetup, ids: list[int], index: int, request: GenerationRequest
) -> Generator[int, None, None]:
    """llama.cpp's token generator for one candidate: greedy for the first, sampled after."""
    llm = setup.llm
    if request.seed is not None:
        llm.set_seed(request.seed + index)
    temperature = 0.0 if index == 0 else request.temperature
    # top_k 0 and min_p 0 switch llama.cpp's extra filters off: temperature and
    # nucleus sampling only, as the transformers engine samples.
    generator: Generator[int, None, None] = llm.generate(
        ids, temp=temperature, top_p=request.top_p, top_k=0, min_p=0.0, repeat_penalty=1.0
    )
    return generator


def _finished(
    setup: LlamaSetup,
    index: int,
    token: int,
    text: _Text,
    request: GenerationRequest,
    cancel: CancelToken,
    emit: Emit,
) -> bool:
    """Emit the update for `token`; True when the candidate ended with it."""
    setup.stats.count_step(cancel)
    logprob = _logprob(setup.llm, token)
    if token in setup.eog:
        emit(CandidateUpdate(index, "", logprob, done=True, finish_reason="eos"))
        return True
    delta = text.push(setup.llm.detokenize([token]))
    cut = stop_index(text.text, len(delta), request)
    finish = "stop" if cut is not None else None
    emit(CandidateUpdate(index, delta, logprob, cut is not None, finish, text_end=cut))
    return cut is not None


def _logprob(llm: Any, token: int) -> float:
    """log p(token) under the model's own distribution (temperature 1, no cut).

    llama.cpp samples inside its sampler chain; the logits of the position just
    decoded are still in the context, so one log-softmax entry costs a pass over
    the vocabulary (well under a millisecond for 262k entries).
    """
    import llama_cpp

    pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    logits = np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),))
    peak = float(logits.max())
    total = float(np.log(np.exp(logits - peak).sum())) + peak
    return float(logits[token]) - total


def _evaluations(llm: Any) -> int:
    """Tokens llama.cpp has evaluated in this context so far (prompt and decode)."""
    import llama_cpp

    data = llama_cpp.llama_perf_context(llm.ctx)
    return int(data.n_p_eval) + int(data.n_eval)
