"""Shapes inferred from example values, and bounded values drawn from them."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from lsp_codegen.actions.shapes import Shape, draw, merge, shape_of

INT = Shape("int")
INTS = Shape("list", (INT,))

literals = st.recursive(
    st.integers(-5, 5) | st.text(max_size=3) | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=3).map(tuple) | st.lists(inner, max_size=3),
    max_leaves=8,
)


def test_shapes_of_example_values() -> None:
    assert shape_of(3) == INT
    assert shape_of(True) == Shape("bool")
    assert shape_of([1, 2]) == INTS
    assert shape_of([1, 2.5]) == Shape("list", (Shape("float"),))
    assert shape_of({"a": [1]}) == Shape("dict", (Shape("str"), INTS))
    assert shape_of((1, "a")) == Shape("tuple", (INT, Shape("str")))
    assert shape_of([1, "a"]) is None  # mixed lists are not guessed
    assert shape_of(object()) is None


def test_an_empty_list_takes_the_element_shape_of_another_example() -> None:
    assert merge(Shape("list"), INTS) == INTS
    assert merge(INT, Shape("str")) is None


def test_drawn_values_have_the_shape_and_respect_the_size() -> None:
    rng = random.Random(0)
    for _ in range(50):
        value = draw(Shape("list", (INTS,)), rng, 5)
        assert isinstance(value, list) and len(value) <= 5
        assert all(isinstance(item, list) and all(type(i) is int for i in item) for item in value)
    assert draw(Shape("set", (INT,)), rng, 4) <= set(range(-10, 11))  # type: ignore[operator]


def test_drawing_is_deterministic_for_a_seed() -> None:
    shape = Shape("dict", (Shape("str"), INTS))
    first = [draw(shape, random.Random(7), 6) for _ in range(3)]
    assert first == [draw(shape, random.Random(7), 6) for _ in range(3)]


@given(literals, st.integers(0, 2**32))
def test_every_drawn_value_has_the_shape_it_was_drawn_from(value: object, seed: int) -> None:
    shape = shape_of(value)
    if shape is None:
        return  # mixed containers have no shape
    drawn = draw(shape, random.Random(seed), 4)
    again = shape_of(drawn)
    assert again is not None and merge(shape, again) is not None, (value, drawn)
