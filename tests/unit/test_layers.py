"""The package's shape: imports point one way (docs/architecture.md), read from the source."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lsp_codegen"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imported(path: Path) -> Iterator[str]:
    """Every lsp_codegen module `path` imports, lazily inside functions too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # a submodule, else a name the module defines
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in MODULES else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _third_party(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imported(path)}


def _edges() -> dict[str, set[str]]:
    return {
        name: {other for other in _imported(path) if other in MODULES and other != name}
        for name, path in MODULES.items()
    }


EDGES = _edges()


def _group(module: str) -> str:
    """The folder a module belongs to (engine.llamacpp, server.features, context, ...)."""
    parts = module.split(".")
    if len(parts) > 2 and (PACKAGE.joinpath(*parts[1:3])).is_dir():
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph`, or None (depth-first search, colouring nodes)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def _importers(of: str) -> set[str]:
    return {name for name, targets in EDGES.items() for target in targets if target.startswith(of)}


def test_the_graph_was_read() -> None:
    assert "lsp_codegen.server.build" in MODULES
    assert "lsp_codegen.server.features.inline" in EDGES["lsp_codegen.server.build"]


def test_no_module_import_circle() -> None:
    assert _cycle(EDGES) is None


def test_no_folder_import_circle() -> None:
    folders: dict[str, set[str]] = {}
    for name, targets in EDGES.items():
        here = _group(name)
        folders.setdefault(here, set()).update(
            _group(t) for t in targets if _group(t) != here and not here.startswith(_group(t))
        )
    assert _cycle(folders) is None


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_context_is_a_leaf() -> None:
    outside = {
        (name, target)
        for name, targets in EDGES.items()
        if name.startswith("lsp_codegen.context")
        for target in targets
        if not target.startswith("lsp_codegen.context")
    }
    assert outside == set()


def test_features_do_not_import_each_other() -> None:
    features = "lsp_codegen.server.features"
    crossing = {
        (name, target)
        for name, targets in EDGES.items()
        if name.startswith(features + ".")
        for target in targets
        if target.startswith(features)
    }
    assert crossing == set()


@pytest.mark.parametrize("engine", ["transformers", "llamacpp", "remote"])
def test_an_engine_imports_no_other_engine(engine: str) -> None:
    others = {"transformers", "llamacpp", "remote"} - {engine}
    prefix = f"lsp_codegen.engine.{engine}"
    crossing = {
        (name, target)
        for name, targets in EDGES.items()
        if name.startswith(prefix)
        for target in targets
        if any(target.startswith(f"lsp_codegen.engine.{other}") for other in others)
    }
    assert crossing == set()


def test_only_the_server_speaks_lsp_and_never_imports_torch() -> None:
    lsp_outside = {
        name
        for name, path in MODULES.items()
        if not name.startswith("lsp_codegen.server")
        and _third_party(path) & {"pygls", "lsprotocol"}
    }
    torch_in_server = {
        name
        for name, path in MODULES.items()
        if name.startswith("lsp_codegen.server") and "torch" in _third_party(path)
    }
    assert (lsp_outside, torch_in_server) == (set(), set())


def test_engines_never_import_the_server() -> None:
    assert not {name for name in _importers("lsp_codegen.server") if ".engine" in name}
