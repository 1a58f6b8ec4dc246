"""Helpers for the engine tests: remote settings, and collecting a generation's updates
(conftest.py holds only the fixtures)."""

from __future__ import annotations

from lsp_codegen.config import RemoteSettings, parse_settings
from lsp_codegen.engine.base import CancelToken, CandidateUpdate, Engine, GenerationRequest


def remote(url: str, **overrides: object) -> RemoteSettings:
    """Remote settings for `url`, with camelCase overrides; no logprobs unless asked
    (llama-cpp-python's server makes each token several times slower with them)."""
    raw = {"url": url, "logprobs": False, **overrides}
    settings, problems = parse_settings({"remote": raw})
    assert not problems, problems
    return settings.remote


async def collect(
    engine: Engine, request: GenerationRequest, cancel: CancelToken | None = None
) -> dict[int, list[CandidateUpdate]]:
    """Every update of a generation, by candidate."""
    updates: dict[int, list[CandidateUpdate]] = {}
    async for update in engine.stream(request, cancel or CancelToken()):
        updates.setdefault(update.index, []).append(update)
    return updates


def text_of(updates: list[CandidateUpdate]) -> str:
    """A candidate's final text (cut where a stop ended it)."""
    text = "".join(u.delta for u in updates)
    end = updates[-1].text_end
    return text if end is None else text[:end]
