"""Value shapes inferred from example values, and bounded random values of a shape.

A small, deterministic stand-in for Hypothesis strategies that the server can use
at run time: `shape_of(3)` is an int shape, `shape_of([1, 2])` a list of ints, and
`draw(shape, rng, size)` makes a new value of that shape whose containers hold at
most `size` items. Values are plain literals, so `repr()` of one is Python source.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

# Small ints make collisions (shared elements, duplicates) likely, which is where
# membership and de-duplication code differs. Big inputs get a wider range, but
# not one that scales with the size: an int may be a recursion depth or a loop
# count, and `fib(400)` written naively would never finish.
_INT_SPAN = 10
_LARGE_INT_SPAN = 25
_LARGE = 100
_ALPHABET = string.ascii_lowercase[:6] + " "


@dataclass(frozen=True)
class Shape:
    """The kind of a value; `items` are element shapes for containers."""

    kind: str  # "int" "float" "str" "bool" "none" "list" "tuple" "set" "dict" "bytes"
    items: tuple[Shape, ...] = ()


_SCALARS = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes"}


def shape_of(value: object) -> Shape | None:
    """The shape of a literal value; None for values this module cannot make."""
    if value is None:
        return Shape("none")
    for kind, name in _SCALARS.items():
        if type(value) is kind:
            return Shape(name)
    if isinstance(value, tuple):
        items = [shape_of(item) for item in value]
        return None if None in items else Shape("tuple", tuple(i for i in items if i))
    if isinstance(value, list | set | frozenset):
        return _container("list" if isinstance(value, list) else "set", list(value))
    if isinstance(value, dict):
        keys, values = _element(list(value)), _element(list(value.values()))
        if keys is None or values is None:
            return None
        return Shape("dict", (keys, values))
    return None


def merge(first: Shape, second: Shape) -> Shape | None:
    """One shape covering both, or None when they differ in kind."""
    if first == second:
        return first
    if first.kind != second.kind:
        return None
    if first.kind in {"list", "set", "dict"} and not (first.items and second.items):
        return first if first.items else second  # an empty container fits any elements
    if len(first.items) != len(second.items):
        return None
    items = [merge(a, b) for a, b in zip(first.items, second.items, strict=True)]
    return None if None in items else Shape(first.kind, tuple(i for i in items if i))


def draw(shape: Shape, rng: random.Random, size: int) -> object:
    """A random value of `shape`; containers hold 0 to `size` items."""
    span = _LARGE_INT_SPAN if size >= _LARGE else _INT_SPAN
    if shape.kind == "int":
        return rng.randint(-span, span)
    if shape.kind == "float":
        return round(rng.uniform(-span, span), 3)
    if shape.kind == "bool":
        return rng.random() < 0.5
    if shape.kind == "none":
        return None
    if shape.kind in {"str", "bytes"}:
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, size)))
        return text if shape.kind == "str" else text.encode()
    if shape.kind == "tuple":
        return tuple(draw(item, rng, size) for item in shape.items)
    return _draw_container(shape, rng, size)


def _draw_container(shape: Shape, rng: random.Random, size: int) -> object:
    count = rng.randint(0, size)
    if not shape.items:
        return set() if shape.kind == "set" else {} if shape.kind == "dict" else []
    if shape.kind == "dict":
        keys, values = shape.items
        return {_hashable(draw(keys, rng, 3)): draw(values, rng, 3) for _ in range(count)}
    element = shape.items[0]
    if element.kind == "int":
        # Elements of a container may spread with its size (few repeats in a big list).
        span = max(_INT_SPAN, size)
        drawn: list[object] = [rng.randint(-span, span) for _ in range(count)]
    else:
        small = max(3, size // 20)  # nested containers of a big list stay small
        drawn = [draw(element, rng, small if element.items else size) for _ in range(count)]
    if shape.kind == "set":
        return {_hashable(item) for item in drawn}
    return drawn


def _hashable(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, set | dict):
        return tuple(sorted(map(repr, value)))
    return value


def _container(kind: str, values: list[object]) -> Shape | None:
    if not values:
        return Shape(kind)
    element = _element(values)
    return None if element is None else Shape(kind, (element,))


def _element(values: list[object]) -> Shape | None:
    """One shape for every value in `values` (ints and floats merge to float)."""
    shapes = [shape_of(value) for value in values]
    if not shapes or None in shapes:
        return None
    kinds = {shape.kind for shape in shapes if shape}
    if kinds == {"int", "float"}:
        return Shape("float")
    merged: Shape | None = shapes[0]
    for shape in shapes[1:]:
        if merged is None or shape is None:
            return None
        merged = merge(merged, shape)
    return merged
