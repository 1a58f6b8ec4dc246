"""In-context examples: the workspace's nearest short functions, else a built-in one."""

from __future__ import annotations

import ast

from lsp_codegen.context.incontext import in_context_examples
from lsp_codegen.context.insertion import locate_insertion
from lsp_codegen.context.types import Insertion

COMMENT_PROMPT = "# Parse a date written as text.\ndef parse_day(text):"
DOCSTRING_PROMPT = 'def parse_day(text):\n    """Parse a date written as text."""\n    '

DATES = (
    '''import datetime


def parse_date(text):
    """Parse an ISO date written as text."""
    return datetime.date.fromisoformat(text)


# The area of a rectangle.
def area(width, height):
    return width * height


def undocumented(x):
    return x + 1


def long_one(x):
    """Too long to teach."""
'''
    + "".join(f"    x += {i}\n" for i in range(12))
    + "    return x\n"
)

SHAPES = (
    "# The perimeter of a rectangle.\n"
    "def perimeter(width, height):\n    return 2 * (width + height)\n"
)


def at_end(text: str, language: str = "python") -> Insertion:
    """The insertion for a cursor at the end of `text`."""
    return locate_insertion(text, len(text), language)


def test_the_nearest_workspace_function_comes_first() -> None:
    chosen = in_context_examples(at_end(COMMENT_PROMPT), [SHAPES, DATES], 2)
    assert chosen[0].startswith('def parse_date(text):\n    """Parse an ISO date')
    assert chosen[0].endswith("fromisoformat(text)\n\n\n")
    assert len(chosen) == 2 and chosen[1].startswith("# The ")  # a comment above counts


def test_only_short_functions_that_say_what_they_do() -> None:
    chosen = in_context_examples(at_end(COMMENT_PROMPT), [DATES], 2)
    assert not any("undocumented" in text or "long_one" in text for text in chosen)


def test_a_function_already_in_the_other_files_context_is_skipped() -> None:
    snippet = "# File: dates.py\n" + DATES
    chosen = in_context_examples(at_end(COMMENT_PROMPT), [DATES, SHAPES], 1, avoid=[snippet])
    assert chosen == [SHAPES + "\n\n"]


def test_without_workspace_functions_the_built_in_in_the_prompts_form() -> None:
    broken = "def broken(:\n"
    as_comment = in_context_examples(at_end(COMMENT_PROMPT), [broken], 1)
    assert as_comment[0].startswith("# Return the largest number in a non-empty list.\ndef ")
    as_docstring = in_context_examples(at_end(DOCSTRING_PROMPT), [], 2)
    assert as_docstring[0].startswith('def largest(numbers):\n    """Return the largest')
    for example in (as_comment[0], as_docstring[0]):
        namespace: dict[str, object] = {}
        exec(compile(ast.parse(example), "<example>", "exec"), namespace)
        assert (
            namespace["largest"](  # type: ignore[operator]
                [3, 9, 2]
            )
            == 9
        )


def test_javascript_gets_its_built_in_and_other_languages_none() -> None:
    javascript = in_context_examples(at_end("// Sum.\nfunction f(xs) {\n  ", "javascript"), [], 1)
    assert javascript[0].startswith("// Return the largest number in a non-empty array.\n")
    assert javascript[0].rstrip().endswith("return best;\n}")
    assert in_context_examples(at_end("-- Sum.\n", "sql"), [], 1) == []


def test_none_when_asked_for_none() -> None:
    assert in_context_examples(at_end(COMMENT_PROMPT), [DATES], 0) == []


def test_typing_below_the_comment_keeps_the_choice() -> None:
    # The prompt's start (the examples) must stay put while code is typed under the comment.
    first = in_context_examples(at_end(DOCSTRING_PROMPT), [SHAPES, DATES], 1)
    typed = in_context_examples(at_end(DOCSTRING_PROMPT + "width = area("), [SHAPES, DATES], 1)
    assert first == typed and first[0].startswith("def parse_date(")


def test_the_function_being_written_is_what_it_is_about() -> None:
    # A docstring over several lines counts whole; the code below it does not.
    prompt = 'def f(x):\n    """Compute the\n    perimeter.\n    """\n    area = 1\n    '
    assert in_context_examples(at_end(prompt), [DATES, SHAPES], 1)[0] == SHAPES + "\n\n"
    after_one_line = 'def f(x):\n    """The perimeter."""\n    parse_date = 1\n    '
    assert in_context_examples(at_end(after_one_line), [DATES, SHAPES], 1)[0] == SHAPES + "\n\n"


def test_the_lines_after_an_accepted_body_get_the_same_built_in() -> None:
    # Speculation reads the prompt after accepting: its start must be the shown one's.
    accepted = DOCSTRING_PROMPT + "return text.split('-')\n    "
    assert in_context_examples(at_end(accepted), [], 1) == in_context_examples(
        at_end(DOCSTRING_PROMPT), [], 1
    )
