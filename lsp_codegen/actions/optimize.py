"""Optimize (verified and measured): rewrites of a function that behave exactly like it
on every input and run faster beyond the noise; every other rewrite, with the reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lsp_codegen.actions.complete import complete, indented_block_end
from lsp_codegen.actions.equivalence import Comparison, Versions, compare
from lsp_codegen.actions.inputs import Input, collect_inputs
from lsp_codegen.actions.target import Target, replace_function
from lsp_codegen.actions.timing import format_speedup
from lsp_codegen.config import Settings
from lsp_codegen.engine.base import CancelToken, Engine
from lsp_codegen.ranking.normalize import normalized_ast
from lsp_codegen.ranking.runnable import definitions_only
from lsp_codegen.sandbox.sandbox import Sandbox

OnProgress = Callable[[str], None]

# Rejection reasons, in the order a summary lists them.
CHANGED = "changed behaviour"
NOT_FASTER = "not faster"
NO_PARSE = "did not parse"
SAME = "same as the original"
FAILED = "did not run"
UNVERIFIED = "could not be verified"
UNFINISHED = "unfinished"
_ORDER = (CHANGED, NOT_FASTER, NO_PARSE, SAME, UNFINISHED, FAILED, UNVERIFIED)
# Rewrites get more room than a completion: a whole body, not a line; and, being an
# explicit action with progress, more time (the `maxTimeMs` setting when it is longer).
MAX_NEW_TOKENS = 256
MAX_SECONDS = 120.0


@dataclass(frozen=True)
class Offered:
    """A verified rewrite: identical on every input, faster beyond the noise."""

    source: str  # the whole new function
    speedup: float
    identical: int  # inputs with identical behaviour

    def title(self) -> str:
        """The action title, e.g. "Optimize: 2.3× faster · identical on 40 inputs"."""
        return (
            f"Optimize: {format_speedup(self.speedup)} faster"
            f" · identical on {self.identical} input{'' if self.identical == 1 else 's'}"
        )


@dataclass(frozen=True)
class Refused:
    """A rewrite that is not offered, and why."""

    source: str
    reason: str  # one of the module's reason constants
    detail: str = ""  # the input it changed behaviour on, the speedup, the error


@dataclass(frozen=True)
class OptimizeReport:
    """Everything optimize found: the offers best first, the refusals, the inputs."""

    offered: list[Offered] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    inputs: int = 0

    def summary(self) -> str:
        """The best offer's title, or why nothing qualifies ("3 rewrites: 2 changed
        behaviour on input (0,), 1 not faster (1.02×)")."""
        if self.offered:
            return self.offered[0].title()
        total = len(self.refused)
        if not total:
            return "the model wrote no rewrite"
        counts = Counter(refused.reason for refused in self.refused)
        parts = []
        for reason in _ORDER:
            if counts[reason]:
                first = next(r for r in self.refused if r.reason == reason)
                detail = f" {first.detail}" if first.detail else ""
                parts.append(f"{counts[reason]} {reason}{detail}")
        return f"{total} rewrite{'' if total == 1 else 's'}: " + ", ".join(parts)


# One worked example: small base models follow a pattern far better than a request.
_EXAMPLE = """# Slow:
def missing(xs, ys):
    out = []
    for y in ys:
        if y not in xs:
            out.append(y)
    return out

# Fast, with exactly the same results:
def missing(xs, ys):
    present = set(xs)
    return [y for y in ys if y not in present]

"""


def optimize_prompt(target: Target) -> str:
    """A worked example, then the original, then its header to write a faster body under."""
    fast = "# Fast, with exactly the same results:"
    return f"{_EXAMPLE}# Slow:\n{target.source}\n{fast}\n{target.header}"


async def optimize(
    engine: Engine,
    settings: Settings,
    sandbox: Sandbox,
    text: str,
    target: Target,
    *,
    test_sources: Iterable[str] = (),
    on_progress: OnProgress | None = None,
    cancel: CancelToken | None = None,
) -> OptimizeReport:
    """Ask the engine for rewrites of `target` in document `text`, and verify them."""
    if not target.header:
        return OptimizeReport(refused=[Refused("", UNVERIFIED, "(a one-line function)")])
    inputs = collect_inputs(target, test_sources)
    prompt = optimize_prompt(target)
    rule = indented_block_end(_indent_of(target.header))
    bodies = await complete(
        engine,
        prompt,
        settings,
        rule,
        cancel,
        max_new_tokens=MAX_NEW_TOKENS,
        max_seconds=MAX_SECONDS,
    )
    rewrites = [
        target.header + body.text.rstrip() + "\n"
        for body in bodies
        if body.finished and body.text.strip()
    ]
    unfinished = _unfinished([target.header + body.text for body in bodies if not body.finished])
    report = await verify(sandbox, text, target, rewrites, inputs, on_progress)
    return OptimizeReport(report.offered, [*report.refused, *unfinished], report.inputs)


async def verify(
    sandbox: Sandbox,
    text: str,
    target: Target,
    rewrites: list[str],
    inputs: list[Input],
    on_progress: OnProgress | None = None,
) -> OptimizeReport:
    """Check each distinct rewrite against the original on `inputs`, one at a time
    (so timings never share the machine with another run)."""
    original = definitions_only(text) or ""
    offered: list[Offered] = []
    refused: list[Refused] = []
    distinct = _distinct(rewrites, target)
    for number, (rewrite, problem) in enumerate(distinct, start=1):
        if problem is not None:
            refused.append(problem)
            continue
        module = definitions_only(replace_function(text, target, rewrite)) or ""
        versions = Versions(target.name, original, module)
        comparison = await compare(sandbox, versions, inputs)
        outcome = judge(rewrite, comparison)
        if isinstance(outcome, Offered):
            offered.append(outcome)
        else:
            refused.append(outcome)
        if on_progress is not None:
            on_progress(f"rewrite {number}/{len(distinct)}: {_describe(outcome)}")
    offered.sort(key=lambda offer: -offer.speedup)
    return OptimizeReport(offered, refused, len(inputs))


def judge(rewrite: str, comparison: Comparison) -> Offered | Refused:
    """Offer a rewrite only when it was identical on every input and measured faster."""
    if comparison.error is not None:
        return Refused(rewrite, FAILED, f"({comparison.error})")
    if comparison.mismatch is not None:
        mismatch = comparison.mismatch
        detail = (
            f"on input {mismatch.input.shown()}"
            f" (original {mismatch.original}, rewrite {mismatch.rewrite})"
        )
        return Refused(rewrite, CHANGED, detail)
    if comparison.returned == 0:
        why = "(no input on which the original returns a value)"
        return Refused(rewrite, UNVERIFIED, why)
    timing = comparison.timing
    if timing is None or not timing.faster:
        speed = f"({format_speedup(timing.speedup)})" if timing is not None else ""
        return Refused(rewrite, NOT_FASTER, speed)
    return Offered(rewrite, timing.speedup, comparison.identical)


def _distinct(rewrites: list[str], target: Target) -> list[tuple[str, Refused | None]]:
    """Each rewrite once (by normalized AST), with a refusal when it cannot be run."""
    original = normalized_ast(target.source, "python")
    seen: set[str] = set()
    kept: list[tuple[str, Refused | None]] = []
    for rewrite in rewrites:
        key = normalized_ast(rewrite, "python")
        if (key or rewrite) in seen:
            continue
        seen.add(key or rewrite)
        if key is None:
            kept.append((rewrite, Refused(rewrite, NO_PARSE)))
        elif key == original:
            kept.append((rewrite, Refused(rewrite, SAME)))
        else:
            kept.append((rewrite, None))
    return kept


def _unfinished(texts: list[str]) -> list[Refused]:
    """Rewrites cut off by the token or time budget, once each."""
    why = f"(cut off after {MAX_NEW_TOKENS} tokens or {MAX_SECONDS:g} s)"
    return [Refused(text, UNFINISHED, why) for text in dict.fromkeys(texts)]


def _describe(outcome: Offered | Refused) -> str:
    if isinstance(outcome, Offered):
        return f"{format_speedup(outcome.speedup)} faster"
    return f"{outcome.reason} {outcome.detail}".strip()


def _indent_of(header: str) -> str:
    first = header.splitlines()[0] if header else ""
    return first[: len(first) - len(first.lstrip())]
