"""int8 dynamic quantization of a model's Linear layers (the `quantize` setting).

Weights are stored as int8, one scale per output row, and activations quantized on
the fly, per step: on the CPU every Linear, the 262k-token output head included,
streams a quarter of float32's bytes, so decoding is about twice as fast
(1.9x on the embedded model). The output drifts from float32's: along float32's
greedy text the best next token is float32's 84-87% of the time, and greedy text
differs within a line or two; one scale per whole matrix (torch's default) was a
little faster but wrote visibly worse code. Hence off by default. Measured by
bench/cpu_engine.py.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

from lsp_codegen.engine.base import EngineError


def quantize_int8(model: nn.Module, device: torch.device) -> int:
    """Quantize every float `nn.Linear` of `model` in place; returns how many.

    The output head gets its own int8 copy even when tied to the input embeddings,
    which stay float32 (they are looked up, not multiplied).
    """
    if device.type != "cpu":
        raise EngineError(
            f'quantize "int8" runs on the CPU only (device is {device.type}); '
            'set `quantize` to "none" or `device` to "cpu"'
        )
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    spec = {
        name: per_channel_dynamic_qconfig
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and module.weight.is_floating_point()
    }
    with warnings.catch_warnings():
        # torch deprecates its quantized tensor types in favour of torchao; until it
        # removes them they are the only int8 CPU kernels torch itself ships.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        quantize_dynamic(model, qconfig_spec=spec, inplace=True)  # type: ignore[no-untyped-call]
    return len(spec)
