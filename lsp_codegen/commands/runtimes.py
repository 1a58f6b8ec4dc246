"""What runs candidates here, for `lsp-codegen doctor`: the sandbox's isolation, the
workspace's Python and Node (each asked for its version once), and how TypeScript runs."""

from __future__ import annotations

import json
from pathlib import Path

from lsp_codegen.config import Settings
from lsp_codegen.sandbox import node
from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.isolation import isolation_name


def describe_runtimes(settings: Settings, workspace: Path) -> list[str]:
    """One line each: isolation, Python, Node, TypeScript (for `workspace`)."""
    interpreter, problem = find_interpreter(workspace, settings.python.interpreter or None)
    python = f"python: {interpreter.path} ({interpreter.source}, Python {interpreter.version})"
    lines = [f"sandbox: {isolation_name()}", python + (f"; {problem}" if problem else "")]
    runtime, missing = node.find_node(settings.node.executable or None)
    if runtime is None:
        return [*lines, f"node: not found ({missing})", "typescript: examples not run"]
    lines.append(f"node: {runtime.path} ({runtime.source}, v{runtime.version})")
    return [*lines, "typescript: " + _typescript(runtime, node.find_node_modules(workspace))]


def _typescript(runtime: node.NodeRuntime, node_modules: Path | None) -> str:
    mode, why = node.typescript_mode(runtime, node_modules)
    if mode is None:
        return f"examples not run \u2014 {why}"
    if mode == "strip":
        return f"Node {runtime.version}'s own type stripping"
    return f"the workspace's typescript {_version(Path(mode))} ({mode}), transpileModule"


def _version(package: Path) -> str:
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return "(version unknown)"
    return str(version)
