"""Completion items: the label reads as the line will, the edit inserts the rest."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.context.document import Document
from lsp_codegen.ranking.score import RankedCandidate
from lsp_codegen.server.features.completion import completion_items
from lsp_codegen.server.inline_cache import Remainder

DOCUMENT = Document("file:///a.py", "python", 3, "def f(text):\n    r")
AT = types.Position(line=1, character=5)


def test_the_label_is_the_word_typed_and_the_rest_of_the_line() -> None:
    # A candidate generated after `r` continues the word: "eturn len(text)".
    candidate = RankedCandidate("eturn len(text)\n", -0.5, {}, 2)
    (item,) = completion_items(DOCUMENT, AT, [Remainder(candidate, "eturn len(text)\n")], "m", "r")
    assert item.label == "return len(text)"
    assert item.text_edit == types.TextEdit(
        range=types.Range(start=AT, end=AT), new_text="eturn len(text)\n"
    )
    assert item.detail is not None and item.detail.startswith("m · ")
    assert item.command is not None and item.command.arguments == [
        {"uri": "file:///a.py", "version": 3, "candidate": 2}
    ]
