"""The sandboxes of a workspace: one for its Python, one per Node flavour (JavaScript,
TypeScript), each created on first use and replaced when its setting changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from lsp_codegen.sandbox import node
from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox, create_sandbox

log = logging.getLogger(__name__)

# Where the sandbox runs: (workspace root, the `python.interpreter` setting), read per use.
Location = Callable[[], tuple[str | None, str]]
# Tells the user about a problem with the interpreter setting.
Warn = Callable[[str], None]


class SandboxHost:
    """Owns the sandboxes that candidate checks and "Run selection" use."""

    def __init__(self, location: Location, warn: Warn) -> None:
        self._location = location
        self._warn = warn
        self._sandbox: Sandbox | None = None
        self._key: tuple[str | None, str] | None = None
        self._lock = asyncio.Lock()
        self._node: dict[str, tuple[tuple[str | None, str], Sandbox | None, str]] = {}
        self._warned: set[str] = set()

    async def sandbox(self) -> Sandbox:
        """The sandbox for the current workspace and `python.interpreter` setting."""
        key = self._location()
        async with self._lock:
            if self._sandbox is None or key != self._key:
                await self._close_python()
                self._sandbox = await self._create(*key)
                self._key = key
            return self._sandbox

    async def for_language(self, language: str, node_setting: str) -> tuple[Sandbox | None, str]:
        """The sandbox that runs candidates in `language` (an LSP languageId), or None and
        why not ("" for a language nothing runs: there are no examples to run in it)."""
        if language.lower() == "python":
            return await self.sandbox(), ""
        if language.lower() in node.JSX_LANGUAGES:
            return None, node.NO_JSX
        kind = _node_kind(language)
        if kind is None:
            return None, ""
        key = (self._location()[0], node_setting)
        async with self._lock:
            known = self._node.get(kind)
            if known is None or known[0] != key:
                if known is not None and known[1] is not None:
                    await known[1].close()
                box, problem = await self._create_node(kind, *key)
                self._node[kind] = (key, box, problem)
            _, box, problem = self._node[kind]
            return box, problem

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

    async def _create_node(
        self, kind: str, root: str | None, setting: str
    ) -> tuple[Sandbox | None, str]:
        workspace = Path(root) if root else None
        setup, problem = await asyncio.to_thread(node.node_setup, kind, workspace, setting)
        if setup is None:
            if problem not in self._warned and not problem.startswith(node.NO_COMPILER):
                self._warned.add(problem)  # a missing node: once, not at every request
                self._warn(problem)
            return None, problem
        sandbox = create_sandbox(setup)
        log.info(
            "sandbox: node %s (%s, v%s) for %s (TypeScript: %s), isolation: %s",
            setup.runtime.path,
            setup.runtime.source,
            setup.runtime.version,
            kind,
            setup.typescript or "-",
            sandbox.isolation,
        )
        return sandbox, ""

    async def _close_python(self) -> None:
        if self._sandbox is not None:
            sandbox, self._sandbox = self._sandbox, None
            await sandbox.close()

    async def close(self) -> None:
        """Stop every sandbox's warm workers."""
        await self._close_python()
        nodes, self._node = self._node, {}
        for _, box, _ in nodes.values():
            if box is not None:
                await box.close()


def _node_kind(language: str) -> str | None:
    """The Node sandbox that runs `language`: "javascript", "typescript", or None."""
    if node.is_typescript(language):
        return "typescript"
    return "javascript" if node.is_javascript(language) else None
