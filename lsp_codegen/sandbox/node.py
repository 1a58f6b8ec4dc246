"""Which Node runs JavaScript and TypeScript candidates, and how TypeScript becomes JavaScript.

The `node.executable` setting (default: `node` on PATH), asked for its version once.
TypeScript runs through Node's own type stripping from 22.6 on, else through the
workspace's own `typescript` package (`transpileModule`, loaded inside the sandbox),
else not at all, with the reason. Nothing is ever downloaded.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from lsp_codegen.sandbox import isolation
from lsp_codegen.sandbox.launch import Launch, worker_source

VERIFY_TIMEOUT = 5.0
STRIP_TYPES_SINCE = (22, 6)  # `--experimental-strip-types`
NO_COMPILER = "no TypeScript compiler in this workspace"
NO_JSX = "JSX does not run in Node"
# React flavours: a module with JSX in it is not JavaScript Node can load.
JSX_LANGUAGES = frozenset({"javascriptreact", "jsx", "typescriptreact", "tsx"})
_VERSION_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)")
_TYPESCRIPT = frozenset({"typescript", "typescriptreact", "tsx"})
_JAVASCRIPT = frozenset({"javascript", "javascriptreact", "jsx"})
# Every languageId whose examples are read for Node (JSX's are read, then not run).
LANGUAGES = _JAVASCRIPT | _TYPESCRIPT


@dataclass(frozen=True)
class NodeRuntime:
    """A node executable that was run and answered with its version."""

    path: Path
    source: str  # "setting" or "PATH"
    version: str  # "20.20.2"

    @property
    def strips_types(self) -> bool:
        """Whether this Node runs TypeScript itself (type stripping, 22.6+)."""
        return _version_tuple(self.version)[:2] >= STRIP_TYPES_SINCE


@dataclass(frozen=True)
class NodeSetup:
    """A Node runtime as a sandbox runs it: for JavaScript, or TypeScript and how."""

    runtime: NodeRuntime
    node_modules: Path | None = None  # the workspace's, readable and resolved from
    typescript: str | None = None  # None (JavaScript), "strip", or the package's folder

    @property
    def path(self) -> Path:
        """The node executable."""
        return self.runtime.path

    @property
    def version(self) -> str:
        """Node's version."""
        return self.runtime.version

    def launch(self) -> Launch:
        """Workers run node_worker.js; the workspace's node_modules is linked into their
        temp dir, so that `require` and `import` resolve as in the workspace."""
        config = json.dumps({"typescript": self.typescript})
        source = f"'use strict'; const CONFIG = {config};\n" + worker_source("node_worker.js")
        flags = (
            ("--experimental-strip-types", "--no-warnings") if self.typescript == "strip" else ()
        )
        visible = {str(self.runtime.path.parent), os.path.dirname(os.path.realpath(self.path))}
        links: tuple[tuple[str, str], ...] = ()
        if self.node_modules is not None:
            visible |= {str(self.node_modules), os.path.realpath(self.node_modules)}
            links = (("node_modules", str(self.node_modules)),)
        if self.typescript not in (None, "strip"):
            visible.add(os.path.realpath(str(self.typescript)))
        return Launch(
            executable=self.runtime.path,
            argv=(*flags, "-e", source),
            visible=tuple(sorted(p for p in visible if os.path.exists(p))),
            probe=("-e", "0"),
            links=links,
            parent_limits=True,
        )


def is_javascript(language: str) -> bool:
    """Whether candidates in `language` (an LSP languageId) run in Node as JavaScript."""
    return language.lower() in _JAVASCRIPT


def is_typescript(language: str) -> bool:
    """Whether `language` is TypeScript (runs in Node once its types are gone)."""
    return language.lower() in _TYPESCRIPT


def find_node(setting: str | None) -> tuple[NodeRuntime | None, str]:
    """The node for candidate runs: `setting` (a path or a name on PATH), else `node` on
    PATH; the second item says what is wrong ("" when nothing is). Blocking, cached."""
    wanted = os.path.expanduser(setting) if setting else "node"
    source = "setting" if setting else "PATH"
    found = wanted if os.sep in wanted else shutil.which(wanted)
    if found is None:
        return None, f"no `{wanted}` on PATH: JavaScript and TypeScript examples do not run"
    runtime, problem = verify(Path(found), source)
    if runtime is None:
        return None, f"node {found} {problem}: JavaScript and TypeScript examples do not run"
    return runtime, ""


@functools.cache
def verify(path: Path, source: str) -> tuple[NodeRuntime | None, str]:
    """Run `path --version` (once per path); the runtime, or None and what went wrong."""
    if not path.is_file() or not os.access(path, os.X_OK):
        return None, "does not exist or is not executable"
    match, problem = isolation.ask_version([str(path), "--version"], _VERSION_RE, VERIFY_TIMEOUT)
    if match is None:
        return None, problem
    return NodeRuntime(path, source, ".".join(match.groups())), ""


def find_node_modules(workspace_root: Path | None) -> Path | None:
    """The node_modules folder Node would resolve from in `workspace_root`, or None."""
    if workspace_root is None:
        return None
    for folder in (workspace_root, *workspace_root.parents):
        if (folder / "node_modules").is_dir():
            return folder / "node_modules"
    return None


def typescript_mode(runtime: NodeRuntime, node_modules: Path | None) -> tuple[str | None, str]:
    """How TypeScript runs here: ("strip", ""), (the `typescript` package's folder, ""),
    or (None, why not)."""
    if runtime.strips_types:
        return "strip", ""
    if node_modules is not None and (node_modules / "typescript" / "package.json").is_file():
        return str(node_modules / "typescript"), ""
    return None, NO_COMPILER


def setup_for(
    language: str, runtime: NodeRuntime, workspace_root: Path | None
) -> tuple[NodeSetup | None, str]:
    """The Node setup for candidates in `language`, or None and why they cannot run."""
    if language.lower() in JSX_LANGUAGES:
        return None, NO_JSX
    node_modules = find_node_modules(workspace_root)
    if is_javascript(language):
        return NodeSetup(runtime, node_modules), ""
    if not is_typescript(language):
        return None, f"{language} does not run in Node"
    mode, problem = typescript_mode(runtime, node_modules)
    if mode is None:
        return None, problem
    return NodeSetup(runtime, node_modules, mode), ""


def node_setup(
    language: str, workspace_root: Path | None, setting: str | None
) -> tuple[NodeSetup | None, str]:
    """`find_node(setting)` then `setup_for(language, ...)`: the Node setup that runs
    `language`'s candidates in `workspace_root`, or None and why not. Blocking."""
    runtime, problem = find_node(setting or None)
    if runtime is None:
        return None, problem
    return setup_for(language, runtime, workspace_root)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())
