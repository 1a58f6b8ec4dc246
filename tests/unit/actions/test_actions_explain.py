"""Explanations: cleaned words, comment blocks that are comments only."""

from __future__ import annotations

from lsp_codegen.actions.explain import (
    clean_explanation,
    comment_block,
    explain_prompt,
    explanation_end,
    only_comments,
)


def test_the_prompt_starts_the_explanation_in_a_comment() -> None:
    prompt = explain_prompt("def f():\n    pass\n", "python", "f")
    assert prompt.endswith("\n\n# In short, `f` ")
    assert explain_prompt("x = 1", "go", None).endswith("// In short, the code above ")


def test_the_explanation_ends_at_a_blank_line_or_code() -> None:
    assert explanation_end("returns one.") is None
    assert explanation_end("returns one.\n\n") == len("returns one.")
    text = "returns one.\n# Then two.\ndef g():\n"
    assert explanation_end(text) == len("returns one.\n# Then two.")


def test_words_are_cleaned_and_cut_to_a_few_sentences() -> None:
    text = "returns  the sum.\n# It loops once. It is fast. It is short. Extra."
    assert clean_explanation(text, "`f`") == "`f` returns the sum. It loops once. It is fast."
    assert clean_explanation("   \n#  ", "`f`") == ""
    assert clean_explanation("x " * 400).endswith("…")


def test_comment_blocks_use_the_languages_syntax() -> None:
    assert comment_block("Adds two numbers.", "python", "    ") == "    # Adds two numbers.\n"
    assert comment_block("Adds.", "rust", "") == "// Adds.\n"
    assert comment_block("Shows a box.", "html", "") == "<!-- Shows a box. -->\n"
    assert comment_block("Ends --> here.", "html", "") is None  # would close the comment


def test_long_explanations_wrap_into_several_comment_lines() -> None:
    block = comment_block("word " * 60, "python", "")
    assert block is not None and len(block.splitlines()) > 2
    assert all(len(line) <= 88 for line in block.splitlines())


def test_only_comments_refuses_anything_else() -> None:
    assert only_comments("# one\n    # two\n", "python")
    assert not only_comments("# one\nx = 1\n", "python")
    assert not only_comments('"""text"""\n', "python")  # a string is code, not a comment
    assert only_comments("// a\n// b\n", "javascript")
    assert not only_comments("// a\nb\n", "javascript")
    assert only_comments("<!-- a -->\n", "html")
    assert not only_comments("<!-- a --> b <!-- c -->\n", "html")
