"""Inputs: the docstring's examples, literal calls in tests, generated values."""

from __future__ import annotations

import random

from lsp_codegen.actions.inputs import (
    Input,
    calls_in_tests,
    collect_inputs,
    example_inputs,
    generated_inputs,
    parameter_shapes,
)
from lsp_codegen.actions.shapes import Shape
from lsp_codegen.actions.target import Target, target_at

SOURCE = '''def pairs(xs, k):
    """Pairs of xs that sum to k.

    >>> pairs([1, 2, 3], 4)
    [(1, 3)]

    Also pairs([], 0) == [].
    """
    return []
'''


def _target(source: str = SOURCE) -> Target:
    target = target_at(source, 1)
    assert target is not None
    return target


def test_examples_give_their_arguments() -> None:
    assert [i.arguments for i in example_inputs(_target())] == ["[1, 2, 3], 4", "[], 0"]


def test_only_literal_calls_in_tests_count() -> None:
    tests = "def test_it():\n    assert pairs([5], 5) == []\n    assert pairs(make(), 1)\n"
    assert [i.arguments for i in calls_in_tests([tests], "pairs")] == ["[5], 5"]


def test_shapes_come_from_examples_then_annotations_defaults_and_names() -> None:
    target = _target()
    assert parameter_shapes(target, example_inputs(target)) == [
        Shape("list", (Shape("int"),)),
        Shape("int"),
    ]
    annotated = _target("def f(a: dict[str, int], flag=True, text=None):\n    pass\n")
    assert parameter_shapes(annotated, []) == [
        Shape("dict", (Shape("str"), Shape("int"))),
        Shape("bool"),
        Shape("str"),
    ]
    assert parameter_shapes(_target("def f(mystery):\n    pass\n"), []) is None


def test_collected_inputs_are_bounded_distinct_and_the_same_every_time() -> None:
    inputs = collect_inputs(_target(), count=20, large=2)
    assert [i.origin for i in inputs[:2]] == ["example", "example"]
    small = [i for i in inputs if not i.large]
    assert len(small) == 20 and len({i.arguments for i in small}) == 20
    assert [i.large for i in inputs[-2:]] == [True, True]
    assert collect_inputs(_target(), count=20, large=2) == inputs


def test_large_inputs_are_large() -> None:
    shapes = [Shape("list", (Shape("int"),))]
    drawn = generated_inputs(shapes, random.Random(1), 400, 5, large=True)
    assert max(i.arguments.count(",") for i in drawn) > 100


def test_inputs_are_shown_as_argument_tuples() -> None:
    assert Input("0", "example").shown() == "(0,)"
    assert Input("[1], 2", "example").shown() == "([1], 2)"
    assert Input("x=1", "example").shown() == "(x=1)"
