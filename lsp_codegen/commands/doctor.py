"""`lsp-codegen doctor`: which engine runs and why, whether the model loads, how fast it is;
with `--remote URL`, what an OpenAI-compatible server supports and the settings to paste."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_codegen.commands.common import load_with_progress, raw_settings, settings_from_args
from lsp_codegen.commands.runtimes import describe_runtimes
from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.engine.base import CancelToken, Engine, EngineError, GenerationRequest
from lsp_codegen.engine.factory import EngineChoice, choose_engine

if TYPE_CHECKING:
    from lsp_codegen.engine.remote.probe import Findings

_PROBE_PROMPT = "def add(a, b):\n    "
_PROBE_TOKENS = 32


def run_doctor(args: argparse.Namespace) -> int:
    """Print the engine choice, the runtime and speed facts; non-zero if the model fails."""
    if args.remote is not None:
        return run_remote_doctor(args)
    settings = settings_from_args(args)
    choice = choose_engine(settings)
    print(f"engine: {choice.kind} ({choice.reason})")
    print(f"llama-cpp-python: {_version('llama-cpp-python') or 'not installed'}")
    _describe_setting(settings, choice)
    for line in describe_runtimes(settings, Path.cwd()):
        print(line)
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


def run_remote_doctor(args: argparse.Namespace) -> int:
    """Probe the server at `--remote URL`, print what it supports, the settings to paste
    and what will not work; 1 with a one-line message when it cannot be probed."""
    from lsp_codegen.engine.remote.engine import api_key_for
    from lsp_codegen.engine.remote.probe import probe

    args.remote_url = args.remote
    if logging.getLogger().level > logging.DEBUG:  # one line per HTTP request otherwise
        logging.getLogger("httpx2").setLevel(logging.WARNING)
    settings, problems = parse_settings(raw_settings(args))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    remote = settings.remote
    print(f"remote: {remote.url}")
    try:
        findings = asyncio.run(probe(remote, api_key_for(remote)))
    except EngineError as error:
        print(f"lsp-codegen doctor: {error}", file=sys.stderr)
        return 1
    _print_findings(findings)
    _print_advice(findings, settings)
    return 0


def _print_findings(findings: Findings) -> None:
    listed = ", ".join(findings.models) if findings.models is not None else "(no GET /models)"
    print(f"models: {listed}; probed: {findings.model}")
    length = findings.context_length or "unknown"
    print(f"context length: {length} ({findings.context_source})")
    speed = findings.speed
    print(f"streaming: {_yes(findings.streams)} ({findings.events} events with text)")
    print(
        f"speed: first token after {speed.first_token_s * 1000:.0f} ms; "
        f"{speed.tokens_per_s:.1f} tokens/s (one stream, {speed.tokens} tokens)"
    )
    print(f"logprobs: {_logprobs(findings)}")
    print(f"n > 1 in one request: {findings.n}")
    print(f"parallel requests: {_parallel(findings)}")
    print(f"suffix field: {findings.suffix}")
    print(f"FIM: {_fim(findings)}")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _parallel(findings: Findings) -> str:
    if findings.interrupts:
        return "no: a second request cut the first one short"
    return "yes" if findings.parallel else "no: one at a time, the second waited"


def _logprobs(findings: Findings) -> str:
    scored = findings.logprobs_speed
    if findings.logprobs_refused or scored is None:
        return "no (the server refused them)"
    if not findings.logprobs:
        return "no (the streamed chunks carry none)"
    return (
        f"yes, per token in every streamed chunk ({scored.tokens_per_s:.1f} tokens/s and "
        f"first token after {scored.first_token_s * 1000:.0f} ms with them)"
    )


def _fim(findings: Findings) -> str:
    if findings.tokenizer is None:
        return "unknown (no tokenize endpoint)"
    if findings.fim_family is None:
        return f"no FIM tokens (checked with {findings.tokenizer})"
    return (
        f"{findings.fim_family} tokens (checked with {findings.tokenizer}); "
        f'promptTemplate "{findings.fim_template}"'
    )


def _print_advice(findings: Findings, settings: Settings) -> None:
    from lsp_codegen.engine.remote.advice import limitations, recommended_settings

    print("\nsettings to paste into your editor's lsp-codegen settings:")
    print(json.dumps(recommended_settings(findings, settings.remote), indent=2))
    found = limitations(findings)
    print("\nwhat will not work:" if found else "\nwhat will not work: nothing found")
    for line in found:
        print(f"- {line}")
