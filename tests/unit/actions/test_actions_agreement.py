"""Candidates grouped by what they do on derived inputs, in a real sandbox: agreeing
ones, exceptions as behaviour, printers and None-returners marked."""

from __future__ import annotations

import time

from lsp_codegen.actions.agreement import agreement
from lsp_codegen.context.types import Insertion, Mode
from lsp_codegen.sandbox.sandbox import Sandbox

# A comment prompt with no example: the inputs come from the type hints.
PREFIX = "# the sum of the squares of xs\ndef sum_squares(xs: list[int]) -> int:\n"
BODY = Insertion(0, Mode.BLOCK, "    ", PREFIX, "\n", "python")


async def test_candidates_that_do_the_same_agree(sandbox: Sandbox) -> None:
    candidates = [
        (0, "    return sum(x * x for x in xs)"),
        (1, "    total = 0\n    for x in xs:\n        total += x ** 2\n    return total"),
        (2, "    return sum(xs) ** 2"),  # likelier, perhaps, but alone
        (3, "    print(sum(x * x for x in xs))"),
        (4, "    return xs[10]"),  # raises IndexError on short lists: a behaviour too
    ]
    found = await agreement(sandbox, BODY, candidates)
    assert found is not None and found.inputs >= 5
    signatures = [found.behaviours[i].signature for i in range(5)]
    # 0 and 1 alike; 2, 3 and 4 each alone: four behaviours, all of them run.
    assert None not in signatures and signatures[0] == signatures[1]
    assert len(set(signatures)) == 4
    assert found.behaviours[3].printed and found.behaviours[3].returns_none
    assert not found.behaviours[0].printed and not found.behaviours[0].returns_none
    assert not found.behaviours[4].returns_none  # it raised; it never returned None


async def test_a_function_that_works_in_place_is_not_marked_as_doing_nothing(
    sandbox: Sandbox,
) -> None:
    prefix = "# sort xs in place\ndef sort_in_place(xs: list[int]) -> None:\n"
    in_place = Insertion(0, Mode.BLOCK, "    ", prefix, "\n", "python")
    candidates = [(0, "    xs.sort()"), (1, "    xs[:] = sorted(xs)"), (2, "    sorted(xs)")]
    found = await agreement(sandbox, in_place, candidates)
    assert found is not None
    assert found.behaviours[0].signature == found.behaviours[1].signature
    assert not found.behaviours[0].returns_none and not found.behaviours[1].returns_none
    assert found.behaviours[2].returns_none  # None, and xs as it was: it does nothing


async def test_a_candidate_that_does_not_load_agrees_with_none(sandbox: Sandbox) -> None:
    # Top-level calls are left out of the module, but an assignment runs when it loads.
    candidates = [(0, "    return len(xs)"), (1, "    return len(xs)\nLIMIT = undefined_name")]
    found = await agreement(sandbox, BODY, candidates)
    assert found is not None
    assert found.behaviours[0].signature is not None and found.behaviours[1].signature is None


async def test_a_candidate_that_hangs_waits_once_not_on_every_input(sandbox: Sandbox) -> None:
    hangs = "    while True:\n        pass"
    candidates = [(0, "    return len(xs)"), (1, hangs), (2, hangs), (3, hangs)]
    started = time.monotonic()
    found = await agreement(sandbox, BODY, candidates)
    # One 0.25 s timeout each, not one per input (at least 3 x 12 x 0.25 = 9 s).
    assert time.monotonic() - started < 4.5
    assert found is not None and found.inputs >= 5
    assert found.behaviours[1].signature == found.behaviours[3].signature
    assert found.behaviours[1].signature not in (None, found.behaviours[0].signature)


async def test_nothing_to_compare_without_inputs_or_with_one_candidate(sandbox: Sandbox) -> None:
    untyped = Insertion(0, Mode.BLOCK, "    ", "def f(thing):\n", "\n", "python")
    assert await agreement(sandbox, untyped, [(0, "    return 1"), (1, "    return 2")]) is None
    assert await agreement(sandbox, BODY, [(0, "    return 0")]) is None
