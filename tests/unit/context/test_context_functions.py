"""Finding the function under the cursor and what its comment and docstring say."""

from __future__ import annotations

from lsp_codegen.context.functions import function_at

SOURCE = '''import math

# Return the n-th Fibonacci number.
# fib(10) == 55
def fib(n):
    """Iterative.

    >>> fib(1)
    1
    """
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

x = 1
'''


def test_function_under_the_cursor_with_its_comment_and_docstring() -> None:
    found = function_at(SOURCE, 11)
    assert found is not None and found.name == "fib"
    assert (found.first_line, found.last_line) == (4, 13)
    assert "fib(10) == 55" in found.description and ">>> fib(1)" in found.description


def test_outside_any_function_or_unparsable() -> None:
    assert function_at(SOURCE, 15) is None
    assert function_at("def broken(:\n", 0) is None
