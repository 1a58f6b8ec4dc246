"""`lsp-codegen doctor`: which engine runs and why, whether the model loads, how fast it is."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import time

from lsp_codegen.commands.common import load_with_progress, settings_from_args
from lsp_codegen.config import Settings
from lsp_codegen.engine.base import CancelToken, Engine, EngineError, GenerationRequest
from lsp_codegen.engine.factory import EngineChoice, choose_engine

_PROBE_PROMPT = "def add(a, b):\n    "
_PROBE_TOKENS = 32


def run_doctor(args: argparse.Namespace) -> int:
    """Print the engine choice, the runtime and speed facts; non-zero if the model fails."""
    settings = settings_from_args(args)
    choice = choose_engine(settings)
    print(f"engine: {choice.kind} ({choice.reason})")
    print(f"llama-cpp-python: {_version('llama-cpp-python') or 'not installed'}")
    _describe_setting(settings, choice)
    try:
        engine, seconds = load_with_progress(settings)
    except EngineError as error:
        print(f"model: FAILED to load: {error}")
        return 1
    info = engine.info()
    print(
        f"model: {info.model} loaded in {seconds:.1f} s on {info.device} ({info.dtype}); "
        f"engine {info.engine}; context {info.context_length} tokens; FIM: {info.fim or 'none'}"
    )
    try:
        rate, first = asyncio.run(_measure(engine))
    except EngineError as error:
        print(f"decode: FAILED: {error}")
        return 1
    finally:
        engine.close()
    print(f"decode: {rate:.1f} tokens/s (1 candidate); first token after {first * 1000:.0f} ms")
    return 0


def _describe_setting(settings: Settings, choice: EngineChoice) -> None:
    if choice.kind == "remote":
        remote = settings.remote
        key = f"${remote.api_key_env}" if remote.api_key_env else "none"
        print(
            f"remote: {remote.url}; model {remote.model or '(first listed)'}; "
            f"template {remote.prompt_template or '(prefix only)'}; API key from {key}"
        )
        return
    if choice.kind == "local":
        import torch

        print(
            f"torch {torch.__version__}; CUDA available: {torch.cuda.is_available()}; "
            f"threads: {torch.get_num_threads()}"
        )
    print(f"model setting: {settings.model!r}; device setting: {settings.device!r}")


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


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
