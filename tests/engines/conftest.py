"""Fixtures for the engine tests: the embedded GGUF and a real llama.cpp server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def refusing(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """llama-cpp-python's server without the logits that logprobs need."""
    log = tmp_path_factory.mktemp("llama-no-logits") / "server.log"
    server = llama_server(gguf, free_port(), log, "--logits_all", "false").start()
    yield server
    server.stop()
