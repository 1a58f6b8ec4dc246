"""`doctor`'s lines about what runs candidates: a real node asked for its version, and
how TypeScript runs in a workspace."""

from __future__ import annotations

from pathlib import Path

from lsp_codegen.commands.runtimes import describe_runtimes
from lsp_codegen.config import parse_settings
from lsp_codegen.sandbox.node import NO_COMPILER
from tests.sandbox.helpers import node_or_skip, typescript_package


def test_node_and_typescript_in_a_workspace_with_the_compiler(tmp_path: Path) -> None:
    node = node_or_skip()
    typescript = typescript_package()
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "typescript").symlink_to(typescript)
    lines = describe_runtimes(parse_settings({})[0], tmp_path)
    assert lines[0].startswith("sandbox: ")
    assert lines[2].startswith("node: ") and f"(PATH, v{node.version})" in lines[2]
    if node.strips_types:
        assert "type stripping" in lines[3]
    else:
        assert lines[3].startswith("typescript: the workspace's typescript 5.")
        assert "transpileModule" in lines[3]


def test_typescript_without_a_compiler_and_a_missing_node(tmp_path: Path) -> None:
    node = node_or_skip()
    lines = describe_runtimes(parse_settings({})[0], tmp_path)
    if not node.strips_types:
        assert lines[3] == f"typescript: examples not run \u2014 {NO_COMPILER}"
    settings = parse_settings({"node": {"executable": str(tmp_path / "no-node")}})[0]
    missing = describe_runtimes(settings, tmp_path)
    assert missing[2].startswith("node: not found (node ")
    assert "does not exist" in missing[2]
