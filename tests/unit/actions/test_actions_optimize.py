"""Optimize's verification in a real sandbox: identical on every input and faster, or
refused with the reason."""

from __future__ import annotations

from lsp_codegen.actions.complete import indented_block_end
from lsp_codegen.actions.equivalence import Comparison, Versions, compare
from lsp_codegen.actions.inputs import Input, collect_inputs
from lsp_codegen.actions.optimize import OptimizeReport, Refused, judge, optimize_prompt, verify
from lsp_codegen.actions.target import Target, target_at
from lsp_codegen.actions.timing import Timing
from lsp_codegen.sandbox.sandbox import Sandbox

SLOW = '''def common(xs, ys):
    """Items of xs also in ys.

    >>> common([1, 2, 3], [3, 1])
    [1, 3]
    """
    out = []
    for x in xs:
        if x in ys:
            out.append(x)
    return out
'''
FAST = "    seen = set(ys)\n    return [x for x in xs if x in seen]\n"
SORTED = "    return sorted(set(xs) & set(ys))\n"
SAME_SPEED = "    return [x for x in xs if x in ys]\n"


def _target() -> Target:
    target = target_at(SLOW, 8)
    assert target is not None
    return target


async def test_a_faster_identical_rewrite_is_offered(sandbox: Sandbox) -> None:
    target = _target()
    inputs = collect_inputs(target)
    report = await verify(sandbox, SLOW, target, [target.header + FAST], inputs)
    (offer,) = report.offered
    assert offer.speedup > 1.5 and offer.identical == len(inputs) == 43
    assert offer.title().startswith("Optimize: ") and "faster · identical on 43 inputs" in (
        offer.title()
    )
    assert report.summary() == offer.title()


async def test_wrong_and_slow_rewrites_are_refused_with_reasons(sandbox: Sandbox) -> None:
    target = _target()
    rewrites = [target.header + body for body in (SORTED, SAME_SPEED, "    return (\n")]
    rewrites.append(target.source)  # the original itself, as a model may write it
    report = await verify(sandbox, SLOW, target, rewrites, collect_inputs(target))
    assert not report.offered
    summary = report.summary()
    assert summary.startswith("4 rewrites: 1 changed behaviour on input ("), summary
    assert "1 not faster (" in summary and "1 did not parse" in summary
    assert "1 same as the original" in summary


async def test_argument_mutation_exceptions_and_hangs_are_behaviour(sandbox: Sandbox) -> None:
    original = "def f(xs):\n    xs.sort()\n    return 1 // len(xs)\n"
    inputs = [Input("[2, 1]", "example"), Input("[]", "example")]

    async def run(rewrite: str) -> Comparison:
        return await compare(sandbox, Versions("f", original, rewrite), inputs, time_them=False)

    mutated = await run("def f(xs):\n    return 1 // len(xs)\n")
    assert mutated.mismatch is not None and mutated.mismatch.input.arguments == "[2, 1]"
    other_error = await run("def f(xs):\n    xs.sort()\n    return 1 // len(xs) if xs else [][0]\n")
    assert other_error.mismatch is not None
    assert other_error.mismatch.original == "raised ZeroDivisionError"
    assert other_error.mismatch.rewrite == "raised IndexError"
    hangs = await run("def f(xs):\n    while len(xs) > 1:\n        pass\n")
    assert hangs.mismatch is not None and hangs.mismatch.rewrite == "did not finish in 1 s"
    same = await run("def f(xs):\n    xs.sort()\n    return 1 // len(xs)\n")
    assert (same.mismatch, same.identical, same.returned) == (None, 2, 1)


async def test_a_rewrite_that_does_not_load_is_reported(sandbox: Sandbox) -> None:
    versions = Versions("f", "def f():\n    return 1\n", "import no_such_module\ndef f(): pass\n")
    comparison = await compare(sandbox, versions, [Input("", "example")])
    assert comparison.error is not None and "does not load" in comparison.error


def test_nothing_is_verified_when_the_original_never_returns() -> None:
    outcome = judge("def f(): pass", Comparison(identical=3, returned=0))
    assert isinstance(outcome, Refused) and outcome.reason == "could not be verified"


def test_not_faster_when_the_timings_overlap() -> None:
    timing = Timing((1.0, 1.0, 1.0), (0.99, 1.0, 1.01))
    outcome = judge("def f(): pass", Comparison(identical=3, returned=3, timing=timing))
    assert isinstance(outcome, Refused) and outcome.detail == "(1.00\u00d7)"


def test_an_empty_report_says_the_model_wrote_nothing() -> None:
    assert OptimizeReport().summary() == "the model wrote no rewrite"


def test_the_prompt_shows_the_original_and_ends_with_its_header() -> None:
    target = _target()
    prompt = optimize_prompt(target)
    assert f"# Slow:\n{SLOW}" in prompt and prompt.endswith(target.header)


def test_a_rewritten_body_ends_at_the_first_line_back_at_the_header_indent() -> None:
    rule = indented_block_end("")
    assert rule("    a = 1\n") is None
    assert rule("    a = 1\n\n    return a\ndef g") is None  # the last line is incomplete
    assert rule("    a = 1\n\n    return a\nprint(1)\n") == len("    a = 1\n\n    return a\n")
