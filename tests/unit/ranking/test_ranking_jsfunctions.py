"""The JavaScript or TypeScript function around a line, with the comment above it."""

from __future__ import annotations

import pytest

from lsp_codegen.ranking.jsfunctions import js_function_at

SOURCE = """import x from 'y';

/**
 * Sum of squares.
 * @example
 * sumOfSquares([1, 2, 3]) // => 14
 */
export function sumOfSquares(xs) {
  return xs.reduce((a, v) => a + v * v, 0);
}

// twice(2) === 4

const twice = (n) => 2 * n;
class Box {
  // get(1) === 1
  get(k) { return k; }
}
"""


@pytest.mark.parametrize(
    ("line", "name", "first", "description"),
    [
        (8, "sumOfSquares", 7, "Sum of squares.\n@example\nsumOfSquares([1, 2, 3]) // => 14"),
        (7, "sumOfSquares", 7, "Sum of squares.\n@example\nsumOfSquares([1, 2, 3]) // => 14"),
        (13, "twice", 13, ""),  # a blank line parts the comment from the function
        (16, "get", 16, "get(1) === 1"),
    ],
)
def test_function_and_its_comment(line: int, name: str, first: int, description: str) -> None:
    found = js_function_at(SOURCE, line, "javascript")
    assert found is not None
    assert (found.name, found.first_line, found.description) == (name, first, description)


def test_outside_every_function() -> None:
    assert js_function_at(SOURCE, 0, "javascript") is None
    assert js_function_at(SOURCE, 11, "typescript") is None
