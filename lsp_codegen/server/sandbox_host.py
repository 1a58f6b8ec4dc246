"""One sandbox per workspace interpreter, created on first use and replaced on change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox, create_sandbox

log = logging.getLogger(__name__)

# Where the sandbox runs: (workspace root, the `python.interpreter` setting), read per use.
Location = Callable[[], tuple[str | None, str]]
# Tells the user about a problem with the interpreter setting.
Warn = Callable[[str], None]


class SandboxHost:
    """Owns the sandbox that candidate checks and "Run selection" use."""

    def __init__(self, location: Location, warn: Warn) -> None:
        self._location = location
        self._warn = warn
        self._sandbox: Sandbox | None = None
        self._key: tuple[str | None, str] | None = None
        self._lock = asyncio.Lock()

    async def sandbox(self) -> Sandbox:
        """The sandbox for the current workspace and `python.interpreter` setting."""
        key = self._location()
        async with self._lock:
            if self._sandbox is None or key != self._key:
                await self.close()
                self._sandbox = await self._create(*key)
                self._key = key
            return self._sandbox

    async def _create(self, root: str | None, setting: str) -> Sandbox:
        workspace = Path(root) if root else None
        interpreter, problem = await asyncio.to_thread(find_interpreter, workspace, setting)
        if problem:
            self._warn(problem)
        sandbox = create_sandbox(interpreter)
        log.info(
            "sandbox: %s (%s, Python %s), isolation: %s",
            interpreter.path,
            interpreter.source,
            interpreter.version,
            sandbox.isolation,
        )
        return sandbox

    async def close(self) -> None:
        """Stop the sandbox's warm workers."""
        if self._sandbox is not None:
            sandbox, self._sandbox = self._sandbox, None
            await sandbox.close()
