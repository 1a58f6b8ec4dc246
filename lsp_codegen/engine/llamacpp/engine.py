"""The llama.cpp engine: any .gguf model in this process through llama-cpp-python.

An optional extra (`pip install lsp-codegen[llamacpp]`); on a CPU it decodes the
embedded model several times faster than transformers. One worker thread owns the
model and a context of several sequences (`sequences`): the N candidates of a
request share one prompt read and are decoded together, and the next prompt reads
only what no sequence holds yet, so typing on a line re-reads only the new tokens.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineBase,
    EngineError,
    EngineInfo,
    GenerationRequest,
)
from lsp_codegen.engine.healing import LazyVocabulary
from lsp_codegen.engine.llamacpp.decode import LlamaSetup, run_candidates, token_texts
from lsp_codegen.engine.llamacpp.sequences import SequenceCache
from lsp_codegen.engine.names import display_name
from lsp_codegen.engine.threaded import Emit, counted, stream_on_worker

log = logging.getLogger(__name__)

# Context window of the decoding context, shared by all candidates' sequences: the
# prompt budget (contextTokens) plus N answers fit in it, and the KV cache of a 270M
# model stays small.
MAX_CONTEXT = 8192
# The `Llama` object's own context serves only tokenization; it is kept small.
_LLAMA_CONTEXT = 512

FimDetector = Callable[[set[str]], "str | None"]


def llamacpp_installed() -> bool:
    """True when llama-cpp-python can be imported (the `llamacpp` extra)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


class LlamaTokenizer:
    """Adapts llama.cpp's tokenizer to the `Tokenizer` protocol."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self._vocab: set[str] | None = None

    def count(self, text: str) -> int:
        """Number of tokens in `text`, without BOS."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def vocabulary(self) -> set[str]:
        """Every token's text, special tokens included (read once, then cached)."""
        if self._vocab is None:
            import llama_cpp

            vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
            texts = (llama_cpp.llama_vocab_get_text(vocab, i) for i in range(self._llm.n_vocab()))
            self._vocab = {text.decode("utf-8", "replace") for text in texts if text}
        return self._vocab


class LlamaCppEngine(EngineBase):
    """Streams candidates from a llama.cpp model owned by one worker thread."""

    def __init__(self, llm: Any, info: EngineInfo) -> None:
        super().__init__(info, LlamaTokenizer(llm))
        self._llm = llm
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lsp-codegen-llama")
        sequences = SequenceCache(llm, MAX_CONTEXT, self._stats)
        sequences.open()
        vocabulary = LazyVocabulary(lambda: token_texts(llm))
        self._setup = LlamaSetup(llm, _eog_ids(llm), self._stats, sequences, vocabulary)
        # Token healing's vocabulary (1.7 s for gemma's 262k tokens on 2 AVX2 cores), read
        # now on the worker rather than on the first prompt: the first suggestion waited.
        self._worker.submit(vocabulary.get)

    def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """Stream updates for all candidates; stops at the next token once `cancel` is set."""

        def job(emit: Emit) -> None:
            run_candidates(self._setup, request, cancel, emit)

        return stream_on_worker(self._worker, counted(self._stats, cancel, job), cancel)

    def close(self) -> None:
        """Stop the worker and free the model once the running generation ends.

        Queued generations run first (their cancel flags are set when their
        consumers go, so they end at once); then the model is freed.
        """
        self._worker.submit(self._setup.sequences.close)
        self._worker.submit(self._llm.close)
        self._worker.shutdown(wait=False)


def load_llamacpp_engine(
    model: str, progress: Callable[[str], None], detect_fim: FimDetector
) -> LlamaCppEngine:
    """Load the .gguf file that `model` names into a `LlamaCppEngine`.

    Raises `EngineError` naming the setting to change when the extra is missing
    or the file cannot be loaded.
    """
    from lsp_codegen.engine.gguf_file import gguf_path

    if not llamacpp_installed():
        raise EngineError(
            '`engine` is "llamacpp" but llama-cpp-python is not installed; install the '
            "extra (pip install 'lsp-codegen[llamacpp]') or set `engine` to \"local\""
        )
    path = gguf_path(model)
    progress(f"Loading {display_name(model)} into llama.cpp…")
    llm = _open(path, model)
    engine = LlamaCppEngine(llm, _info(llm, model, path))
    engine.set_fim(detect_fim(engine.tokenizer.vocabulary()))
    return engine


def _open(path: Path, setting: str) -> Any:
    from llama_cpp import Llama

    _route_llama_logs()
    threads = os.cpu_count() or 1
    try:
        llm = Llama(
            model_path=str(path),
            n_ctx=_LLAMA_CONTEXT,
            # llama-cpp-python defaults to half the cores; decoding is memory
            # bound but on small machines every core still helps.
            n_threads=threads,
            n_threads_batch=threads,
            # verbose=False would silence llama.cpp by pointing file descriptors 1
            # and 2 at /dev/null while it loads: process-wide, so LSP messages the
            # event loop writes to stdout meanwhile are lost. Its logs go to our
            # logger instead (see _route_llama_logs).
            verbose=True,
        )
    except (ValueError, RuntimeError) as error:
        raise EngineError(
            f"llama.cpp could not load {path} ({error}); set `model` to a valid .gguf file"
            f" (it is {setting!r})"
        ) from error
    llm.verbose = False  # no per-request cache reports on stderr
    return llm


# ggml's log levels: 1 debug, 2 info, 3 warn, 4 error, 5 continuation of the last line.
_LLAMA_LEVELS = {3: logging.WARNING, 4: logging.ERROR}
_log_callback: Any = None  # kept alive: llama.cpp holds a pointer to it


def _route_llama_logs() -> None:
    """Send llama.cpp's own log lines to the `llama_cpp` logger (DEBUG unless a problem)."""
    global _log_callback
    if _log_callback is not None:
        return
    import ctypes

    import llama_cpp

    native = logging.getLogger("llama_cpp")

    @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
    def forward(level: int, text: bytes, _: ctypes.c_void_p) -> None:
        # Loading chatter only with --log-level DEBUG; warnings and errors always.
        severity = _LLAMA_LEVELS.get(level, logging.DEBUG)
        native.log(severity, "%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = forward
    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))


def _info(llm: Any, model: str, path: Path) -> EngineInfo:
    return EngineInfo(
        model=display_name(model),
        device="cpu",
        dtype=_file_type(llm) or path.stem.rsplit("-", 1)[-1],
        context_length=MAX_CONTEXT,
        fim=None,
        engine="llamacpp",
    )


def _file_type(llm: Any) -> str | None:
    """The quantization as llama.cpp describes the model (e.g. "Q4_K - Medium")."""
    import ctypes

    import llama_cpp

    buffer = ctypes.create_string_buffer(256)
    llama_cpp.llama_model_desc(llm.model, buffer, len(buffer))
    description = buffer.value.decode("utf-8", "replace")  # e.g. "gemma3 270M Q4_K - Medium"
    parts = description.split(" ", 2)
    return parts[2] if len(parts) == 3 else description or None


def _eog_ids(llm: Any) -> frozenset[int]:
    """Every token id that ends generation (EOS, EOT, end_of_turn, ...)."""
    import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    ids = {i for i in range(llm.n_vocab()) if llama_cpp.llama_vocab_is_eog(vocab, i)}
    return frozenset(ids | {int(llm.token_eos())})
