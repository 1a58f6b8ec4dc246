"""Turning the `device` and `dtype` settings into torch objects, with clear errors."""

from __future__ import annotations

import torch

from lsp_codegen.engine.base import EngineError

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def resolve_device(setting: str) -> torch.device:
    """`auto` picks CUDA, then Apple MPS, then the CPU; an unavailable choice is an error."""
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if setting == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    available = {"cpu": True, "cuda": cuda, "mps": mps}
    if not available.get(setting, False):
        raise EngineError(
            f"device {setting!r} is not available on this machine (torch {torch.__version__}); "
            'set `device` to "auto" or "cpu"'
        )
    return torch.device(setting)


def resolve_dtype(setting: str, device: torch.device) -> torch.dtype:
    """`auto` is float32 on the CPU (bfloat16 reads prompts ~5× slower without bf16
    hardware), bfloat16 on CUDA when supported, else float16 on accelerators."""
    if setting in _DTYPES:
        return _DTYPES[setting]
    if device.type == "cpu":
        return torch.float32
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float16
