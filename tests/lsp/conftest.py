"""End-to-end fixtures: the real server as a subprocess, a real JSON-RPC client."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from pytest_lsp import LanguageClient

from tests.lsp.helpers import SERVER, init_params, tiny_options


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
