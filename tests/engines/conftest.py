"""Fixtures for the engine tests: the embedded GGUF, a real llama.cpp server and a real vLLM."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.engines.servers import (
    ServerProcess,
    free_port,
    llama_server,
    require_llamacpp,
    require_vllm,
    vllm_server,
)

VLLM_START_S = 300.0  # ~80 s on 2 cores; more while other tests share them


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


@pytest.fixture(scope="session")
def vllm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """vLLM (CPU build, from `make test-vllm`'s .venv-vllm) serving the converted embedded
    model on a loopback port, warmed up; stopped with every process it started."""
    python = require_vllm()
    from lsp_codegen.engine.names import DEFAULT_MODEL_NAME
    from lsp_codegen.engine.transformers.loader import cache_root

    model = cache_root() / "models" / DEFAULT_MODEL_NAME
    if not (model / "config.json").is_file():
        pytest.fail(f"{model} is missing: `make test-vllm` converts the embedded model there")
    log = tmp_path_factory.mktemp("vllm") / "server.log"
    server = vllm_server(python, model, free_port(), log).start(timeout=VLLM_START_S)
    try:
        # The first completion takes >10 s (warm-up), and so did the first sampled n = 2
        # stream with logprobs after it (the remote engine's shape): no test pays for them.
        body = {"model": "gemma-3-270m", "prompt": "def f():", "max_tokens": 4}
        sampled = {**body, "n": 2, "temperature": 0.8, "logprobs": 1, "stream": True}
        sampled["stream_options"] = {"include_usage": True}
        for warm_up in (body, sampled):
            answer = httpx2.post(f"{server.url}/completions", json=warm_up, timeout=120)
            answer.raise_for_status()
        yield server
    finally:
        server.stop()
        assert not server.orphans(), f"vLLM left processes behind (group {server.group})"
