"""Token healing, measured: the first shown line at cursor positions inside tokens.

    python bench/healing.py [--engine llamacpp] [--limit 120]

The code is tests/data/healing_source.py (written for this bench; the model has not
seen it). Cursor positions are taken from it by rule, four kinds: inside an
identifier (after its first three characters), after the space that follows an
identifier, after an opening bracket, and after an attribute dot. The document is
the source up to the cursor (the user is typing that line now). For each position
the pipeline runs with `tokenHealing` off and on, side by side:

- greedy (one candidate) and ranked (numCandidates 4, the shown best);
- "exact": the first shown line equals the rest of the original line;
- "glue": after `identifier ` the shown text starts with a digit, or with a name that
  cannot follow a name (`words 1 = []`, `words result`): the model continued the
  identifier as if the space were not there.
"""

from __future__ import annotations

import argparse
import asyncio
import keyword
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pauses import _cpu  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "healing_source.py"
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# Words that may follow a name after a space.
_AFTER_NAME = {"in", "is", "if", "else", "for", "and", "or", "not", "as", "from"}


@dataclass(frozen=True)
class Position:
    """A cursor inside the source: what is before it, and the rest of its line."""

    kind: str  # "identifier" | "space" | "bracket" | "dot"
    offset: int
    rest: str


def positions(source: str) -> list[Position]:
    """Every cursor position the rules pick, in source order."""
    found: list[Position] = []
    offset = 0
    for line in source.splitlines(keepends=True):
        code = line.rstrip("\n")
        stripped = code.strip()
        if stripped and not stripped.startswith(("#", '"""', "@")) and '"""' not in code:
            found += _in_line(code, offset)
        offset += len(line)
    return found


def _in_line(code: str, start: int) -> list[Position]:
    picks: list[tuple[str, int]] = []
    for match in _IDENTIFIER.finditer(code):
        if len(match.group()) >= 6:
            picks.append(("identifier", match.start() + 3))
        end = match.end()
        if end < len(code) and code[end] == " " and end + 1 < len(code):
            picks.append(("space", end + 1))
    picks += [
        ("bracket", i + 1) for i, c in enumerate(code) if c == "(" and code[i + 1 : i + 2] != ")"
    ]
    picks += [
        ("dot", i + 1) for i, c in enumerate(code) if c == "." and code[i + 1 : i + 2].isalpha()
    ]
    return [
        Position(kind, start + column, code[column:])
        for kind, column in sorted(set(picks), key=lambda p: p[1])
    ]


def glued(before: str, shown: str) -> bool:
    """After `name ` (not a keyword) the shown text continues as if the space were not
    there."""
    previous = re.search(r"([A-Za-z_]\w*) $", before)
    if previous is None or keyword.iskeyword(previous.group(1)) or not shown:
        return False
    if shown[0].isdigit():
        return True
    word = _IDENTIFIER.match(shown)
    return (
        word is not None and word.group() not in _AFTER_NAME and not keyword.iskeyword(word.group())
    )


@dataclass
class Tally:
    """Counts for one configuration."""

    exact: int = 0
    glue: int = 0
    shown: int = 0
    seconds: float = 0.0


async def _first_line(
    engine: object, source: str, position: Position, options: dict[str, object]
) -> str | None:
    from lsp_codegen.config import parse_settings
    from lsp_codegen.context.insertion import locate_insertion
    from lsp_codegen.engine.base import CancelToken
    from lsp_codegen.pipeline import generate

    text = source[: position.offset] + "\n"
    insertion = locate_insertion(text, position.offset, "python")
    settings, problems = parse_settings({"maxNewTokens": 32, **options})
    assert not problems, problems
    result = await generate(engine, insertion, settings, CancelToken())  # type: ignore[arg-type]
    if not result.candidates:
        return None
    return result.candidates[0].text.split("\n", 1)[0]


def main() -> None:
    """Measure every configuration over the positions; print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="llamacpp")
    parser.add_argument("--limit", type=int, default=120, help="positions used, spread evenly")
    args = parser.parse_args()
    from lsp_codegen.config import parse_settings
    from lsp_codegen.engine.factory import load_engine

    source = SOURCE.read_text(encoding="utf-8")
    every = positions(source)
    step = max(1, len(every) // args.limit)
    chosen = every[::step][: args.limit]
    assert len(chosen) >= 50, f"only {len(chosen)} positions"
    engine = load_engine(parse_settings({"engine": args.engine})[0], lambda _: None)
    print(f"CPU: {_cpu()} · {os.cpu_count()} cores · engine {args.engine}")
    kinds = {p.kind for p in chosen}
    print(
        f"{len(chosen)} positions: "
        + ", ".join(f"{sum(p.kind == k for p in chosen)} {k}" for k in sorted(kinds))
    )
    configs = {
        f"{mode}, healing {'on' if heal else 'off'}": {
            "numCandidates": n,
            "tokenHealing": heal,
            "temperature": 0.8,
        }
        for mode, n in (("greedy", 1), ("ranked of 4", 4))
        for heal in (False, True)
    }
    tallies = {name: Tally() for name in configs}
    for position in chosen:
        before = source[: position.offset]
        for name, options in configs.items():
            started = time.perf_counter()
            line = asyncio.run(_first_line(engine, source, position, options))
            tally = tallies[name]
            tally.seconds += time.perf_counter() - started
            if line is None:
                continue
            tally.shown += 1
            tally.exact += line.strip() == position.rest.strip()
            tally.glue += glued(before, line)
    engine.close()
    header = ("configuration", "shown", "exact first line", "glue", "s/position")
    print("\n{:<28} {:>6} {:>17} {:>5} {:>10}".format(*header))
    for name, tally in tallies.items():
        print(
            f"{name:<28} {tally.shown:>6} {tally.exact:>8} ({tally.exact / len(chosen):>5.0%}) "
            f"{tally.glue:>5} {tally.seconds / len(chosen):>10.2f}"
        )


if __name__ == "__main__":
    main()
