"""One llama.cpp generation: N candidates decoded together, token by token.

Runs on the engine's worker thread. The prompt is read once (only the part no
sequence holds yet, see `sequences`); the candidates then advance one batch per
step, each with its own sampling, log-probabilities, stops and text. Candidate 0 is
greedy, the others sampled, each at its own temperature (engine/schedule.py).

Candidates that have written the same tokens so far are one group on one sequence:
their next-token logits are the same, so the batch holds one row per group, not per
candidate. On a CPU every row costs nearly as much as the first (the output head of a
262k vocabulary is most of the model), and sampled candidates often agree with the
greedy one for many tokens: a group splits (a sequence copy, nothing evaluated) only
where its candidates choose different tokens. A finished candidate leaves its group,
an empty group the batch; cancellation and the time budget are checked every step.
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
from lsp_codegen.engine.healing import (
    LazyVocabulary,
    Vocabulary,
    constraints,
    heal_prompt,
    masked,
)
from lsp_codegen.engine.llamacpp.sampling import choose, log_normalizers
from lsp_codegen.engine.llamacpp.sequences import SequenceCache
from lsp_codegen.engine.schedule import candidate_temperatures
from lsp_codegen.engine.stops import stop_index
from lsp_codegen.engine.threaded import Emit


@dataclass
class LlamaSetup:
    """What the loop needs besides the request."""

    llm: Any  # llama_cpp.Llama: tokenizer and model
    eog: frozenset[int]  # end-of-generation token ids
    stats: EngineStats
    sequences: SequenceCache
    vocabulary: LazyVocabulary  # token texts, for healing


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
        before = len(self.written)
        self.written += self.decoder.decode(piece)
        return self.written[max(before, self.hidden) :]


@dataclass
class _Row:
    """One live candidate."""

    index: int
    text: _Text
    token: int = -1  # the token chosen this step
    logprob: float = 0.0


@dataclass
class _Group:
    """Candidates with the same tokens so far, on one sequence."""

    seq: int
    rows: list[_Row]


def run_candidates(
    setup: LlamaSetup, request: GenerationRequest, cancel: CancelToken, emit: Emit
) -> None:
    """Generate every candidate of `request`, emitting one update per new token."""
    n = request.num_candidates
    if cancel.cancelled:  # cancelled while queued for the worker: not even a prompt read
        _finish(list(range(n)), "cancelled", emit)
        return
    healed = heal_prompt(prompt_tokens(setup, request), request.heal, setup.vocabulary)
    deadline = time.monotonic() + request.max_time_s
    logits = setup.sequences.read_prompt(healed.ids)[np.newaxis]
    groups = [_Group(0, [_Row(i, _Text(hidden=len(healed.removed))) for i in range(n)])]
    rng = np.random.default_rng(request.seed)
    temperatures = candidate_temperatures(request)
    for step in range(request.max_new_tokens):
        if (reason := interruption(cancel, deadline)) is not None:
            _finish([row.index for group in groups for row in group.rows], reason, emit)
            return
        _choose(setup, groups, logits, healed.removed, request.top_p, temperatures, rng)
        groups = _split(setup.sequences, groups)
        groups = _advance(setup, groups, request, cancel, emit)
        if not groups:
            return
        if step + 1 < request.max_new_tokens:
            logits = setup.sequences.step([(g.seq, g.rows[0].token) for g in groups])
    _finish([row.index for group in groups for row in group.rows], "length", emit)


def prompt_tokens(setup: LlamaSetup, request: GenerationRequest) -> list[int]:
    """Tokenize the prompt (special tokens parsed, for FIM), keeping its end if too long."""
    ids: list[int] = setup.llm.tokenize(request.prompt.encode("utf-8"), add_bos=True, special=True)
    room = max(1, setup.sequences.n_ctx - request.max_new_tokens * request.num_candidates)
    return ids[-room:] if len(ids) > room else ids


def _choose(
    setup: LlamaSetup,
    groups: list[_Group],
    logits: npt.NDArray[np.float32],
    removed: str,
    top_p: float,
    temperatures: list[float],
    rng: np.random.Generator,
) -> None:
    """Pick every candidate's token from its group's logits row, with its log-probability
    (temperature 1, no cut; over the allowed tokens while it still writes healed text)."""
    logits = _constrained(setup, groups, logits, removed)
    normalizers = log_normalizers(logits)
    for j, group in enumerate(groups):
        for row in group.rows:
            row.token = choose(logits[j], temperatures[row.index], top_p, rng)
            row.logprob = float(logits[j, row.token]) - float(normalizers[j])


def _constrained(
    setup: LlamaSetup, groups: list[_Group], logits: npt.NDArray[np.float32], removed: str
) -> npt.NDArray[np.float32]:
    """`logits` with each group that still has healed text to write limited to the tokens
    that continue it."""
    written = [group.rows[0].text.written for group in groups]
    allowed = constraints(setup.vocabulary, removed, written)
    if not any(tokens is not None for tokens in allowed):
        return logits
    out = np.array(logits)
    for j, tokens in enumerate(allowed):
        if tokens is not None:
            out[j] = masked(out[j], tokens)
    return out


def _split(sequences: SequenceCache, groups: list[_Group]) -> list[_Group]:
    """Each group divided by the tokens its candidates chose; a new part continues on a
    copy of the group's sequence, taken before the chosen tokens are decoded."""
    split: list[_Group] = []
    for group in groups:
        by_token: dict[int, list[_Row]] = {}
        for row in group.rows:
            by_token.setdefault(row.token, []).append(row)
        parts = list(by_token.values())
        split.append(_Group(group.seq, parts[0]))
        for rows in parts[1:]:
            busy = {g.seq for g in groups} | {g.seq for g in split}
            seq = sequences.copy(group.seq, busy)
            split.append(_Group(seq, rows))
    return split


def _advance(
    setup: LlamaSetup,
    groups: list[_Group],
    request: GenerationRequest,
    cancel: CancelToken,
    emit: Emit,
) -> list[_Group]:
    """Emit each candidate's token; return the groups with candidates that go on."""
    setup.stats.count_step(cancel)
    live = []
    for group in groups:
        piece = setup.llm.detokenize([group.rows[0].token])
        rows = [row for row in group.rows if _emitted(setup, row, piece, request, emit)]
        if rows:
            live.append(_Group(group.seq, rows))
    return live


def _emitted(
    setup: LlamaSetup, row: _Row, piece: bytes, request: GenerationRequest, emit: Emit
) -> bool:
    """Emit `row`'s update for its token; True when the candidate goes on."""
    if row.token in setup.eog:
        emit(CandidateUpdate(row.index, "", row.logprob, done=True, finish_reason="eos"))
        return False
    delta = row.text.push(piece)
    cut = stop_index(row.text.shown, len(delta), request)
    finish = "stop" if cut is not None else None
    emit(CandidateUpdate(row.index, delta, row.logprob, cut is not None, finish, text_end=cut))
    return cut is None


def _finish(indices: list[int], reason: str, emit: Emit) -> None:
    for index in indices:
        emit(CandidateUpdate(index, "", 0.0, done=True, finish_reason=reason))


def token_texts(llm: Any) -> Vocabulary:
    """Every token's text as it appears in decoded output; None for control tokens and
    for pieces that are not whole UTF-8 characters (~1.7 s for 262k tokens)."""
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
