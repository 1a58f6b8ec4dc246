"""The function an action works on."""

from __future__ import annotations

from lsp_codegen.actions.target import body_indent, replace_function, split_lines, target_at

SOURCE = '''import math


@staticmethod
def area(r: float, scale=2):
    """Area of a circle."""
    return math.pi * r * r


class Box:
    def size(self):
        return 1
'''


def test_a_top_level_function_with_its_decorator_docstring_and_parameters() -> None:
    target = target_at(SOURCE, 6)
    assert target is not None
    assert (target.name, target.first_line, target.last_line) == ("area", 3, 6)
    docstring = '    """Area of a circle."""\n'
    assert target.header == "@staticmethod\ndef area(r: float, scale=2):\n" + docstring
    assert target.parameters == ("r", "scale")
    assert target.annotations == ("float", None)
    assert target.defaults == (None, "2")
    assert body_indent(target) == "    "


def test_methods_and_code_outside_functions_are_not_targets() -> None:
    assert target_at(SOURCE, 11) is None
    assert target_at(SOURCE, 0) is None
    assert target_at("def broken(:\n", 0) is None


def test_replace_function_keeps_everything_around_it() -> None:
    target = target_at(SOURCE, 4)
    assert target is not None
    after = replace_function(SOURCE, target, "def area(r, scale=2):\n    return 0")
    assert after.startswith("import math\n\n\ndef area(r, scale=2):\n    return 0\n\n\nclass Box")


def test_lines_split_where_python_and_lsp_split_them() -> None:
    assert split_lines("a\r\nb\rc\x0cd\n") == ["a\r\n", "b\r", "c\x0cd\n"]
