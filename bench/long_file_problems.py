"""Problems as they look in a long file: `context.fileHeader`'s eval set.

    python bench/long_file_problems.py --set humaneval --out /tmp/long.jsonl
    lsp-codegen eval --problems /tmp/long.jsonl --strip-examples --n 8 --engine llamacpp \\
      --variant 'header={"context":{"fileHeader":true}}' \\
      --variant 'plain={"context":{"fileHeader":false}}'

Every problem of the set whose prompt has something before its last top-level function (an
import, a helper function) gets ~1,500 tokens of unrelated module code (other problems'
documented functions with their reference bodies) inserted right before that function, so
a 1,024-token prompt budget cuts off the imports and helpers, as in a long file whose start
is far above the cursor. The problems' own text is unchanged otherwise (the tests still run
against the whole prompt). The eval sets' problems are short, so without this no prompt of
theirs is ever cut and the header never applies.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lsp_codegen.evaluation.problems import Problem, load_problems, problems_path  # noqa: E402

_TOP_DEF = re.compile(r"^def \w+\(", re.MULTILINE)
_IMPORT_LINE = re.compile(r"^(?:import|from) .*\n", re.MULTILINE)
FILLER_CHARS = 6_000  # ~1,500 tokens of the embedded model's tokenizer


def filler(others: list[Problem]) -> str:
    """Unrelated, runnable module code: other problems' functions with their reference
    bodies (imports left out), as in a module of many documented functions. Repeating one
    small function instead made the model copy it (nothing passed)."""
    parts: list[str] = []
    size = 0
    for other in others:
        if other.canonical_solution is None:
            continue
        text = _IMPORT_LINE.sub("", other.prompt + other.canonical_solution).strip() + "\n\n\n"
        parts.append(text)
        size += len(text)
        if size >= FILLER_CHARS:
            break
    return "".join(parts)


def padded(problem: Problem, others: list[Problem]) -> Problem | None:
    """`problem` with filler from `others` before its last top-level function; None when
    nothing comes before that function (there is nothing for a header to bring back)."""
    starts = [match.start() for match in _TOP_DEF.finditer(problem.prompt)]
    if not starts or not problem.prompt[: starts[-1]].strip():
        return None
    cut = starts[-1]
    prompt = problem.prompt[:cut] + filler(others) + problem.prompt[cut:]
    return Problem(
        problem.task_id,
        prompt,
        problem.entry_point,
        problem.test,
        problem.canonical_solution,
        problem.language,
        problem.suffix,
    )


def _has_preamble(problem: Problem) -> bool:
    """Something besides typing imports comes before the problem's last function."""
    starts = [match.start() for match in _TOP_DEF.finditer(problem.prompt)]
    return len(starts) != 1 or bool(_IMPORT_LINE.sub("", problem.prompt[: starts[0]]).strip())


def main() -> None:
    """Write the padded problems of a set as a HumanEval-format .jsonl."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="humaneval", help="humaneval or ours")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    problems = load_problems(problems_path(args.set))
    chosen = []
    for position, problem in enumerate(problems):
        # The filler: the problems after this one that have nothing above their function
        # (no helper of theirs can clash with this one's names), from the set's end.
        others = [p for p in reversed(problems[position + 1 :]) if not _has_preamble(p)]
        found = padded(problem, others)
        if found is not None:
            chosen.append(found)
    with args.out.open("w", encoding="utf-8") as out:
        for problem in chosen:
            record = {
                "task_id": problem.task_id,
                "prompt": problem.prompt,
                "entry_point": problem.entry_point,
                "test": problem.test,
                "canonical_solution": problem.canonical_solution,
            }
            out.write(json.dumps(record) + "\n")
    print(f"{len(chosen)} problems with imports or helpers above their function: {args.out}")


if __name__ == "__main__":
    main()
