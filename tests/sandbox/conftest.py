"""Sandbox fixtures: the server's interpreter, and sandboxes in each isolation mode."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from lsp_codegen.sandbox.interpreter import Interpreter, find_interpreter
from lsp_codegen.sandbox.node import NodeRuntime, NodeSetup
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import node_or_skip, open_node_sandbox, open_sandbox

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def interpreter() -> Interpreter:
    """The server's own interpreter (this test run's), verified."""
    found, problem = find_interpreter(None, None)
    assert problem is None
    return found


@pytest.fixture(params=["bubblewrap", "rlimits", "rlimits-uid"])
async def confined(
    request: pytest.FixtureRequest, interpreter: Interpreter
) -> AsyncIterator[Sandbox]:
    """A fresh sandbox with bubblewrap, with rlimits only, and (root only) with rlimits
    and the code on a throw-away uid."""
    box = await open_sandbox(request.param, interpreter)
    try:
        yield box
    finally:
        await box.close()


@pytest.fixture(scope="session")
def node() -> NodeRuntime:
    """The `node` on PATH (skips where there is none)."""
    return node_or_skip()


@pytest.fixture(params=["bubblewrap", "rlimits", "rlimits-uid"])
async def node_confined(
    request: pytest.FixtureRequest, node: NodeRuntime
) -> AsyncIterator[Sandbox]:
    """A fresh JavaScript sandbox in each isolation mode (see `confined`)."""
    box = await open_node_sandbox(request.param, NodeSetup(node))
    try:
        yield box
    finally:
        await box.close()


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[list[Path]]:
    """Folders outside the sandbox's temp dir: one hidden by a tmpfs (under /tmp), and,
    where the tests may write in the source tree, one visible to the sandbox but read-only.
    """
    try:
        visible = [Path(tempfile.mkdtemp(prefix=".sandbox-escape-", dir=HERE))]
    except PermissionError:
        visible = []
    try:
        yield [tmp_path, *visible]
    finally:
        for folder in visible:
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()
