"""What to set for a probed server, and what will not work with it (`doctor --remote`)."""

from __future__ import annotations

from typing import Any

from lsp_codegen.config import RemoteSettings
from lsp_codegen.engine.remote.probe import Findings


def recommended_settings(findings: Findings, settings: RemoteSettings) -> dict[str, Any]:
    """The settings to paste into an editor: `engine` and the `remote` section."""
    remote: dict[str, Any] = {
        "url": findings.url,
        "model": findings.model if findings.models is not None else settings.model,
        "promptTemplate": findings.fim_template,
        "logprobs": findings.logprobs,
        # A server that runs one request at a time gains nothing from more, and
        # llama-cpp-python's cuts the running one short unless told to queue.
        "maxConcurrent": settings.max_concurrent if findings.parallel else 1,
    }
    if settings.api_key_env:
        remote["apiKeyEnv"] = settings.api_key_env
    timeout_ms = _timeout_ms(findings, settings)
    if timeout_ms != RemoteSettings().timeout_ms:
        remote["timeoutMs"] = timeout_ms
    return {"engine": "remote", "remote": remote}


def _timeout_ms(findings: Findings, settings: RemoteSettings) -> int:
    """The timeout set, or more where the slowest first token seen needs more room."""
    speeds = [findings.speed, findings.logprobs_speed if findings.logprobs else None]
    slowest = max(speed.first_token_s for speed in speeds if speed is not None)
    needed = -(-int(slowest * 4 * 1000) // 1000) * 1000  # 4x, rounded up to a second
    return max(settings.timeout_ms, needed)


def limitations(findings: Findings) -> list[str]:
    """What will not work, or work worse, with this server; one sentence each."""
    found: list[str] = []
    if not findings.streams:
        found.append(
            "no streaming: text arrives at once at the end, so nothing shows until a "
            "candidate is complete"
        )
    if not findings.logprobs:
        why = " (the server refused them)" if findings.logprobs_refused else ""
        found.append(
            f"no per-token logprobs{why}: ranking by likelihood is off (candidates are "
            "ranked on the rest of their evidence)"
        )
    slower = _logprobs_cost(findings)
    if slower >= 2:
        scored = findings.logprobs_speed
        assert scored is not None
        found.append(
            f"logprobs make decoding {slower:.0f}x slower here ({scored.tokens_per_s:.1f} "
            f"against {findings.speed.tokens_per_s:.1f} tokens/s): set `remote.logprobs` "
            "false to trade ranking by likelihood for speed"
        )
    if findings.n != "honoured":
        found.append(
            f"`n` > 1 is {findings.n}: each candidate is its own streamed request "
            "(`remote.batchedN` finds this out itself), so the prompt is sent once per candidate"
        )
    if findings.interrupts:
        found.append(
            "a new request cuts the running stream short (llama-cpp-python's server: start "
            "it with --interrupt_requests false): editors sharing it cut each other's candidates"
        )
    elif not findings.parallel:
        found.append(
            "one request at a time: N candidates take N times as long as one "
            "(hence `maxConcurrent: 1`)"
        )
    if not findings.fim_template:
        found.append(_no_fim(findings))
    if findings.context_length is None:
        found.append(
            "context length unknown: keep `contextTokens` (the prompt budget) below "
            "what the server was started with"
        )
    return found


def _logprobs_cost(findings: Findings) -> float:
    """How many times slower decoding is with logprobs (0 when they are not given)."""
    scored = findings.logprobs_speed
    if not findings.logprobs or scored is None or scored.tokens_per_s <= 0:
        return 0.0
    return findings.speed.tokens_per_s / scored.tokens_per_s


def _no_fim(findings: Findings) -> str:
    if findings.tokenizer is None:
        why = "the server has no tokenize endpoint to find the model's FIM tokens"
    else:
        why = "the model has no FIM tokens"
    return f"no FIM ({why}): prefix-only prompts, the model does not see the code after the cursor"
