"""Emacs with eglot, in batch mode, against the real server: completion items and
"Generate code from comment" (a command, then workspace/applyEdit: eglot 1.9 has no resolve)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.editors.helpers import CLIENTS, REPO, require_tool, run

SCRIPT = CLIENTS / "emacs" / "test-eglot.el"


def test_eglot_in_batch_emacs(two_answer_model_dir: Path) -> None:
    emacs = require_tool("emacs", "apt-get install emacs-nox elpa-eglot (`make editor-deps` does)")
    env = {
        "LSP_CODEGEN_PYTHON": sys.executable,
        "LSP_CODEGEN_TEST_MODEL": str(two_answer_model_dir),
    }
    output = run([emacs, "-Q", "--batch", "-l", str(SCRIPT)], REPO, env, timeout=300)
    assert 'code actions offered: ("Generate code from comment"' in output, output
    assert "def one():\n    return 1\n" in output, output
    assert "all checks passed" in output, output
