"""A real sandbox for the action tests that run code."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox, create_sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """The server's own interpreter, isolated as well as this machine allows."""
    interpreter, problem = find_interpreter(None, None)
    assert problem is None
    box = create_sandbox(interpreter, warm=1)
    try:
        yield box
    finally:
        await box.close()
