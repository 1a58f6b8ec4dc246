"""A llama.cpp context holding several sequences that share the prompt's KV cells.

The prompt is read once, into sequence 0; `copy` tags a sequence's cells with
another sequence's id too (llama.cpp's sequence copy: no tokens are evaluated), and
`step` decodes one token of every live sequence in one batch. What each sequence
holds is remembered, so the next prompt reads only the tokens after the longest
prefix any sequence shares with it (typing, or accepting a candidate other than
the first).

Our own context, beside the `Llama` object's: llama-cpp-python creates its
context for one sequence, and the number of sequences is fixed at creation.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lsp_codegen.engine.base import EngineError, EngineStats
from lsp_codegen.engine.prefix import common_prefix_length

# Most candidates one request asks for (the `numCandidates` setting's maximum).
MAX_SEQUENCES = 16


@dataclass
class SequenceCache:
    """Our context and batch for `llm`'s model, and the tokens each sequence holds."""

    llm: Any  # llama_cpp.Llama: its model, tokenizer and context parameters
    n_ctx: int
    stats: EngineStats
    held: list[list[int]] = field(default_factory=lambda: [[] for _ in range(MAX_SEQUENCES)])
    _ctx: Any = None
    _batch: Any = None
    _capacity: int = 0

    def open(self) -> None:
        """Create the context (a unified KV buffer shared by every sequence) and batch."""
        import llama_cpp

        params = llama_cpp.llama_context_params.from_buffer_copy(self.llm.context_params)
        params.n_ctx = self.n_ctx
        params.n_seq_max = MAX_SEQUENCES
        # One buffer for all sequences: each may use the whole context, and the
        # prompt's cells are shared instead of copied per sequence.
        params.kv_unified = True
        ctx = llama_cpp.llama_init_from_model(self.llm.model, params)
        if ctx is None:
            raise EngineError("llama.cpp could not create a context for batched candidates")
        self._ctx = ctx
        self._capacity = max(int(params.n_batch), MAX_SEQUENCES)
        self._batch = llama_cpp.llama_batch_init(self._capacity, 0, 1)

    def close(self) -> None:
        """Free the batch and the context (the model is the `Llama` object's)."""
        import llama_cpp

        if self._batch is not None:
            llama_cpp.llama_batch_free(self._batch)
            self._batch = None
        if self._ctx is not None:
            llama_cpp.llama_free(self._ctx)
            self._ctx = None

    @property
    def n_vocab(self) -> int:
        """Size of the vocabulary (the width of a logits row)."""
        return int(self.llm.n_vocab())

    def read_prompt(self, ids: list[int]) -> npt.NDArray[np.float32]:
        """Make sequence 0 hold exactly `ids`, reading only what no sequence holds yet;
        every other sequence is emptied. Returns the logits after the last token."""
        source, common = self._longest_prefix(ids)
        common = min(common, len(ids) - 1)  # read one token at least: its logits start decoding
        self._keep_prefix(source, common)
        logits: npt.NDArray[np.float32] | None = None
        for start in range(common, len(ids), self._capacity):
            chunk = ids[start : start + self._capacity]
            self._fill([(token, start + i, 0) for i, token in enumerate(chunk)], last_only=True)
            self._decode()
            logits = self._logits(1)[0].copy()
        self.stats.record_prefill(len(ids), len(ids) - common)
        self.held[0] = list(ids)
        assert logits is not None  # at least one token was read
        return logits

    def copy(self, source: int, busy: set[int]) -> int:
        """A sequence not in `busy` that now holds what `source` holds (no tokens are
        evaluated: the cells are shared); an empty one is taken first, so sequences that
        hold finished candidates stay for the next prompt as long as possible."""
        import llama_cpp

        free = [seq for seq in range(MAX_SEQUENCES) if seq not in busy]
        target = min(free, key=lambda seq: len(self.held[seq]))
        memory = llama_cpp.llama_get_memory(self._ctx)
        if self.held[target]:
            llama_cpp.llama_memory_seq_rm(memory, target, -1, -1)
        llama_cpp.llama_memory_seq_cp(memory, source, target, -1, -1)
        self.held[target] = list(self.held[source])
        return target

    def step(self, tokens: list[tuple[int, int]]) -> npt.NDArray[np.float32]:
        """Decode one token per sequence, `(sequence, token)` pairs, in one batch;
        returns their logits, one row each, in the order given (a view: read it
        before the next step)."""
        entries = [(token, len(self.held[seq]), seq) for seq, token in tokens]
        self._fill(entries, last_only=False)
        self._decode()
        for seq, token in tokens:
            self.held[seq].append(token)
        return self._logits(len(tokens))

    def _longest_prefix(self, ids: list[int]) -> tuple[int, int]:
        """The sequence sharing the longest prefix with `ids`, and that length."""
        lengths = [common_prefix_length(held, ids) for held in self.held]
        best = int(np.argmax(lengths))
        return best, lengths[best]

    def _keep_prefix(self, source: int, length: int) -> None:
        """Sequence 0 holds the first `length` tokens of sequence `source`; no other
        sequence holds anything."""
        import llama_cpp

        memory = llama_cpp.llama_get_memory(self._ctx)
        if source != 0:
            llama_cpp.llama_memory_seq_rm(memory, 0, -1, -1)
            llama_cpp.llama_memory_seq_cp(memory, source, 0, 0, length)
            self.held[0] = self.held[source][:length]
        else:
            llama_cpp.llama_memory_seq_rm(memory, 0, length, -1)
            del self.held[0][length:]
        for seq in range(1, MAX_SEQUENCES):
            if self.held[seq]:
                llama_cpp.llama_memory_seq_rm(memory, seq, -1, -1)
                self.held[seq] = []

    def _fill(self, entries: list[tuple[int, int, int]], *, last_only: bool) -> None:
        """Put `(token, position, sequence)` entries in the batch; logits for every entry,
        or (reading a prompt) for the last one only."""
        batch = self._batch
        batch.n_tokens = len(entries)
        for i, (token, position, seq) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = not last_only
        batch.logits[len(entries) - 1] = True

    def _decode(self) -> None:
        import llama_cpp

        status = llama_cpp.llama_decode(self._ctx, self._batch)
        if status != 0:
            self._forget()
            raise EngineError(
                f"llama.cpp could not decode (status {status}: "
                f"{'no room left in the context' if status == 1 else 'an internal error'})"
            )

    def _forget(self) -> None:
        """After a failed decode nothing cached can be trusted: empty every sequence."""
        import llama_cpp

        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self._ctx), True)
        self.held = [[] for _ in range(MAX_SEQUENCES)]

    def _logits(self, rows: int) -> npt.NDArray[np.float32]:
        import llama_cpp

        pointer = llama_cpp.llama_get_logits(self._ctx)
        flat = np.ctypeslib.as_array(
            ctypes.cast(pointer, ctypes.POINTER(ctypes.c_float)), shape=(rows * self.n_vocab,)
        )
        return flat.reshape(rows, self.n_vocab)

    def evaluated(self) -> int:
        """Tokens this context has evaluated so far (prompts and decode steps)."""
        import llama_cpp

        data = llama_cpp.llama_perf_context(self._ctx)
        return int(data.n_p_eval) + int(data.n_eval)
