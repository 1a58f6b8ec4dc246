"""`doctor`'s lines about what runs candidates: a real node asked for its version, and
how TypeScript runs in a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_codegen.commands.runtimes import describe_runtimes
from lsp_codegen.config import parse_settings
from lsp_codegen.sandbox.node import NO_COMPILER, find_node

EDITOR_TYPESCRIPT = (
    Path(__file__).parents[3] / "editor-clients" / "vscode" / "node_modules" / "typescript"
)


def _node_or_skip() -> str:
    runtime, problem = find_node(None)
    if runtime is None:
        pytest.skip(f"Node is not installed here ({problem})")
    return runtime.version


def test_node_and_typescript_in_a_workspace_with_the_compiler(tmp_path: Path) -> None:
    version = _node_or_skip()
    if not (EDITOR_TYPESCRIPT / "package.json").is_file():
        pytest.skip("no typescript package: run `make editor-deps`")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "typescript").symlink_to(EDITOR_TYPESCRIPT)
    lines = describe_runtimes(parse_settings({})[0], tmp_path)
    assert lines[0].startswith("sandbox: ")
    assert lines[2].startswith("node: ") and f"(PATH, v{version})" in lines[2]
    if tuple(int(p) for p in version.split(".")[:2]) >= (22, 6):
        assert "type stripping" in lines[3]
    else:
        assert lines[3].startswith("typescript: the workspace's typescript 5.")
        assert "transpileModule" in lines[3]


def test_typescript_without_a_compiler_and_a_missing_node(tmp_path: Path) -> None:
    version = _node_or_skip()
    lines = describe_runtimes(parse_settings({})[0], tmp_path)
    if tuple(int(p) for p in version.split(".")[:2]) < (22, 6):
        assert lines[3] == f"typescript: examples not run \u2014 {NO_COMPILER}"
    settings = parse_settings({"node": {"executable": str(tmp_path / "no-node")}})[0]
    missing = describe_runtimes(settings, tmp_path)
    assert missing[2].startswith("node: not found (node ")
    assert "does not exist" in missing[2]
