"""LSP position <-> str offset conversion in the three position encodings."""

from __future__ import annotations

import time

import pytest

from lsp_codegen.context.positions import LineIndex, lines_containing, offset_at, position_at

EMOJI = "😀"  # U+1F600: 2 UTF-16 units, 4 UTF-8 bytes
CJK = "漢"  # U+6F22: 1 UTF-16 unit, 3 UTF-8 bytes
E_ACUTE = "e\u0301"  # e + combining acute: 2 code points
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def test_lines_split_only_on_lsp_terminators() -> None:
    index = LineIndex("a\r\nb\rc\nd\u2028e\x0cf\x0bg\x1ch\x85i")
    assert index.line_count == 4
    assert [index.line_text(n) for n in range(4)] == [
        "a",
        "b",
        "c",
        "d\u2028e\x0cf\x0bg\x1ch\x85i",
    ]


def test_text_ending_with_terminator_has_empty_last_line() -> None:
    index = LineIndex("x\n")
    assert index.line_count == 2
    assert index.line_text(1) == ""
    assert LineIndex("").line_count == 1


@pytest.mark.parametrize(
    ("encoding", "character", "expected"),
    [
        ("utf-16", 0, 0),
        ("utf-16", 1, 1),  # before the emoji
        ("utf-16", 3, 2),  # after the emoji (2 units)
        ("utf-16", 4, 3),
        ("utf-8", 5, 2),  # 1 + 4 bytes
        ("utf-8", 6, 3),
        ("utf-32", 2, 2),
        ("utf-32", 3, 3),
    ],
)
def test_offset_at_emoji(encoding: str, character: int, expected: int) -> None:
    assert offset_at(f"a{EMOJI}bc", 0, character, encoding) == expected


@pytest.mark.parametrize(
    ("encoding", "character"),
    [("utf-16", 2), ("utf-8", 2), ("utf-8", 3), ("utf-8", 4)],
)
def test_character_inside_a_multi_unit_character_is_its_start(
    encoding: str, character: int
) -> None:
    assert offset_at(f"a{EMOJI}b", 0, character, encoding) == 1


def test_character_inside_utf8_sequence_of_cjk() -> None:
    text = f"{CJK}{CJK}x"
    assert [offset_at(text, 0, c, "utf-8") for c in range(8)] == [0, 0, 0, 1, 1, 1, 2, 3]


def test_combining_marks_count_as_separate_code_points() -> None:
    text = f"{E_ACUTE}x"
    assert offset_at(text, 0, 2, "utf-16") == 2
    assert offset_at(text, 0, 3, "utf-8") == 2  # e (1) + U+0301 (2)
    assert position_at(text, 2, "utf-8") == (0, 3)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_character_past_line_end_clamps_before_terminator(encoding: str) -> None:
    text = "ab\r\ncd\rxy"
    assert offset_at(text, 0, 99, encoding) == 2
    assert offset_at(text, 1, 99, encoding) == 6
    assert offset_at(text, 2, 99, encoding) == 9


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_line_past_last_line_is_end_of_document(encoding: str) -> None:
    assert offset_at("ab\ncd", 2, 0, encoding) == 5
    assert offset_at("ab\ncd", 50, 7, encoding) == 5


@pytest.mark.parametrize(("line", "character"), [(-1, 0), (0, -1)])
def test_negative_position_raises(line: int, character: int) -> None:
    with pytest.raises(ValueError):
        offset_at("abc", line, character)


def test_negative_offset_and_unknown_encoding_raise() -> None:
    with pytest.raises(ValueError):
        position_at("abc", -1)
    with pytest.raises(ValueError):
        offset_at("abc", 0, 0, "utf-7")


def test_position_at_crlf_and_lone_cr() -> None:
    text = f"x{EMOJI}\r\n{CJK}\ry"
    assert position_at(text, 2, "utf-16") == (0, 3)  # before \r
    assert position_at(text, 3, "utf-16") == (0, 3)  # between \r and \n: end of content
    assert position_at(text, 4, "utf-16") == (1, 0)
    assert position_at(text, 5, "utf-8") == (1, 3)
    assert position_at(text, 6, "utf-32") == (2, 0)
    assert position_at(text, 99, "utf-32") == (2, 1)


def test_position_at_does_not_break_on_unicode_line_separators() -> None:
    text = "a\u2028b\x0cc"
    assert position_at(text, 4, "utf-16") == (0, 4)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_round_trip_every_offset(encoding: str) -> None:
    text = f"a{EMOJI}{CJK}\r\n{E_ACUTE}\r\rz\n\n{EMOJI}"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # no position addresses the inside of a CRLF
        line, character = index.position_at(offset, encoding)
        assert index.offset_at(line, character, encoding) == offset


def test_lines_view_reads_lines_lazily() -> None:
    lines = LineIndex("a\r\nb\rc").lines
    assert len(lines) == 3
    assert lines[-1] == "c"
    assert list(lines) == ["a", "b", "c"]
    assert lines[1:] == ["b", "c"]
    with pytest.raises(IndexError):
        lines[3]


@pytest.mark.parametrize("text", ['a"""\r\n"""b"""\rc\nx"""\n\n"""', "", '"""', "no quotes\nhere"])
@pytest.mark.parametrize(
    ("start", "stop", "limit"), [(0, 9, None), (1, 4, None), (0, 9, 1), (2, 2, 1)]
)
def test_lines_containing_agrees_on_a_view_and_a_list(
    text: str, start: int, stop: int, limit: int | None
) -> None:
    view = LineIndex(text).lines
    expected = [n for n in range(start, min(stop, len(view))) if '"""' in view[n]][:limit]
    assert lines_containing(view, '"""', start, stop, limit) == expected
    assert lines_containing(list(view), '"""', start, stop, limit) == expected


def test_large_document_is_fast() -> None:
    line = f"x = '{EMOJI}{CJK}' + 'some ascii text here'\n"
    text = line * (10_000_000 // len(line))
    started = time.perf_counter()
    index = LineIndex(text)
    middle = index.line_count // 2
    offset = index.offset_at(middle, 9, "utf-16")
    assert index.position_at(offset, "utf-16") == (middle, 9)
    assert time.perf_counter() - started < 3.0


def test_long_single_line_with_wide_characters() -> None:
    text = (CJK + EMOJI) * 200_000
    index = LineIndex(text)
    units = 3 * 100_000  # 100k pairs of (1 + 2) UTF-16 units
    assert index.offset_at(0, units, "utf-16") == 200_000
    assert index.position_at(200_000, "utf-8") == (0, 7 * 100_000)


@pytest.mark.parametrize(
    "text", ["a\nb\n\nc", "a\r\nb\r\n\r\nc\r\n", "a\rb\r", "a\r\nb\nc\rd", "", "\n", "\r\n"]
)
def test_fast_and_regex_line_splitting_agree(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = LineIndex(text)
    assert [index.line_text(n) for n in range(index.line_count)] == expected
    starts = [index.line_start(n) for n in range(index.line_count)]
    assert starts == sorted(starts)
    assert index.line_end(index.line_count - 1) == len(text)
