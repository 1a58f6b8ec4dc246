"""`lsp-codegen doctor`: what runs here, whether the model loads, and how fast it is."""

from __future__ import annotations

import argparse
import asyncio
import time

from lsp_codegen.commands.common import load_with_progress, settings_from_args
from lsp_codegen.engine.base import CancelToken, Engine, EngineError, GenerationRequest

_PROBE_PROMPT = "def add(a, b):\n    "
_PROBE_TOKENS = 32


def run_doctor(args: argparse.Namespace) -> int:
    """Print torch, device, model and speed facts; exit non-zero if the model fails."""
    import torch

    print(
        f"torch {torch.__version__}; CUDA available: {torch.cuda.is_available()}; "
        f"threads: {torch.get_num_threads()}"
    )
    settings = settings_from_args(args)
    print(f"model setting: {settings.model!r}; device setting: {settings.device!r}")
    try:
        engine, seconds = load_with_progress(settings)
    except EngineError as error:
        print(f"model: FAILED to load: {error}")
        return 1
    info = engine.info()
    print(
        f"model: {info.model} loaded in {seconds:.1f} s on {info.device} ({info.dtype}); "
        f"context {info.context_length} tokens; FIM: {info.fim or 'none'}"
    )
    rate, first = asyncio.run(_measure(engine))
    print(f"decode: {rate:.1f} tokens/s (1 candidate); first token after {first * 1000:.0f} ms")
    engine.close()
    return 0


async def _measure(engine: Engine) -> tuple[float, float]:
    """Tokens per second and time to first token for one greedy candidate."""
    request = GenerationRequest(
        prompt=_PROBE_PROMPT, num_candidates=1, max_new_tokens=_PROBE_TOKENS, temperature=0.0
    )
    started = time.monotonic()
    first: float | None = None
    tokens = 0
    async for update in engine.stream(request, CancelToken()):
        if first is None:
            first = time.monotonic() - started
        if not update.done or update.delta:
            tokens += 1
    total = time.monotonic() - started
    return tokens / total if total > 0 else 0.0, first or total
