"""Documents, incremental edits and the document store."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_codegen.context.document import Document, DocumentStore

# Pieces that stress positions: astral emoji, CJK, combining marks, every LSP
# terminator, and characters str.splitlines would wrongly treat as breaks.
PIECES = ["a", "Z", " ", "é", "漢", "😀", "🇫🇷", "e\u0301", "\r\n", "\r", "\n", "\u2028", "\x0c"]
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """LSP position of `offset`, computed independently of the code under test."""
    line, line_start, index = 0, 0, 0
    while index < offset:
        step = 2 if text.startswith("\r\n", index) else 1
        if text[index] in "\r\n":
            line, line_start = line + 1, index + step
        index += step
    segment = text[line_start:offset]
    if encoding == "utf-8":
        return line, len(segment.encode("utf-8"))
    if encoding == "utf-16":
        return line, len(segment.encode("utf-16-le")) // 2
    return line, len(segment)


def not_inside_crlf(text: str, offset: int) -> int:
    """`offset`, moved before the "\\r" when it falls between "\\r" and "\\n"."""
    return (
        offset - 1 if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n" else offset
    )


texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
edits = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), texts),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None, database=None)
@given(initial=texts, edit_list=edits, encoding=st.sampled_from(ENCODINGS))
def test_random_edits_match_reference(
    initial: str, edit_list: list[tuple[int, int, str]], encoding: str
) -> None:
    document = Document("file:///t.py", "python", 1, initial)
    reference = initial
    for raw_start, raw_end, new_text in edit_list:
        start = not_inside_crlf(reference, raw_start % (len(reference) + 1))
        end = not_inside_crlf(reference, raw_end % (len(reference) + 1))
        start, end = min(start, end), max(start, end)
        document = document.apply_change(
            reference_position(reference, start, encoding),
            reference_position(reference, end, encoding),
            new_text,
            encoding,
        )
        reference = reference[:start] + new_text + reference[end:]
        assert document.text == reference


@settings(max_examples=200, deadline=None, database=None)
@given(text=texts, raw=st.integers(0, 10_000), encoding=st.sampled_from(ENCODINGS))
def test_positions_match_reference(text: str, raw: int, encoding: str) -> None:
    offset = not_inside_crlf(text, raw % (len(text) + 1))
    document = Document("file:///t.py", "python", 1, text)
    position = reference_position(text, offset, encoding)
    assert document.line_index.position_at(offset, encoding) == position
    assert document.line_index.offset_at(*position, encoding) == offset


def test_full_replace_when_range_is_none() -> None:
    document = Document("u", "python", 1, "old")
    assert document.apply_change(None, None, "new", "utf-16").text == "new"


def test_edit_returns_new_document_and_keeps_old() -> None:
    document = Document("u", "python", 3, "hello 😀 world")
    edited = document.apply_change((0, 6), (0, 8), "🙂", "utf-16")
    assert edited.text == "hello 🙂 world"
    assert edited.version == 3
    assert document.text == "hello 😀 world"
    assert edited.line_index.text == edited.text


def test_reversed_range_is_reordered() -> None:
    document = Document("u", "c", 1, "abcdef")
    assert document.apply_change((0, 4), (0, 1), "-", "utf-32").text == "a-ef"


def test_store_open_change_close() -> None:
    store = DocumentStore()
    store.open("file:///a.go", "go", 1, "package main\r\n")
    changed = store.change(
        "file:///a.go",
        2,
        [(((1, 0), (1, 0)), "func main() {}\n"), (((0, 8), (0, 12)), "app")],
        "utf-8",
    )
    assert changed is not None
    assert changed.text == "package app\r\nfunc main() {}\n"
    assert changed.version == 2
    assert store.get("file:///a.go") == changed
    assert store.uris() == ["file:///a.go"]
    store.close("file:///a.go")
    assert store.get("file:///a.go") is None
    store.close("file:///a.go")


def test_store_full_replace_and_unknown_uri() -> None:
    store = DocumentStore()
    store.open("u", "python", 1, "a")
    replaced = store.change("u", 5, [(None, "b")])
    assert replaced is not None and replaced.text == "b" and replaced.version == 5
    assert store.change("missing", 1, [(None, "x")]) is None


def test_unknown_encoding_raises() -> None:
    with pytest.raises(ValueError):
        Document("u", "python", 1, "a").apply_change((0, 0), (0, 0), "x", "latin-1")
