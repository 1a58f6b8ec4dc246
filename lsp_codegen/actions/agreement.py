"""Evidence without examples: every candidate run on the same inputs, derived from the
function (its type hints and defaults, how the file calls it), in one sandbox job, and
grouped by identical behaviour — exceptions and argument changes count. Candidates that
print instead of returning, or return None on every input without changing an argument
(`xs.sort()` does something), are marked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lsp_codegen.actions.equivalence import run_harness
from lsp_codegen.actions.inputs import collect_inputs
from lsp_codegen.actions.target import target_at
from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.runnable import completed_function, runnable_module
from lsp_codegen.ranking.syntax import splice
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import Limits

INPUTS = 12
CALL_TIMEOUT_SECONDS = 0.25
LIMITS = Limits(cpu_seconds=10.0, wall_seconds=15.0)


@dataclass(frozen=True)
class Behaviour:
    """How one candidate behaved on every input."""

    signature: str | None  # the same string for the same behaviour; None: it did not load
    printed: bool = False
    returns_none: bool = False  # returned None, changing no argument, wherever it returned


@dataclass(frozen=True)
class Agreement:
    """What the candidates did on `inputs` shared inputs, by engine index."""

    inputs: int
    behaviours: dict[int, Behaviour]  # grouped (and weighted by votes) in score.with_agreement


async def agreement(
    sandbox: Sandbox, insertion: Insertion, candidates: Sequence[tuple[int, str]]
) -> Agreement | None:
    """Run the Python candidates `(engine index, text)` on shared inputs; None when there
    is nothing to compare (fewer than two runnable candidates of one function, no input
    that can be derived) or the run failed."""
    modules = _modules(insertion, candidates)
    if modules is None:
        return None
    name, sources = modules
    text = dict(candidates)[next(iter(sources))]
    target = target_at(splice(insertion, text).text, insertion.prefix.count("\n"))
    if target is None or target.name != name:
        return None
    inputs = collect_inputs(target, [insertion.prefix + insertion.suffix], INPUTS, large=0)
    if not inputs:
        return None
    return await _run(sandbox, name, sources, [item.arguments for item in inputs])


def _modules(
    insertion: Insertion, candidates: Sequence[tuple[int, str]]
) -> tuple[str, dict[int, str]] | None:
    """The function most candidates write, and each such candidate's runnable module;
    None when fewer than two do."""
    named: dict[int, tuple[str, str]] = {}
    for index, text in candidates:
        name = completed_function(insertion, text)
        module = runnable_module(insertion, text) if name else None
        if name and module:
            named[index] = (name, module)
    if not named:
        return None
    name = Counter(found for found, _ in named.values()).most_common(1)[0][0]
    sources = {index: module for index, (found, module) in named.items() if found == name}
    return (name, sources) if len(sources) >= 2 else None


async def _run(
    sandbox: Sandbox, name: str, sources: dict[int, str], inputs: list[str]
) -> Agreement | None:
    job: dict[str, object] = {
        "name": name,
        "modules": list(sources.values()),
        "inputs": inputs,
        "call_timeout": CALL_TIMEOUT_SECONDS,
    }
    report = await run_harness(sandbox, "lsp_codegen_behaviours", job, LIMITS)
    found = report.get("behaviours") if isinstance(report, dict) else None
    if not isinstance(found, list) or len(found) != len(sources):
        return None
    return Agreement(len(inputs), dict(zip(sources, map(_behaviour, found), strict=True)))


def _behaviour(found: object) -> Behaviour:
    if not isinstance(found, dict) or not isinstance(found.get("signature"), str):
        return Behaviour(None)
    return Behaviour(found["signature"], bool(found.get("printed")), bool(found.get("none")))
