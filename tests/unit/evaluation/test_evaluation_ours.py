"""The repository's own problems (bench/problems): well-formed, solvable, and with teeth.

Each problem's reference solution goes through the same path a model's
candidate takes (insertion point, post-processing, the assembled program) and
must pass its hidden test; an empty-handed body must fail it.
"""

from __future__ import annotations

import re

import pytest

from lsp_codegen.evaluation.problems import Problem, load_problems, ours_path
from lsp_codegen.evaluation.runner import check_for, problem_insertion, program
from lsp_codegen.ranking.postprocess import postprocess

PROBLEMS = load_problems(ours_path())
_IDS = [p.task_id for p in PROBLEMS]


def _passes(code: str, problem: Problem) -> bool:
    # Trusted code (our own solutions and stubs), so it runs in this process.
    namespace: dict[str, object] = {"__name__": "__candidate__"}
    try:
        exec(compile(code, problem.task_id, "exec"), namespace)
        exec(check_for(problem).source, namespace)
    except AssertionError:
        return False
    return True


def _as_candidate(problem: Problem, solution: str) -> str:
    """`solution` (text following the prompt) as the model would have written it."""
    insertion = problem_insertion(problem.prompt)
    whole = problem.prompt + solution
    assert whole.startswith(insertion.prefix + insertion.leading), problem.task_id
    raw = whole[len(insertion.prefix + insertion.leading) :]
    return postprocess(raw, insertion)


def test_there_are_at_least_thirty_distinct_problems() -> None:
    assert len(PROBLEMS) >= 30
    assert len(set(_IDS)) == len(PROBLEMS)
    assert len({p.entry_point for p in PROBLEMS}) == len(PROBLEMS)


@pytest.mark.parametrize("problem", PROBLEMS, ids=_IDS)
def test_the_prompt_is_an_editor_comment_ending_at_the_def(problem: Problem) -> None:
    prompt = problem.prompt
    assert f"def {problem.entry_point}(" in prompt
    described = prompt.lstrip().startswith("#") or '"""' in prompt
    assert described, "a comment block or a docstring describes the task"
    assert re.search(rf"{problem.entry_point}\(.*\)\s*(==|->|$)", prompt, re.M), "examples"
    # Nothing of the body is given away: the cursor is right after the header
    # line, or after the docstring that follows it.
    after_header = prompt.split(f"def {problem.entry_point}(", 1)[1].partition("\n")[2].strip()
    assert not after_header or (after_header.startswith('"""') and after_header.endswith('"""')), (
        after_header
    )


@pytest.mark.parametrize("problem", PROBLEMS, ids=_IDS)
def test_the_hidden_test_checks_more_than_the_visible_examples(problem: Problem) -> None:
    assert "def check(candidate):" in problem.test
    visible = len(re.findall(rf"{problem.entry_point}\(", problem.prompt)) - 1
    assert problem.test.count("assert ") > visible


@pytest.mark.parametrize("problem", PROBLEMS, ids=_IDS)
def test_the_reference_solution_passes_as_a_candidate(problem: Problem) -> None:
    assert problem.canonical_solution
    text = _as_candidate(problem, problem.canonical_solution)
    assert _passes(program(problem, problem_insertion(problem.prompt), text), problem)


@pytest.mark.parametrize("problem", PROBLEMS, ids=_IDS)
def test_a_stub_fails(problem: Problem) -> None:
    insertion = problem_insertion(problem.prompt)
    head = (insertion.prefix + insertion.leading).rsplit("\n", 1)[-1]
    missing = insertion.indent[len(head) :]  # a cursor at column 0 of the body's first line
    for stub in ("return None", "return 0", "return ''", "return []"):
        assert not _passes(program(problem, insertion, missing + stub), problem), stub
