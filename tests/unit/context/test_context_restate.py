"""The comment above an empty Python function, restated as its docstring in the prompt."""

from __future__ import annotations

import pytest

from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.prompt import build_prompt
from lsp_codegen.context.restate import docstring_restatement
from lsp_codegen.context.types import Insertion
from tests.unit.context.test_context_prompt import FakeWhitespaceTokenizer


def at_end(text: str, language: str = "python") -> Insertion:
    """The insertion for a cursor at the end of `text`."""
    return locate_insertion(text, len(text), language)


@pytest.mark.parametrize(
    ("document", "restated"),
    [
        # The cursor at the end of the header: the body's line break comes as `leading`.
        ("# Return the square of n.\ndef square(n):", '"""Return the square of n."""\n    '),
        # On the body's empty line, after a long signature and a decorator.
        (
            "# Return the square\n# of n.\n@cache\n"
            "def square(n: int,\n           m: int) -> int:\n    ",
            '"""Return the square\n    of n."""\n    ',
        ),
        ("# Say hi.\r\ndef f():\r\n    ", '"""Say hi."""\r\n    '),
        ("class A:\n    # Double it.\n    def f(self, x):\n        ", '"""Double it."""\n        '),
        ('# Quote """this""".\ndef f():\n    ', "'''Quote \"\"\"this\"\"\".'''\n    "),
    ],
)
def test_the_comment_above_an_empty_def_becomes_its_docstring(document: str, restated: str) -> None:
    assert docstring_restatement(at_end(document)) == restated


@pytest.mark.parametrize(
    ("document", "language"),
    [
        ('def f(n):\n    """Already a docstring."""\n    ', "python"),  # a docstring prompt
        ("x = 1\n# Sum of a list.\n", "python"),  # a comment with no function
        ("# Sum.\ndef f(xs):\n    total = 0\n    ", "python"),  # the body has begun
        ("# Sum.\nclass Sum:\n    ", "python"),  # a class, not a function
        ("// Sum.\nfunction f(xs) {\n  ", "javascript"),  # Python only
        ("# Both \"\"\" and '''.\ndef f():\n    ", "python"),  # no quotes left to use
    ],
)
def test_no_restatement_where_it_does_not_fit(document: str, language: str) -> None:
    assert docstring_restatement(at_end(document, language)) == ""


def test_the_prompt_reads_it_after_the_cursor_and_counts_it() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    located = at_end("# Return the square of n.\ndef square(n):")
    restated = docstring_restatement(located)
    plain = build_prompt(located, tokenizer.count, 100, None)
    prompt = build_prompt(located, tokenizer.count, 100, None, restated=restated)
    assert prompt.text == plain.text + restated
    assert prompt.text.endswith('def square(n):\n    """Return the square of n."""\n    ')
    assert prompt.prefix == plain.prefix  # the document itself is not changed
    tight = build_prompt(located, tokenizer.count, 8, None, restated=restated)
    assert tokenizer.count(tight.text) <= 8 and tight.text.endswith(restated)
