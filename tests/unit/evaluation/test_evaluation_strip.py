"""`eval --strip-examples`: the worked examples leave the prompt, the description stays."""

from __future__ import annotations

from lsp_codegen.evaluation.problems import Problem, load_problems, problems_path
from lsp_codegen.evaluation.runner import problem_insertion
from lsp_codegen.evaluation.strip import strip_examples
from lsp_codegen.ranking.examples import examples_for


def problem(prompt: str, entry: str, language: str = "python") -> Problem:
    return Problem("t/0", prompt, entry, "def check(candidate): pass", language=language)


def test_a_doctest_session_and_an_example_section_go_the_description_stays() -> None:
    prompt = (
        "def add(a: int, b: int) -> int:\n"
        '    """Add two numbers.\n'
        "    >>> add(1, 2)\n"
        "    3\n"
        "\n"
        "    Keep it simple.\n"
        "    For example:\n"
        "    add(2, 2) ==> 4\n"
        '    """\n'
    )
    assert strip_examples(problem(prompt, "add")).prompt == (
        'def add(a: int, b: int) -> int:\n    """Add two numbers.\n\n    Keep it simple.\n    """\n'
    )


def test_example_lines_in_comments_go_in_every_form() -> None:
    prompt = (
        "# Square a number.\n"
        "# square(3) == 9\n"
        "# square(-2) -> 4\n"
        "# square(4) ➞ 16\n"
        "# >>> square(5)\n"
        "# 25\n"
        "def square(n):"
    )
    assert strip_examples(problem(prompt, "square")).prompt == "# Square a number.\ndef square(n):"
    js = (
        "// Sum a list.\n"
        "// console.assert(sum([1, 2]) === 3)\n"
        "// sum([]) === 0\n"
        "function sum(xs) {\n"
    )
    stripped = strip_examples(problem(js, "sum", "javascript")).prompt
    assert stripped == "// Sum a list.\nfunction sum(xs) {\n"


def test_a_recurrence_written_with_an_arrow_is_not_an_example() -> None:
    prompt = 'def fib4(n: int):\n    """fib4(n) -> fib4(n-1) + fib4(n-2).\n    """\n'
    assert strip_examples(problem(prompt, "fib4")).prompt == prompt


def test_no_readable_example_is_left_in_humaneval_or_ours() -> None:
    for name in ("humaneval", "ours", "ours-js"):
        for each in load_problems(problems_path(name)):
            stripped = strip_examples(each)
            insertion = problem_insertion(stripped.prompt, stripped.language, stripped.suffix)
            assert examples_for(insertion) == [], (name, each.task_id, stripped.prompt)
            assert stripped.test == each.test
