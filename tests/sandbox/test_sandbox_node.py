"""The Node runner: JavaScript (CommonJS and ES modules) and TypeScript in a real node,
with the workspace's node_modules, each verdict told apart."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.ranking.examples import extract_examples
from lsp_codegen.sandbox import Check, Limits, Verdict, measure_startup
from lsp_codegen.sandbox.bench import measure_bare_start
from lsp_codegen.sandbox.node import (
    NO_COMPILER,
    NodeRuntime,
    NodeSetup,
    find_node,
    setup_for,
    typescript_mode,
)
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import open_node_sandbox, typescript_package

SQUARE = Check("assert.deepStrictEqual(square(3), 9)", "square(3) === 9")


@pytest.fixture
def root() -> Iterator[Path]:
    """An empty workspace folder under /tmp that any uid may read (pytest's own tmp_path
    is root's alone: the code of a root server without bubblewrap runs as another uid)."""
    folder = Path(tempfile.mkdtemp(prefix="node-workspace-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def workspace(root: Path) -> Path:
    """A workspace under /tmp (hidden by bubblewrap: its node_modules must be bound back)
    with a CommonJS package and an ES module package."""
    pad = root / "node_modules" / "left-pad-lite"
    pad.mkdir(parents=True)
    (pad / "package.json").write_text('{"name": "left-pad-lite", "main": "index.js"}')
    (pad / "index.js").write_text(
        "module.exports = (s, n) => ' '.repeat(Math.max(0, n - s.length)) + s;\n"
    )
    esm = root / "node_modules" / "esm-twice"
    esm.mkdir()
    (esm / "package.json").write_text(
        '{"name": "esm-twice", "type": "module", "exports": "./index.js"}'
    )
    (esm / "index.js").write_text("export const twice = (x) => 2 * x;\n")
    return root


def test_find_node_answers_with_its_version(node: NodeRuntime) -> None:
    assert node.source == "PATH"
    assert node.version.count(".") == 2
    found, problem = find_node(str(node.path))
    assert problem == "" and found is not None and found.source == "setting"


def test_a_missing_node_says_so(tmp_path: Path) -> None:
    found, problem = find_node(str(tmp_path / "no-node"))
    assert found is None and "does not exist" in problem
    found, problem = find_node("no-such-node-on-path")
    assert found is None and "no `no-such-node-on-path` on PATH" in problem


@pytest.mark.parametrize("mode", ["bubblewrap", "rlimits"])
async def test_commonjs_declarations_and_deep_equality(node: NodeRuntime, mode: str) -> None:
    code = (
        "const SCALE = 1;\n"
        "function square(x) { return SCALE * x * x; }\n"
        "function pairs(xs) { return xs.map((x) => ({ x, sq: square(x) })); }\n"
        "module.exports = { square };\n"
    )
    checks = [
        SQUARE,
        Check("assert.deepStrictEqual(pairs([1, 2]), [{ x: 1, sq: 1 }, { x: 2, sq: 4 }])", "pairs"),
        Check("assert.deepStrictEqual(pairs([3]), [{ x: 3, sq: 10 }])", "pairs([3])"),
        Check("assert.deepStrictEqual(square(2), '4')", "square(2) === '4'"),
        Check("assert.deepEqual(square(2), '4')", "square(2) == '4'"),
    ]
    box = await open_node_sandbox(mode, NodeSetup(node))
    async with box:
        result = await box.run(code, checks)
    verdicts = [c.verdict for c in result.checks]
    assert verdicts == [
        Verdict.PASSED,
        Verdict.PASSED,
        Verdict.FAILED,
        Verdict.FAILED,
        Verdict.PASSED,
    ]
    assert (
        result.checks[2].message
        == "pairs([3]): got [ { x: 3, sq: 9 } ], expected [ { x: 3, sq: 10 } ]"
    )
    assert result.checks[3].message == "square(2) === '4': got 4"
    assert result.verdict is Verdict.FAILED


async def test_es_modules_and_the_workspace_node_modules(node: NodeRuntime, root: Path) -> None:
    workspace(root)
    setup, problem = setup_for("javascript", node, root)
    assert setup is not None and setup.node_modules == root / "node_modules", problem
    esm = (
        "import { twice } from 'esm-twice';\nimport path from 'node:path';\n"
        "export function square(x) { return twice(x) * x / 2; }\n"
        "export const base = path.basename('/a/b');\n"
    )
    cjs = (
        "const pad = require('left-pad-lite');\n"
        "function square(x) { return Number(pad(String(x * x), 3)); }\n"
    )
    for mode in ("bubblewrap", "rlimits", "rlimits-uid"):
        box = await open_node_sandbox(mode, setup)
        async with box:
            from_esm = await box.run(esm, [SQUARE, Check("assert.strictEqual(base, 'b')", "base")])
            from_cjs = await box.run(cjs, [SQUARE])
        assert from_esm.verdict is Verdict.PASSED, (mode, from_esm.message, from_esm.stderr)
        assert from_cjs.verdict is Verdict.PASSED, (mode, from_cjs.message, from_cjs.stderr)


async def test_async_functions_are_awaited_by_their_examples(node: NodeRuntime) -> None:
    code = (
        "async function fetchSquare(x) { await new Promise((r) => setTimeout(r, 5)); "
        "return x * x; }\nfunction square(x) { return x * x; }\n"
    )
    checks = extract_examples(
        "fetchSquare(3) === 9, fetchSquare(2) === 5, square(4) === 16", "javascript", None
    )
    async with await open_node_sandbox("rlimits", NodeSetup(node)) as box:
        result = await box.run(code, checks)
    verdicts = [c.verdict for c in result.checks]
    assert verdicts == [Verdict.PASSED, Verdict.FAILED, Verdict.PASSED], result.stderr
    assert result.checks[1].message == "fetchSquare(2) === 5: got 4"


async def test_verdicts_are_told_apart(node_confined: Sandbox) -> None:
    short = Limits(wall_seconds=3.0, cpu_seconds=1.0)
    error = await node_confined.run("function square(x) { return x.y.z; }", [SQUARE])
    assert error.verdict is Verdict.ERROR
    assert error.checks[0].message.startswith("square(3) === 9: TypeError: Cannot read properties")
    broken = await node_confined.run("function square(x) { return x *; }", [SQUARE])
    assert broken.verdict is Verdict.ERROR and broken.message.startswith("SyntaxError")
    assert broken.checks[0].message.startswith("not run: the code failed (SyntaxError")
    loop = await node_confined.run("function square(x) { for (;;) {} }", [SQUARE], short)
    assert loop.verdict is Verdict.TIMEOUT and loop.checks[0].verdict is Verdict.TIMEOUT
    memory = await node_confined.run(
        "const kept = []; for (;;) kept.push(new Array(1e6).fill(1));", [], Limits(wall_seconds=20)
    )
    assert memory.verdict is Verdict.MEMORY, (memory.message, memory.stderr[-300:])
    crash = await node_confined.run("process.kill(process.pid, 'SIGSEGV');", [])
    assert crash.verdict is Verdict.CRASHED and "SIGSEGV" in crash.message
    flood = await node_confined.run("for (;;) console.log('x'.repeat(1000));", [], short)
    assert flood.verdict is Verdict.ERROR and flood.message.startswith("output limit")
    exits = await node_confined.run("process.exit(0);", [SQUARE])
    assert exits.verdict is Verdict.ERROR and "before finishing" in exits.message
    after = await node_confined.run("function square(x) { return x * x; }", [SQUARE])
    assert after.verdict is Verdict.PASSED  # the sandbox carries on


async def test_typescript_through_the_workspace_compiler(node: NodeRuntime, root: Path) -> None:
    workspace(root)
    (root / "node_modules" / "typescript").symlink_to(typescript_package())
    if node.strips_types:
        pytest.skip(f"Node {node.version} strips types itself: the compiler is not used")
    setup, problem = setup_for("typescript", node, root)
    assert setup is not None and setup.typescript == str(root / "node_modules" / "typescript")
    code = (
        "interface Point { x: number; y: number }\n"
        "enum Axis { X, Y }\n"
        "export function square(n: number): number { return n * n; }\n"
        "export const along = (p: Point, a: Axis): number => (a === Axis.X ? p.x : p.y);\n"
    )
    checks = [SQUARE, Check("assert.strictEqual(along({ x: 1, y: 2 }, Axis.Y), 2)", "along")]
    for mode in ("bubblewrap", "rlimits"):
        box = await open_node_sandbox(mode, setup)
        async with box:
            result = await box.run(code, checks)
            wrong = await box.run("function square(n: number): number { return n + n; }", [SQUARE])
        assert result.verdict is Verdict.PASSED, (mode, result.message, result.stderr)
        assert wrong.checks[0].message == "square(3) === 9: got 6"


def test_typescript_without_a_compiler_says_why(node: NodeRuntime, root: Path) -> None:
    if node.strips_types:
        pytest.skip(f"Node {node.version} strips types itself")
    setup, problem = setup_for("typescript", node, workspace(root))
    assert setup is None and problem == NO_COMPILER
    assert typescript_mode(node, None) == (None, NO_COMPILER)
    stripping = NodeRuntime(node.path, "setting", "22.6.0")
    assert typescript_mode(stripping, None) == ("strip", "")


def test_measure_startup_of_node(node: NodeRuntime) -> None:
    numbers = measure_startup(runs=2, interpreter=NodeSetup(node))
    assert numbers["warm_p50_s"] > 0 and numbers["cold_p50_s"] > 0
    assert measure_bare_start(1, [str(node.path), "-e", "0"]) > 0
