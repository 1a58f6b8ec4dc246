"""What runs when a candidate is checked: definitions yes, the user's script no."""

from __future__ import annotations

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.types import Insertion
from lsp_codegen.ranking.runnable import completed_function, runnable_module

DOCUMENT = (
    "import math\n"
    "LIMIT = 10\n"
    "\n"
    "def helper(x):\n"
    "    return x * 2\n"
    "\n"
    "# Return helper(n) plus pi.\n"
    "def f(n):\n"
    "\n"
    "\n"
    "print(f(3))\n"
    "main()\n"
)


def _at_body() -> Insertion:
    offset = DOCUMENT.index("\n\n\nprint") + 1
    return locate_insertion(DOCUMENT, offset, "python")


def test_keeps_imports_definitions_and_constants_but_not_calls() -> None:
    insertion = _at_body()
    module = runnable_module(insertion, "    return helper(n) + math.pi")
    assert module is not None
    namespace: dict[str, object] = {}
    exec(module, namespace)  # only definitions: nothing prints, main() is not called
    assert namespace["f"](1) == 2 + 3.141592653589793  # type: ignore[operator]
    assert "print" not in module and "main()" not in module


def test_a_candidate_that_breaks_the_module_is_not_runnable() -> None:
    insertion = _at_body()
    assert runnable_module(insertion, "    return (") is None


def test_completed_function_is_the_header_or_the_new_def() -> None:
    insertion = _at_body()
    assert completed_function(insertion, "    return 1") == "f"
    top = "# Add two numbers.\n"
    fresh = locate_insertion(top, len(top), "python")
    assert completed_function(fresh, "def add(a, b):\n    return a + b") == "add"
