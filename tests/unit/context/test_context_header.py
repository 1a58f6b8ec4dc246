"""A long Python file's cut-off start comes back as its imports and the definitions that the
code at the cursor mentions."""

from __future__ import annotations

from lsp_codegen.context.header import file_header
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.prompt import build_prompt
from lsp_codegen.context.types import Insertion

START = '''"""A module.

import this line is prose, not an import
"""

import os
import numpy as np, json
from typing import (
    Callable,
    List,
)
from . import sibling

MAX_ROWS = 100
UNUSED = 3


def parse_row(
    line: str, separator: str = ","
) -> List[str]:  # a long signature
    """Split one line."""
    return line.split(separator)


class Table(dict):
    rows = 0


def summarize(table):
    step_0 = 0
    step_1 = 1
    step_2 = 2
    step_3 = 3
    step_4 = 4
    step_5 = 5
    step_6 = 6
    step_7 = 7
    step_8 = 8
    step_9 = 9
    step_10 = 10
    step_11 = 11
    return table


def unrelated(x):
    return x
'''
FILLER = "".join(f"value_{i} = {i} * {i}  # filler line {i}\n" for i in range(300))
TAIL = "\n\n# read the file, parse_row each line, at most MAX_ROWS, into a Table\ndef load(path):\n"


def _words(text: str) -> int:
    """A stand-in tokenizer: one token per word or symbol."""
    return len(text.split())


def _insertion(text: str) -> Insertion:
    return locate_insertion(text, len(text), "python")


def test_imports_then_the_mentioned_definitions() -> None:
    topic = "parse_row each line, at most MAX_ROWS, into a Table, then summarize it"
    header = file_header(START, topic)
    assert header == (
        "import os\n"
        "import numpy as np, json\n"
        "from typing import (\n    Callable,\n    List,\n)\n"
        "from . import sibling\n"
        "\n"
        "MAX_ROWS = 100\n"
        'def parse_row(\n    line: str, separator: str = ","\n) -> List[str]:  # a long signature\n'
        '    """Split one line."""\n'
        "    return line.split(separator)\n"
        "class Table(dict):\n"
        "    rows = 0\n"
        "def summarize(table):\n"
        "    ...\n"  # longer than MAX_WHOLE_LINES: its header only
    )


def test_nothing_is_mentioned_and_nothing_imported() -> None:
    assert file_header("x = 1\ndef f():\n    return 2\n", "sum the squares") == ""
    assert file_header("import os\n", "sum") == "import os\n"


def test_prose_and_indented_lines_are_not_taken() -> None:
    inside = '"""\nimport os\ndef parse_row(x):\n"""\ndef g():\n    import sys\n'
    assert file_header(inside, "parse_row") == ""


def test_a_long_files_prompt_gets_the_header_of_what_its_budget_cut() -> None:
    insertion = _insertion(START + FILLER + TAIL)
    prompt = build_prompt(
        insertion, _words, 400, None, header_for=lambda cut: file_header(cut, TAIL)
    )
    assert prompt.header.startswith("import os\n") and "def parse_row(" in prompt.header
    assert "def unrelated" not in prompt.header and "UNUSED" not in prompt.header
    assert prompt.text == prompt.header + prompt.prefix
    assert prompt.text.endswith(TAIL) and _words(prompt.text) <= 400
    assert _words(prompt.header) <= 400 * 0.125
    assert "import os" not in prompt.prefix  # only what the budget cut off


def test_a_file_that_fits_gets_no_header() -> None:
    insertion = _insertion(START + TAIL)
    prompt = build_prompt(
        insertion, _words, 4000, None, header_for=lambda cut: file_header(cut, TAIL)
    )
    assert prompt.header == "" and prompt.text == START + TAIL


def test_typing_below_keeps_the_header_and_the_prompts_start() -> None:
    before = build_prompt(
        _insertion(START + FILLER + TAIL), _words, 400, None,
        header_for=lambda cut: file_header(cut, TAIL),
    )  # fmt: skip
    typed = START + FILLER + TAIL + "    rows = Table()\n    with open(path) as f:\n"
    after = build_prompt(
        _insertion(typed), _words, 400, None, header_for=lambda cut: file_header(cut, TAIL)
    )
    assert after.header == before.header
    assert after.text.startswith(before.header + before.prefix[:200])
