"""What the command-line subcommands share: settings from flags, loading with progress."""

from __future__ import annotations

import argparse
import sys
import time

from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.engine.base import Engine, EngineError
from lsp_codegen.engine.factory import load_engine


def settings_from_args(args: argparse.Namespace, **extra: object) -> Settings:
    """Settings from command-line flags; an invalid flag is reported and defaulted."""
    settings, problems = parse_settings(raw_settings(args, **extra))
    for problem in problems:
        print(problem, file=sys.stderr)
    return settings


def raw_settings(args: argparse.Namespace, **extra: object) -> dict[str, object]:
    """The settings the command-line flags give, camelCase as an editor sends them."""
    raw: dict[str, object] = {"model": args.model, "device": args.device, **extra}
    if args.max_new_tokens is not None:
        raw["maxNewTokens"] = args.max_new_tokens
    if getattr(args, "engine", None) is not None:
        raw["engine"] = args.engine
    remote = {
        "url": getattr(args, "remote_url", None),
        "model": getattr(args, "remote_model", None),
        "apiKeyEnv": getattr(args, "remote_api_key_env", None),
        "timeoutMs": getattr(args, "remote_timeout_ms", None),
    }
    remote = {key: value for key, value in remote.items() if value is not None}
    if remote:
        raw["remote"] = remote
    return raw


def load_or_report(settings: Settings) -> Engine | None:
    """The engine, or None after printing why it could not load (names the setting)."""
    try:
        engine, _ = load_with_progress(settings)
    except EngineError as error:
        print(f"lsp-codegen: {error}", file=sys.stderr)
        return None
    return engine


def load_with_progress(settings: Settings) -> tuple[Engine, float]:
    """Load the engine, printing progress to stderr; return it and the seconds it took."""
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} s] {message}", file=sys.stderr, flush=True)

    engine = load_engine(settings, progress)
    return engine, time.monotonic() - started
