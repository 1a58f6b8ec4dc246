"""Which engine runs, and why: the `engine` setting turned into a loaded engine.

`auto` picks llama.cpp for a GGUF model (the embedded default is one) on the CPU
when the `llamacpp` extra is installed — it decodes about 7x faster there than
transformers — and transformers ("local") otherwise.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lsp_codegen.config import Settings
from lsp_codegen.engine.base import Engine
from lsp_codegen.engine.gguf_file import is_gguf_setting
from lsp_codegen.engine.llamacpp.engine import llamacpp_installed
from lsp_codegen.engine.remote.health import HealthListener

Progress = Callable[[str], None]
FimDetector = Callable[[set[str]], "str | None"]
# Builds an engine from settings, reporting progress messages; runs in a thread.
EngineFactory = Callable[[Settings, Progress], Engine]


@dataclass(frozen=True)
class EngineChoice:
    """The engine that will run and the reason, in words for `doctor` and the log."""

    kind: str  # "local" | "llamacpp" | "remote"
    reason: str


def choose_engine(settings: Settings) -> EngineChoice:
    """Resolve `engine` ("auto" included) for these settings; imports nothing heavy."""
    if settings.engine != "auto":
        return EngineChoice(settings.engine, f'the `engine` setting is "{settings.engine}"')
    if not is_gguf_setting(settings.model):
        return EngineChoice(
            "local", "auto: the model is not a .gguf file, so transformers loads it"
        )
    if not llamacpp_installed():
        return EngineChoice(
            "local",
            "auto: llama-cpp-python is not installed (pip install 'lsp-codegen[llamacpp]' "
            "decodes about 7x faster on a CPU)",
        )
    if _gpu_wanted(settings.device):
        return EngineChoice("local", "auto: a GPU is available, and transformers runs on it")
    return EngineChoice(
        "llamacpp", "auto: a GGUF model on the CPU, and llama-cpp-python is installed"
    )


def _gpu_wanted(device: str) -> bool:
    """True when the model should run on a GPU (asked for, or `auto` with NVIDIA's driver)."""
    if device in ("cuda", "mps"):
        return True
    if device == "cpu":
        return False
    # Without importing torch (seconds): NVIDIA's driver leaves these behind.
    return Path("/dev/nvidiactl").exists() or shutil.which("nvidia-smi") is not None


def engine_key(settings: Settings) -> tuple[object, ...]:
    """The settings whose change needs a new engine."""
    return (
        settings.engine,
        settings.model,
        settings.device,
        settings.dtype,
        settings.quantize,
        settings.remote,
    )


def load_engine(settings: Settings, progress: Progress) -> Engine:
    """The real factory: the engine the `engine` setting chooses, with the FIM family its
    vocabulary supports. Heavy imports happen here, in the caller's (worker) thread."""
    from lsp_codegen.context.fim import detect_fim

    def fim_family(vocabulary: set[str]) -> str | None:
        template = detect_fim(vocabulary)
        return template.family if template is not None else None

    return create_engine(settings, progress, fim_family)


def create_engine(settings: Settings, progress: Progress, detect_fim: FimDetector) -> Engine:
    """Load the engine `settings` choose; raises `EngineError` naming the setting to change."""
    choice = choose_engine(settings)
    if choice.kind == "remote":
        from lsp_codegen.engine.remote.engine import load_remote_engine

        progress(f"Connecting to {settings.remote.url}…")
        return load_remote_engine(settings.remote)
    if choice.kind == "llamacpp":
        from lsp_codegen.engine.llamacpp.engine import load_llamacpp_engine

        return load_llamacpp_engine(settings.model, progress, detect_fim)
    from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine

    options = LoadOptions(
        model=settings.model,
        device=settings.device,
        dtype=settings.dtype,
        quantize=settings.quantize,
    )
    return load_local_engine(options, progress, detect_fim)


def watch_health(engine: Engine, listener: HealthListener) -> None:
    """Tell `listener` when `engine` starts failing or recovers (engines that can: remote)."""
    add = getattr(engine, "add_health_listener", None)
    if add is not None:
        add(listener)
