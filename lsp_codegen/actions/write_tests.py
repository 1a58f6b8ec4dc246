"""Write tests: pytest functions for a function, from the model and from the examples
in its docstring, each run in the sandbox against the current code; only the tests
that pass are kept (they describe today's behaviour)."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import PurePath

from lsp_codegen.actions.complete import complete
from lsp_codegen.actions.target import Target
from lsp_codegen.config import Settings
from lsp_codegen.engine.base import CancelToken, Engine
from lsp_codegen.ranking.examples import extract_examples
from lsp_codegen.ranking.normalize import normalized_ast
from lsp_codegen.ranking.pyparse import parse_quietly
from lsp_codegen.ranking.runnable import definitions_only
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Check, Limits, Verdict

MAX_NEW_TOKENS = 256
MAX_TESTS = 8
LIMITS = Limits(cpu_seconds=10.0, wall_seconds=20.0)
_START = "def test_"


@dataclass(frozen=True)
class GeneratedTest:
    """One pytest function: its name and source."""

    name: str
    source: str
    origin: str  # "model" or "example"


@dataclass(frozen=True)
class WrittenTests:
    """The passing tests, and the tests dropped with why."""

    passing: list[GeneratedTest] = field(default_factory=list)
    failing: list[tuple[GeneratedTest, str]] = field(default_factory=list)

    def summary(self) -> str:
        """ "3 passing tests (2 failing dropped)"."""
        kept = len(self.passing)
        text = f"{kept} passing test{'' if kept == 1 else 's'}"
        if self.failing:
            text += f" ({len(self.failing)} failing dropped: {self.failing[0][1]})"
        return text


def prompt_for_tests(target: Target) -> str:
    """The function, then the start of its first test."""
    return (
        f"{target.source}\n\n"
        f"# Tests for `{target.name}` (pytest): each calls `{target.name}` and asserts"
        " the exact result.\n"
        f"{_START}"
    )


def end_of_tests(text: str) -> int | None:
    """Stop rule: tests end at the first top-level line that does not continue them."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            return None
        if offset and line[:1].strip() and not line.startswith(("def test", "@", "#")):
            return offset
        offset += len(line)
    return None


def model_tests(texts: list[str]) -> list[GeneratedTest]:
    """The complete `test_*` functions in each continuation (after `def test_`)."""
    found: list[GeneratedTest] = []
    for text in texts:
        tree = _longest_parsing_prefix(_START + text)
        for node in tree.body if tree else []:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.append(GeneratedTest(node.name, ast.unparse(node), "model"))
    return found


def example_tests(target: Target) -> list[GeneratedTest]:
    """One test per example in the function's comment or docstring."""
    checks = extract_examples(target.description, "python", target.name)
    return [
        GeneratedTest(
            f"test_{target.name}_example_{number}",
            f"def test_{target.name}_example_{number}():\n" + textwrap.indent(check.source, "    "),
            "example",
        )
        for number, check in enumerate(checks, start=1)
    ]


async def write_tests(
    engine: Engine,
    settings: Settings,
    sandbox: Sandbox,
    text: str,
    target: Target,
    cancel: CancelToken | None = None,
) -> WrittenTests:
    """Tests for `target`: the examples' and the model's, run, only passing ones kept."""
    texts = await complete(
        engine,
        prompt_for_tests(target),
        settings,
        end_of_tests,
        cancel,
        max_new_tokens=MAX_NEW_TOKENS,
    )
    written = model_tests([continuation.text for continuation in texts])
    cases = distinct([*example_tests(target), *written])[:MAX_TESTS]
    return await run_tests(sandbox, text, cases)


def distinct(cases: list[GeneratedTest]) -> list[GeneratedTest]:
    """Each test once (by normalized body), names made unique."""
    seen: set[str] = set()
    names: set[str] = set()
    kept: list[GeneratedTest] = []
    for case in cases:
        body = normalized_ast(case.source.split("\n", 1)[-1], "python") or case.source
        if body in seen:
            continue
        seen.add(body)
        name = unique_name(case.name, names)
        names.add(name)
        source = case.source.replace(f"def {case.name}(", f"def {name}(", 1)
        kept.append(GeneratedTest(name, source, case.origin))
    return kept


async def run_tests(sandbox: Sandbox, text: str, cases: list[GeneratedTest]) -> WrittenTests:
    """Run every test against the module as it is now; sort them into passing and not."""
    if not cases:
        return WrittenTests()
    code = (definitions_only(text) or "") + "\n\n" + "\n\n".join(c.source for c in cases)
    checks = [Check(f"{case.name}()", case.name) for case in cases]
    result = await sandbox.run(code, checks, LIMITS)
    outcomes = {c.check.label: c for c in result.checks}
    written = WrittenTests()
    for case in cases:
        outcome = outcomes.get(case.name)
        if outcome is not None and outcome.verdict is Verdict.PASSED:
            written.passing.append(case)
        else:
            why = outcome.message if outcome is not None else result.message or "did not run"
            written.failing.append((case, f"{case.name}: {why}"))
    return written


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`… when it is taken."""
    if name not in taken:
        return name
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def path_for_tests(root: PurePath, document: PurePath) -> PurePath:
    """Where the tests for `document` go: `<root>/tests/test_<module>.py`."""
    return root / "tests" / f"test_{document.stem}.py"


def module_name(root: PurePath, document: PurePath) -> str:
    """The dotted import name of `document` from `root` (a leading `src/` dropped)."""
    try:
        parts = list(document.relative_to(root).with_suffix("").parts)
    except ValueError:
        parts = [document.stem]
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts)


def new_tests_file(cases: list[GeneratedTest], module: str, function: str) -> str:
    """A new test file holding `cases`."""
    body = "\n\n\n".join(case.source for case in cases)
    return f"from {module} import {function}\n\n\n{body}\n"


def appended_tests(existing: str, cases: list[GeneratedTest], module: str, function: str) -> str:
    """The text to append to an existing test file (tests renamed away from its names);
    an import line first when the file does not import the function."""
    taken = _defined_names(existing)
    sources = []
    for case in cases:
        name = unique_name(case.name, taken)
        taken.add(name)
        sources.append(case.source.replace(f"def {case.name}(", f"def {name}(", 1))
    needs_import = f"import {function}" not in existing and f"{function}," not in existing
    imports = f"from {module} import {function}\n" if needs_import else ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    return separator + "\n\n" + imports + "\n\n".join(sources) + "\n"


def _defined_names(source: str) -> set[str]:
    tree = parse_quietly(source)
    if tree is None:
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _longest_parsing_prefix(text: str) -> ast.Module | None:
    """The tree of the longest run of whole lines from the start that parses."""
    lines = text.splitlines(keepends=True)
    for end in range(len(lines), 0, -1):
        tree = parse_quietly("".join(lines[:end]))
        if tree is not None:
            return tree
    return None
