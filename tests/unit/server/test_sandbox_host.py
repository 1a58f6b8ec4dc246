"""The server's sandboxes per language: Python's, Node's for JavaScript and TypeScript,
and why there is none (a missing node is said once, not at every request)."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.sandbox.node import NO_COMPILER, NO_JSX
from lsp_codegen.server.sandbox_host import SandboxHost
from tests.sandbox.helpers import node_or_skip


async def test_a_missing_node_is_the_reason_and_is_said_once(tmp_path: Path) -> None:
    warned: list[str] = []
    host = SandboxHost(lambda: (str(tmp_path), ""), warned.append)
    missing = str(tmp_path / "no-node")
    for language in ("javascript", "javascript", "typescript"):
        box, why = await host.for_language(language, missing)
        assert box is None and "does not exist" in why
    assert len(warned) == 1 and "JavaScript and TypeScript examples do not run" in warned[0]
    assert await host.for_language("cobol", missing) == (None, "")
    await host.close()


async def test_node_sandboxes_per_flavour(tmp_path: Path) -> None:
    node = node_or_skip()
    warned: list[str] = []
    host = SandboxHost(lambda: (str(tmp_path), ""), warned.append)
    try:
        javascript, _ = await host.for_language("javascript", "")
        again, _ = await host.for_language("javascript", "")
        assert javascript is not None and again is javascript  # one per flavour, kept
        assert await host.for_language("javascriptreact", "") == (None, NO_JSX)
        typescript, why = await host.for_language("typescript", "")
        if node.strips_types:
            assert typescript is not None and typescript is not javascript
        else:
            assert typescript is None and why == NO_COMPILER  # tmp_path has no typescript
        assert warned == []  # a workspace without a compiler is not a settings problem
    finally:
        await host.close()
