"""`lsp-codegen eval` run as a user runs it, in a subprocess."""

from __future__ import annotations

import subprocess
import sys


def run_eval(*args: str) -> subprocess.CompletedProcess[str]:
    """`lsp-codegen eval ARGS`, its output captured (five minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "lsp_codegen", "--log-level", "WARNING", "eval", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
