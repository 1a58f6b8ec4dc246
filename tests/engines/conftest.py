"""Fixtures for the engine tests: the embedded GGUF and a real llama.cpp server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.config import RemoteSettings, parse_settings
from lsp_codegen.engine.base import CancelToken, CandidateUpdate, Engine, GenerationRequest
from tests.engines.servers import ServerProcess, free_port, llama_server, require_llamacpp


@pytest.fixture(scope="session")
def gguf() -> Path:
    """The embedded default model's .gguf (assembled once from its package)."""
    require_llamacpp()
    from lsp_codegen.engine.gguf_file import default_gguf

    return default_gguf()


@pytest.fixture(scope="session")
def served(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`python -m llama_cpp.server` serving the embedded model on a loopback port."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    server = llama_server(gguf, free_port(), log).start()
    yield server
    server.stop()


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
