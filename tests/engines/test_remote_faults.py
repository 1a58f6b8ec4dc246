"""Remote faults, each against a real process: a clear error, then recovery on the same URL."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.remote.engine import RemoteEngine, load_remote_engine
from lsp_codegen.engine.remote.health import RemoteError
from tests.engines.helpers import collect, remote
from tests.engines.servers import bad_server, free_port, llama_server

SHORT = GenerationRequest(
    "def f():\n    return", num_candidates=1, max_new_tokens=4, max_time_s=300
)
ENDLESS = GenerationRequest(
    "1, 2, 3, 4, 5, 6, 7, 8,", num_candidates=1, max_new_tokens=3000, max_time_s=300
)
SECRET = "sk-lsp-codegen-test-secret"


async def _fails(engine: RemoteEngine, kind: str, match: str) -> RemoteError:
    with pytest.raises(RemoteError, match=match) as caught:
        await collect(engine, SHORT)
    assert caught.value.kind == kind, caught.value
    return caught.value


async def _recovers(engine: RemoteEngine, gguf: Path, port: int, log: Path) -> None:
    """Start llama.cpp's server on the engine's URL: the next request works."""
    server = llama_server(gguf, port, log).start()
    try:
        await asyncio.sleep(engine.health.wait_s())
        updates = await collect(engine, SHORT)
        assert updates[0][-1].done and engine.health.error is None
    finally:
        server.stop()


async def test_server_not_started(gguf: Path, tmp_path: Path) -> None:
    port = free_port()
    engine = load_remote_engine(remote(f"http://127.0.0.1:{port}/v1"))
    await _fails(engine, "down", "cannot connect to http://127.0.0.1.*start the server")
    # While backing off, the same message comes back at once, without a request.
    await _fails(engine, "down", "retrying in")
    await _recovers(engine, gguf, port, tmp_path / "server.log")


async def test_server_killed_mid_stream(gguf: Path, tmp_path: Path) -> None:
    port = free_port()
    server = llama_server(gguf, port, tmp_path / "server.log").start()
    engine = load_remote_engine(remote(server.url))
    seen = 0
    with pytest.raises(RemoteError) as caught:
        async for _ in engine.stream(ENDLESS, CancelToken()):
            seen += 1
            if seen == 3:
                server.kill()
    assert caught.value.kind in ("broken", "down"), caught.value
    assert "mid-stream" in str(caught.value) or "cannot connect" in str(caught.value)
    await _recovers(engine, gguf, port, tmp_path / "server.log")


async def test_server_slower_than_the_timeout(gguf: Path, tmp_path: Path) -> None:
    port = free_port()
    slow = bad_server("slow", port, tmp_path / "slow.log").start()
    engine = load_remote_engine(remote(slow.url, timeoutMs=3000))
    started = asyncio.get_running_loop().time()
    await _fails(engine, "timeout", "did not answer within 3000 ms.*remote.timeoutMs")
    assert asyncio.get_running_loop().time() - started < 10
    slow.stop()
    await _recovers(engine, gguf, port, tmp_path / "server.log")


async def test_garbage_in_the_stream(gguf: Path, tmp_path: Path) -> None:
    port = free_port()
    garbage = bad_server("garbage", port, tmp_path / "garbage.log").start()
    engine = load_remote_engine(remote(garbage.url))
    await _fails(engine, "malformed", "malformed stream")
    garbage.stop()
    await _recovers(engine, gguf, port, tmp_path / "server.log")


async def test_refused_key_names_the_setting_never_the_key(
    gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("LSP_CODEGEN_TEST_KEY", SECRET)
    port = free_port()
    refusing = bad_server("unauthorized", port, tmp_path / "refusing.log").start()
    engine = load_remote_engine(remote(refusing.url, apiKeyEnv="LSP_CODEGEN_TEST_KEY"))
    caplog.set_level(logging.DEBUG)
    error = await _fails(engine, "auth", r"HTTP 401.*\$LSP_CODEGEN_TEST_KEY.*remote.apiKeyEnv")
    assert SECRET not in str(error) and SECRET not in caplog.text
    refusing.stop()
    await _recovers(engine, gguf, port, tmp_path / "server.log")


async def test_a_failure_is_logged_once_not_per_request(caplog: pytest.LogCaptureFixture) -> None:
    engine = load_remote_engine(remote(f"http://127.0.0.1:{free_port()}/v1"))
    caplog.set_level(logging.DEBUG, logger="lsp_codegen.engine.remote.health")
    for _ in range(3):
        with pytest.raises(RemoteError):
            await collect(engine, SHORT)
        await asyncio.sleep(engine.health.wait_s())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "cannot connect" in errors[0].getMessage()
