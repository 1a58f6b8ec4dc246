"""Sandbox fixtures: the server's interpreter, and sandboxes in each isolation mode."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lsp_codegen.sandbox.interpreter import Interpreter, find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import open_sandbox


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
