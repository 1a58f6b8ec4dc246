"""LineIndex.edited rescans only the lines around an edit and must equal a full rescan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_codegen.context.document import Document
from lsp_codegen.context.positions import LineIndex

_pieces = st.sampled_from(["a", "\n", "\r", "\r\n", "é", "😀", " ", "\u2028"])
_texts = st.lists(_pieces, max_size=30).map("".join)


def _bounds(index: LineIndex) -> list[tuple[int, int]]:
    return [(index.line_start(n), index.line_end(n)) for n in range(index.line_count)]


@settings(max_examples=400)
@given(text=_texts, inserted=_texts, a=st.integers(0, 40), b=st.integers(0, 40))
def test_edited_index_equals_a_fresh_one(text: str, inserted: str, a: int, b: int) -> None:
    begin, finish = sorted((min(a, len(text)), min(b, len(text))))
    edited = LineIndex(text).edited(begin, finish, inserted)
    fresh = LineIndex(text[:begin] + inserted + text[finish:])
    assert edited.text == fresh.text
    assert _bounds(edited) == _bounds(fresh)


def test_document_edits_carry_the_index_forward() -> None:
    document = Document("file:///a.py", "python", 1, "one\r\ntwo\nthree")
    assert document.line_index.line_count == 3
    changed = document.apply_change((0, 3), (1, 0), "\r")  # "\r" + "two": CRLF becomes CR
    assert "line_index" in changed.__dict__  # computed from the old index, not rescanned
    assert _bounds(changed.line_index) == _bounds(LineIndex(changed.text))
    assert changed.line_index.line_text(1) == "two"
