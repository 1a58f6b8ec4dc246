"""Inputs to run a function on: its examples, calls in the workspace's tests, and
generated values shaped like those (or like its annotations and defaults).

An input is the source text of a call's arguments ("[1, 2], key=3"), run in the
function's module, so examples may use names the module defines. Generated inputs
are drawn with a fixed seed: the same function gets the same inputs every time.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lsp_codegen.actions.shapes import Shape, draw, merge, shape_of
from lsp_codegen.actions.target import Target
from lsp_codegen.ranking.examples import extract_examples
from lsp_codegen.ranking.pyparse import parse_quietly

# Sizes of generated containers: small ones for behaviour, a few big ones so that
# timing measures the algorithm rather than the call overhead.
SMALL_SIZE = 8
LARGE_SIZE = 400

_NAMED: list[tuple[str, Shape]] = [
    (r"^(n|k|i|j|m|count|num|number|size|limit|start|stop|step)$", Shape("int")),
    (r"^(s|text|word|string|name|line|sentence|prefix|suffix)$", Shape("str")),
    (
        r"^(xs|ys|zs|items|values|nums|numbers|lst|arr|array|seq|data|elements|a|b)$",
        Shape("list", (Shape("int"),)),
    ),
]
_ANNOTATED = {"int": "int", "float": "float", "str": "str", "bool": "bool", "bytes": "bytes"}
_CONTAINERS = {
    "list": "list",
    "List": "list",
    "Sequence": "list",
    "Iterable": "list",
    "set": "set",
    "Set": "set",
    "frozenset": "set",
    "tuple": "tuple",
    "Tuple": "tuple",
    "dict": "dict",
    "Dict": "dict",
    "Mapping": "dict",
}


@dataclass(frozen=True)
class Input:
    """One call's arguments as source text, and where they came from."""

    arguments: str  # e.g. "[1, 2], 3"
    origin: str  # "example", "test" or "generated"
    large: bool = False  # a big generated input, for timing

    def shown(self) -> str:
        """The arguments as a tuple, the way a user reads an input: "(0,)"."""
        if "=" in self.arguments or not self.arguments:
            return f"({self.arguments})"
        tree = parse_quietly(f"({self.arguments},)")
        single = tree is not None and _tuple_length(tree) == 1
        text = f"({self.arguments},)" if single else f"({self.arguments})"
        return text if len(text) <= 60 else text[:57] + "…)"


def collect_inputs(
    target: Target, test_sources: Iterable[str] = (), count: int = 40, large: int = 3
) -> list[Input]:
    """Up to `count` distinct inputs (examples first, then tests, then generated),
    plus up to `large` big generated ones."""
    found = [*example_inputs(target), *calls_in_tests(test_sources, target.name)]
    shapes = parameter_shapes(target, found)
    rng = random.Random(f"lsp-codegen:{target.name}")
    generated = generated_inputs(shapes, rng, SMALL_SIZE, count * 3) if shapes else []
    chosen = _distinct([*found, *generated])[:count]
    if shapes:
        chosen += generated_inputs(shapes, rng, LARGE_SIZE, large, large=True)
    return chosen


def example_inputs(target: Target) -> list[Input]:
    """Arguments of the calls to the function in its comment's and docstring's examples."""
    checks = extract_examples(target.description, "python", target.name)
    found: list[Input] = []
    for check in checks:
        tree = parse_quietly(check.source)
        if tree is not None:
            found += [Input(args, "example") for args in _call_arguments(tree, target.name)]
    return found


def calls_in_tests(sources: Iterable[str], name: str) -> list[Input]:
    """Arguments of calls to `name` in test files, when they are all literals."""
    found: list[Input] = []
    for source in sources:
        tree = parse_quietly(source) if name in source else None
        if tree is not None:
            found += [Input(args, "test") for args in _call_arguments(tree, name) if _literal(args)]
    return found


def parameter_shapes(target: Target, known: list[Input]) -> list[Shape] | None:
    """A shape per positional parameter, from literal example arguments, annotations,
    defaults or (last) the parameter's name; None when one cannot be told."""
    shapes: list[Shape] = []
    seen = _seen_shapes(known, len(target.parameters))
    for index, name in enumerate(target.parameters):
        shape = (
            seen[index]
            or _annotation_shape(target.annotations[index])
            or _default_shape(target.defaults[index])
            or _name_shape(name)
        )
        if shape is None:
            return None
        shapes.append(shape)
    return shapes


def generated_inputs(
    shapes: list[Shape], rng: random.Random, size: int, count: int, *, large: bool = False
) -> list[Input]:
    """`count` argument lists drawn from `shapes`."""
    drawn = []
    for _ in range(count):
        values = [repr(draw(shape, rng, size)) for shape in shapes]
        drawn.append(Input(", ".join(values), "generated", large))
    return drawn


def _call_arguments(tree: ast.Module, name: str) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _names(node.func, name):
            if any(isinstance(arg, ast.Starred) for arg in node.args):
                continue
            parts = [ast.unparse(arg) for arg in node.args]
            parts += [f"{kw.arg}={ast.unparse(kw.value)}" for kw in node.keywords if kw.arg]
            if len(parts) == len(node.args) + len(node.keywords):
                yield ", ".join(parts)


def _names(func: ast.expr, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def _literal_values(arguments: str) -> list[object] | None:
    """The positional argument values when every argument is a literal."""
    try:
        tree = ast.parse(f"({arguments},)", mode="eval")
        value = ast.literal_eval(tree)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None
    return list(value) if isinstance(value, tuple) else None


def _literal(arguments: str) -> bool:
    return _literal_values(arguments) is not None


def _seen_shapes(known: list[Input], width: int) -> list[Shape | None]:
    seen: list[Shape | None] = [None] * width
    failed = [False] * width
    for item in known:
        values = _literal_values(item.arguments)
        if values is None or len(values) != width:
            continue
        for index, value in enumerate(values):
            shape = shape_of(value)
            current = seen[index]
            merged = shape if current is None or shape is None else merge(current, shape)
            failed[index] = failed[index] or merged is None
            seen[index] = merged
    return [None if bad else shape for shape, bad in zip(seen, failed, strict=True)]


def _annotation_shape(annotation: str | None) -> Shape | None:
    if annotation is None:
        return None
    tree = parse_quietly(annotation)
    if tree is None or not tree.body or not isinstance(tree.body[0], ast.Expr):
        return None
    return _shape_of_type(tree.body[0].value)


def _shape_of_type(node: ast.expr) -> Shape | None:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    if isinstance(name, str) and name in _ANNOTATED:
        return Shape(_ANNOTATED[name])
    if not isinstance(node, ast.Subscript):
        return None
    outer = node.value.attr if isinstance(node.value, ast.Attribute) else None
    outer = outer or getattr(node.value, "id", None)
    kind = _CONTAINERS.get(outer or "")
    elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    items = [_shape_of_type(element) for element in elements]
    if kind is None or None in items:
        return None
    shapes = tuple(item for item in items if item)
    if kind == "tuple" and len(shapes) == 2 and ast.unparse(elements[1]) == "...":
        return None
    return Shape(kind, shapes[:1] if kind in {"list", "set"} else shapes)


def _default_shape(default: str | None) -> Shape | None:
    if default is None:
        return None
    values = _literal_values(default)
    shape = shape_of(values[0]) if values else None
    return None if shape is None or shape.kind == "none" else shape


def _name_shape(name: str) -> Shape | None:
    return next((shape for pattern, shape in _NAMED if re.match(pattern, name)), None)


def _distinct(inputs: list[Input]) -> list[Input]:
    seen: set[str] = set()
    kept = []
    for item in inputs:
        if item.arguments not in seen:
            seen.add(item.arguments)
            kept.append(item)
    return kept


def _tuple_length(tree: ast.Module) -> int:
    node = tree.body[0]
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Tuple):
        return len(node.value.elts)
    return -1
