"""The local engine: a transformers model in this process, owned by one worker thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import torch

from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineBase,
    EngineInfo,
    GenerationRequest,
)
from lsp_codegen.engine.healing import LazyVocabulary
from lsp_codegen.engine.threaded import Emit, counted, stream_on_worker
from lsp_codegen.engine.transformers.decode import DecodeSetup, run_decode
from lsp_codegen.engine.transformers.detokenize import token_texts
from lsp_codegen.engine.transformers.output_head import install_decode_head


class HFTokenizer:
    """Adapts a transformers tokenizer to the `Tokenizer` protocol."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._vocab: set[str] | None = None

    def count(self, text: str) -> int:
        """Number of tokens in `text`, without special tokens."""
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def vocabulary(self) -> set[str]:
        """All token strings, including added special tokens."""
        if self._vocab is None:
            self._vocab = set(self._tokenizer.get_vocab()) | set(self._tokenizer.all_special_tokens)
        return self._vocab


class LocalEngine(EngineBase):
    """Streams candidates from an in-process transformers model.

    One worker thread owns the model, so generations run one at a time and never
    inside an LSP handler thread; each yields its updates to the event loop.
    """

    def __init__(self, model: Any, tokenizer: Any, info: EngineInfo) -> None:
        super().__init__(info, HFTokenizer(tokenizer))
        install_decode_head(model, _scan_dtype(model, info))
        self._model = model
        self._hf_tokenizer = tokenizer
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lsp-codegen-engine")
        self._setup = DecodeSetup(
            model=model,
            tokenizer=tokenizer,
            device=torch.device(info.device),
            eos_ids=_eos_ids(model, tokenizer),
            context_length=info.context_length,
            stats=self._stats,
            vocabulary=LazyVocabulary(lambda: token_texts(tokenizer)),
        )
        # Token healing's vocabulary, read now on the worker rather than on the first
        # prompt: the first suggestion would wait for it.
        self._worker.submit(self._setup.vocabulary.get)

    def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """Stream updates for all candidates; stops early when `cancel` is set.

        Closing the iterator (for example when the awaiting task is cancelled)
        sets `cancel`, so the worker stops at its next decode step.
        """

        def job(emit: Emit) -> None:
            run_decode(self._setup, request, cancel, emit)

        return stream_on_worker(self._worker, counted(self._stats, cancel, job), cancel)

    def close(self) -> None:
        """Stop the worker; running generations should be cancelled first."""
        self._worker.shutdown(wait=False, cancel_futures=True)


def _scan_dtype(model: Any, info: EngineInfo) -> torch.dtype | None:
    """bfloat16 for a float32 model on the CPU: its output head scans single rows in
    half the time (see `output_head`); elsewhere the head keeps its own dtype."""
    if info.device != "cpu" or getattr(model, "dtype", None) != torch.float32:
        return None
    return torch.bfloat16


def _eos_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    """Every token id that ends a sequence for this model."""
    ids: set[int] = set()
    configured = getattr(model.generation_config, "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(int(i) for i in configured)
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    return frozenset(ids)
