"""Written tests: parsed from the model, de-duplicated, run, only passing kept."""

from __future__ import annotations

from pathlib import PurePath

from lsp_codegen.actions.target import target_at
from lsp_codegen.actions.write_tests import (
    GeneratedTest,
    appended_tests,
    distinct,
    end_of_tests,
    example_tests,
    model_tests,
    module_name,
    new_tests_file,
    path_for_tests,
    run_tests,
)
from lsp_codegen.sandbox.sandbox import Sandbox

SOURCE = '''def double(x):
    """Twice x.

    >>> double(2)
    4
    """
    return 2 * x
'''


def test_complete_test_functions_are_taken_from_the_model_text() -> None:
    text = "one():\n    assert double(1) == 2\ndef test_two():\n    assert double(2) ==\n"
    found = model_tests([text])
    assert [t.name for t in found] == ["test_one"]  # the cut-off second test is dropped
    assert found[0].source == "def test_one():\n    assert double(1) == 2"


def test_the_tests_end_at_other_top_level_code() -> None:
    text = "one():\n    assert 1\ndef test_two():\n    pass\nprint(1)\n"
    assert end_of_tests(text) == text.index("print")
    assert end_of_tests("one():\n    assert 1\n") is None


def test_examples_become_tests_and_duplicates_are_merged() -> None:
    target = target_at(SOURCE, 6)
    assert target is not None
    (example,) = example_tests(target)
    assert example.name == "test_double_example_1"
    same = GeneratedTest("test_double", "def test_double():\n    assert double(2) == 4", "model")
    other = GeneratedTest("test_double", "def test_double():\n    assert double(0) == 0", "model")
    kept = distinct([example, same, other])
    assert [t.name for t in kept] == ["test_double_example_1", "test_double"]
    renamed = distinct([same, GeneratedTest("test_double", other.source, "model")])
    assert [t.name for t in renamed] == ["test_double", "test_double_2"]
    assert renamed[1].source.startswith("def test_double_2():")


async def test_only_passing_tests_are_kept(sandbox: Sandbox) -> None:
    cases = [
        GeneratedTest("test_ok", "def test_ok():\n    assert double(3) == 6", "model"),
        GeneratedTest("test_bad", "def test_bad():\n    assert double(3) == 7", "model"),
        GeneratedTest("test_error", "def test_error():\n    double()", "model"),
    ]
    written = await run_tests(sandbox, SOURCE + "print('side effect')\n", cases)
    assert [t.name for t in written.passing] == ["test_ok"]
    assert [t.name for t, _ in written.failing] == ["test_bad", "test_error"]
    assert written.summary().startswith("1 passing test (2 failing dropped: test_bad:")


def test_the_test_file_and_its_import() -> None:
    root = PurePath("/w")
    assert path_for_tests(root, PurePath("/w/src/pkg/geo.py")) == PurePath("/w/tests/test_geo.py")
    assert module_name(root, PurePath("/w/src/pkg/geo.py")) == "pkg.geo"
    assert module_name(root, PurePath("/elsewhere/geo.py")) == "geo"
    case = GeneratedTest("test_a", "def test_a():\n    assert double(1) == 2", "model")
    assert new_tests_file([case], "geo", "double") == (
        "from geo import double\n\n\ndef test_a():\n    assert double(1) == 2\n"
    )
    existing = "def test_a():\n    pass"
    added = appended_tests(existing, [case], "geo", "double")
    assert added == "\n\n\nfrom geo import double\ndef test_a_2():\n    assert double(1) == 2\n"
