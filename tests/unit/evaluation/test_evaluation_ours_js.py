"""The repository's JavaScript and TypeScript problems (bench/problems/problems_js.jsonl):
well-formed, solvable in a real Node, with examples the ranking can run, and with teeth.

Each reference solution takes a model candidate's path (insertion point, post-processing,
the assembled program) and must pass its hidden test in the sandbox; stub bodies must
fail it; and the examples written in each prompt must be extracted and pass on the
reference solution (the examples gate has something to say on every problem).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lsp_codegen.evaluation.problems import Problem, load_problems, ours_js_path
from lsp_codegen.evaluation.runner import check_for, problem_insertion, program
from lsp_codegen.ranking.examples import examples_for
from lsp_codegen.ranking.postprocess import postprocess
from lsp_codegen.ranking.runnable import runnable_module
from lsp_codegen.sandbox import Verdict
from lsp_codegen.sandbox.node import NodeSetup, setup_for
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import node_or_skip, typescript_package

PROBLEMS = load_problems(ours_js_path())
_IDS = [p.task_id for p in PROBLEMS]


def _candidate(problem: Problem, solution: str) -> str:
    """`solution` (text after the prompt) as the model would have written it."""
    insertion = problem_insertion(problem.prompt, problem.language, problem.suffix)
    assert problem.prompt.startswith(insertion.prefix + insertion.leading), problem.task_id
    raw = problem.prompt[len(insertion.prefix + insertion.leading) :] + solution
    return postprocess(raw, insertion)


def test_there_are_at_least_twenty_distinct_problems_in_both_languages() -> None:
    assert len(PROBLEMS) >= 20
    assert len(set(_IDS)) == len(PROBLEMS)
    assert len({p.entry_point for p in PROBLEMS}) == len(PROBLEMS)
    assert {p.language for p in PROBLEMS} == {"javascript", "typescript"}


@pytest.mark.parametrize("problem", PROBLEMS, ids=_IDS)
def test_the_prompt_is_a_comment_above_an_open_function(problem: Problem) -> None:
    assert problem.prompt.lstrip().startswith(("//", "/**"))
    assert problem.prompt.endswith("{\n") and problem.suffix == "\n}\n"
    assert re.search(rf"^function {problem.entry_point}\(", problem.prompt, re.M)
    assert "function check(candidate)" in problem.test
    insertion = problem_insertion(problem.prompt, problem.language, problem.suffix)
    assert insertion.comment is not None  # the editor sees a comment prompt here
    visible = examples_for(insertion)
    assert visible, "the prompt's examples are extracted"
    assert problem.test.count("assert.") > len(visible), "the hidden test checks more"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A workspace whose node_modules holds the editor client's real typescript."""
    typescript = typescript_package()
    root = tmp_path_factory.mktemp("ts-workspace")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "typescript").symlink_to(typescript)
    yield root


@pytest.mark.parametrize("language", ["javascript", "typescript"])
async def test_solutions_pass_stubs_fail_and_examples_hold(language: str, workspace: Path) -> None:
    node = node_or_skip()
    setup, why = setup_for(language, node, workspace)
    assert isinstance(setup, NodeSetup), why
    failures: list[str] = []
    async with Sandbox(setup, warm=2) as box:
        for each in (p for p in PROBLEMS if p.language == language):
            failures += await _judge(box, each)
    assert failures == []


async def _judge(box: Sandbox, problem: Problem) -> list[str]:
    insertion = problem_insertion(problem.prompt, problem.language, problem.suffix)
    assert problem.canonical_solution
    solution = _candidate(problem, problem.canonical_solution)
    failures = []
    hidden = await box.run(program(problem, insertion, solution), [check_for(problem)])
    if hidden.verdict is not Verdict.PASSED:
        failures.append(f"{problem.task_id}: reference fails: {hidden.message}")
    examples = examples_for(insertion)
    module = runnable_module(insertion, solution)
    shown = await box.run(module or "", examples)
    if shown.verdict is not Verdict.PASSED:
        failures.append(f"{problem.task_id}: examples fail on the reference: {shown.message}")
    for stub in ("return undefined;", "return 0;", "return '';", "return [];"):
        stubbed = await box.run(program(problem, insertion, f"  {stub}"), [check_for(problem)])
        if stubbed.verdict is Verdict.PASSED:
            failures.append(f"{problem.task_id}: the stub `{stub}` passes")
    return failures
