"""One llama.cpp generation: N candidates decoded together, token by token.

Runs on the engine's worker thread. The prompt is read once (only the part no
sequence holds yet, see `sequences`); the N candidates then share its KV cells and
advance one batch per step, each with its own sampling, log-probabilities, stops
and text. Row 0 is greedy, the others sampled. A finished candidate leaves the
batch; cancellation and the time budget are checked before every step.
"""

from __future__ import annotations

import codecs
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineStats,
    GenerationRequest,
    interruption,
)
from lsp_codegen.engine.healing import Healed, Vocabulary, heal, masked, pending_text
from lsp_codegen.engine.llamacpp.sampling import choose, log_normalizers
from lsp_codegen.engine.llamacpp.sequences import SequenceCache
from lsp_codegen.engine.stops import stop_index
from lsp_codegen.engine.threaded import Emit


@dataclass
class LlamaSetup:
    """What the loop needs besides the request."""

    llm: Any  # llama_cpp.Llama: tokenizer and model
    eog: frozenset[int]  # end-of-generation token ids
    stats: EngineStats
    sequences: SequenceCache
    vocabulary: Vocabulary | None = None  # token texts, read on the first healed prompt


@dataclass
class _Text:
    """One candidate's text, decoded incrementally from UTF-8 token pieces; the first
    `hidden` characters (the healed prompt text the user already typed) are not shown."""

    hidden: int = 0
    decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace")
    )
    written: str = ""  # everything decoded, the healed text included

    @property
    def shown(self) -> str:
        """The candidate's text."""
        return self.written[self.hidden :]

    def push(self, piece: bytes) -> str:
        """Add a token's bytes; return the new shown text."""
        before = len(self.shown)
        self.written += self.decoder.decode(piece)
        return self.shown[before:]


@dataclass
class _Row:
    """One live candidate."""

    index: int
    text: _Text
    token: int = -1  # the token chosen this step


def run_candidates(
    setup: LlamaSetup, request: GenerationRequest, cancel: CancelToken, emit: Emit
) -> None:
    """Generate every candidate of `request`, emitting one update per new token."""
    n = request.num_candidates
    if cancel.cancelled:  # cancelled while queued for the worker: not even a prompt read
        _finish(list(range(n)), "cancelled", emit)
        return
    healed = _healed(setup, prompt_tokens(setup, request), request)
    deadline = time.monotonic() + request.max_time_s
    first = setup.sequences.read_prompt(healed.ids)
    setup.sequences.fork(n)
    rows = [_Row(i, _Text(hidden=len(healed.removed))) for i in range(n)]
    logits = np.broadcast_to(first, (n, first.shape[0]))  # every row continues the prompt
    rng = np.random.default_rng(request.seed)
    for step in range(request.max_new_tokens):
        if (reason := interruption(cancel, deadline)) is not None:
            _finish([row.index for row in rows], reason, emit)
            return
        logprobs = _choose(setup, rows, logits, healed.removed, request, rng)
        rows = _advance(setup, rows, logprobs, request, cancel, emit)
        if not rows:
            return
        if step + 1 < request.max_new_tokens:
            logits = setup.sequences.step([(row.index, row.token) for row in rows])
    _finish([row.index for row in rows], "length", emit)


def prompt_tokens(setup: LlamaSetup, request: GenerationRequest) -> list[int]:
    """Tokenize the prompt (special tokens parsed, for FIM), keeping its end if too long."""
    ids: list[int] = setup.llm.tokenize(request.prompt.encode("utf-8"), add_bos=True, special=True)
    room = max(1, setup.sequences.n_ctx - request.max_new_tokens * request.num_candidates)
    return ids[-room:] if len(ids) > room else ids


def _healed(setup: LlamaSetup, ids: list[int], request: GenerationRequest) -> Healed:
    if not request.heal:
        return Healed(ids, "")
    if setup.vocabulary is None:
        setup.vocabulary = token_texts(setup.llm)
    return heal(ids, setup.vocabulary)


def _choose(
    setup: LlamaSetup,
    rows: list[_Row],
    logits: npt.NDArray[np.float32],
    removed: str,
    request: GenerationRequest,
    rng: np.random.Generator,
) -> list[float]:
    """Pick each row's token; return their log-probabilities (temperature 1, no cut;
    over the allowed tokens while a row still writes the healed text)."""
    logits = _constrained(setup, rows, logits, removed)
    normalizers = log_normalizers(logits)
    logprobs = []
    for j, row in enumerate(rows):
        temperature = 0.0 if row.index == 0 else request.temperature
        row.token = choose(logits[j], temperature, request.top_p, rng)
        logprobs.append(float(logits[j, row.token]) - float(normalizers[j]))
    return logprobs


def _constrained(
    setup: LlamaSetup, rows: list[_Row], logits: npt.NDArray[np.float32], removed: str
) -> npt.NDArray[np.float32]:
    """`logits` with each row that still has healed text to write limited to the tokens
    that continue it."""
    pending = [pending_text(removed, row.text.written) for row in rows]
    if not any(pending):
        return logits
    assert setup.vocabulary is not None  # a healed prompt read it
    out = np.array(logits)
    for j, text in enumerate(pending):
        allowed = setup.vocabulary.allowed(text) if text else None
        if allowed is not None and allowed.size:  # none: a vocabulary that cannot heal it
            out[j] = masked(out[j], allowed)
    return out


def _advance(
    setup: LlamaSetup,
    rows: list[_Row],
    logprobs: list[float],
    request: GenerationRequest,
    cancel: CancelToken,
    emit: Emit,
) -> list[_Row]:
    """Emit each row's token; return the rows that go on."""
    setup.stats.count_step(cancel)
    live = []
    for row, logprob in zip(rows, logprobs, strict=True):
        if row.token in setup.eog:
            emit(CandidateUpdate(row.index, "", logprob, done=True, finish_reason="eos"))
            continue
        delta = row.text.push(setup.llm.detokenize([row.token]))
        cut = stop_index(row.text.shown, len(delta), request)
        finish = "stop" if cut is not None else None
        emit(CandidateUpdate(row.index, delta, logprob, cut is not None, finish, text_end=cut))
        if cut is None:
            live.append(row)
    return live


def _finish(indices: list[int], reason: str, emit: Emit) -> None:
    for index in indices:
        emit(CandidateUpdate(index, "", 0.0, done=True, finish_reason=reason))


def token_texts(llm: Any) -> Vocabulary:
    """Every token's text as it appears in decoded output; None for control tokens and
    for pieces that are not whole UTF-8 characters (~0.3 s for 262k tokens)."""
    import ctypes

    import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    buffer = ctypes.create_string_buffer(256)
    texts: list[str | None] = []
    for token in range(llm.n_vocab()):
        size = llama_cpp.llama_token_to_piece(vocab, token, buffer, len(buffer), 0, False)
        texts.append(
            _text(buffer.raw[: max(size, 0)], llama_cpp.llama_vocab_is_control(vocab, token))
        )
    return Vocabulary(texts)


def _text(piece: bytes, control: bool) -> str | None:
    if control or not piece:
        return None
    try:
        return piece.decode("utf-8")
    except UnicodeDecodeError:
        return None
