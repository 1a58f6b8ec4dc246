"""End-to-end fixtures: the real server as a subprocess, a real JSON-RPC client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.helpers import SERVER, init_params, tiny_options, wait_ready


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, scripted_model_dir: Path):  # type: ignore[no-untyped-def]
    """A session with the scripted tiny model, which writes `    return 1` lines
    (tests wait for it to load with `wait_ready`)."""
    result = await lsp_client.initialize_session(init_params(tiny_options(scripted_model_dir)))
    lsp_client.initialize_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def endless_client(lsp_client: LanguageClient, endless_model_dir: Path):  # type: ignore[no-untyped-def]
    """A session whose model writes "x" until it is stopped (long generations)."""
    options = tiny_options(endless_model_dir, maxNewTokens=3000, numCandidates=1, maxTimeMs=120000)
    await lsp_client.initialize_session(init_params(options))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def stats_server_command() -> list[str]:
    """The server `stats_client` starts; a module overrides it to start another."""
    return list(SERVER.server_command)


@pytest_asyncio.fixture
async def stats_client(
    stats_server_command: list[str], scripted_model_dir: Path, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    """A session whose server writes statistics under `tmp_path` (its LSP_CODEGEN_CACHE),
    with the scripted tiny model loaded."""
    env = {**os.environ, "LSP_CODEGEN_CACHE": str(tmp_path)}
    env.pop("LSP_CODEGEN_STATS", None)  # tests/conftest.py turns them off for other tests
    config = ClientServerConfig(server_command=stats_server_command, server_env=env)
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(init_params(tiny_options(scripted_model_dir)))
    await wait_ready(client)
    yield client
    await client.shutdown_session()
    await client.stop()  # type: ignore[no-untyped-call]
