"""Helpers for the editor-client tests: Node (VS Code's JSON-RPC stack) and headless Neovim.

A missing tool fails these tests with the fix, never a silent skip. Set
LSP_CODEGEN_SKIP_EDITORS=1 to skip them on purpose (the reason is reported).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENTS = REPO / "editor-clients"
SKIP_VARIABLE = "LSP_CODEGEN_SKIP_EDITORS"


def require_tool(name: str, fix: str) -> str:
    """The path of `name` (the virtualenv's first: its Neovim is the pinned 0.12);
    fails with `fix`, or skips when the skip variable is set."""
    found = _venv_tool(name) or shutil.which(name)
    if found:
        return found
    missing(f"`{name}` is not installed: {fix}")


def missing(message: str) -> NoReturn:
    """Fail with `message` (what is missing and how to install it), or skip when the skip
    variable is set."""
    full = f"{message} (or set {SKIP_VARIABLE}=1 to skip editor tests)"
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: {full}")
    pytest.fail(full, pytrace=False)


def _venv_tool(name: str) -> str | None:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else None


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    """Run `command`; fail with its whole output when it fails."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{output}", pytrace=False)
    return output
