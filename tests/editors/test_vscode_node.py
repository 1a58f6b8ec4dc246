"""The VS Code extension: type-checked bundle, unit tests, and the protocol test that
spawns the real server and drives it with vscode-jsonrpc (VS Code's own JSON-RPC stack)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.editors.helpers import CLIENTS, require_tool, run

VSCODE = CLIENTS / "vscode"


@pytest.fixture(scope="module")
def npm() -> str:
    """npm, with the extension's locked dependencies installed (`make editor-deps` does it too)."""
    require_tool("node", "install Node.js 20 or newer")
    npm = require_tool("npm", "install npm (it comes with Node.js)")
    if not (VSCODE / "node_modules" / ".package-lock.json").exists():
        run([npm, "ci", "--no-audit", "--no-fund"], VSCODE, {}, timeout=600)
    return npm


def test_extension_typechecks_and_bundles(npm: str) -> None:
    bundle = VSCODE / "dist" / "extension.js"
    bundle.unlink(missing_ok=True)
    run([npm, "run", "build"], VSCODE, {}, timeout=300)
    assert bundle.stat().st_size > 100_000  # vscode-languageclient is bundled in


def test_unit_and_protocol_tests_pass(
    npm: str, scripted_model_dir: Path, endless_model_dir: Path
) -> None:
    env = {
        "LSP_CODEGEN_PYTHON": sys.executable,
        "LSP_CODEGEN_TEST_MODEL": str(scripted_model_dir),
        "LSP_CODEGEN_TEST_ENDLESS_MODEL": str(endless_model_dir),
    }
    output = run([npm, "test"], VSCODE, env, timeout=600)
    # node:test's TAP summary: every test ran and passed, none skipped.
    assert "# fail 0" in output and "# skipped 0" in output and "# cancelled 0" in output, output
    assert "$/cancelRequest stops the generation" in output
