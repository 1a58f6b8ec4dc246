"""The retention tracker over scripted edits: what of the accepted text is still there."""

from __future__ import annotations

import random

import pytest

from lsp_codegen.stats.retention import RetentionTracker, accepted_kind, locate

BEFORE = "def one():\n"
ACCEPTED = "    return compute(1, 2)\n"
AFTER = "\nprint(one())\n"


class Editor:
    """A document with an accepted text in it, edited as a client would, with the
    tracker following every edit."""

    def __init__(self) -> None:
        self.text = BEFORE + ACCEPTED + AFTER
        self.tracker = RetentionTracker(len(BEFORE), len(ACCEPTED))

    def edit(self, begin: int, end: int, new_text: str) -> None:
        self.tracker.edit(begin, end, new_text, self.text[begin:end])
        self.text = self.text[:begin] + new_text + self.text[end:]

    def replace_all(self, new_text: str) -> None:
        self.edit(0, len(self.text), new_text)

    def at(self, part: str) -> int:
        return self.text.index(part)

    def retained_text(self) -> str:
        return "".join(self.text[a:b] for a, b in self.tracker.runs)


def test_untouched_text_is_all_retained() -> None:
    editor = Editor()
    assert (editor.tracker.accepted, editor.tracker.retained) == (25, 25)
    assert editor.retained_text() == ACCEPTED


def test_deleting_part_of_it_loses_those_characters() -> None:
    editor = Editor()
    start = editor.at("(1, 2)")
    editor.edit(start + 1, start + 5, "")  # "(1, 2)" → "()"
    assert editor.tracker.retained == 21
    assert editor.retained_text() == "    return compute()\n"


def test_deleting_then_retyping_does_not_count_the_retyped_characters() -> None:
    editor = Editor()
    start = editor.at("compute")
    editor.edit(start, start + 7, "")  # the word deleted ...
    for offset, char in enumerate("compute"):  # ... and typed again, one key at a time
        editor.edit(start + offset, start + offset, char)
    assert editor.text == BEFORE + ACCEPTED + AFTER
    assert editor.tracker.retained == 18  # the user's "compute" is not the model's


def test_typing_inside_it_adds_nothing() -> None:
    editor = Editor()
    start = editor.at("1, 2")
    editor.edit(start + 4, start + 4, ", 3")
    assert editor.tracker.retained == 25
    assert editor.retained_text() == ACCEPTED
    assert len(editor.tracker.runs) == 2  # split around the typed text


def test_edits_before_it_shift_it() -> None:
    editor = Editor()
    editor.edit(0, 0, "import math\n\n")
    editor.edit(0, 6, "")  # "import" → ""
    assert editor.tracker.retained == 25
    assert editor.retained_text() == ACCEPTED
    start = editor.at("    return")  # an edit at its old place now falls inside it
    assert editor.tracker.runs == [(start, start + 25)]


def test_edits_after_it_do_not_matter() -> None:
    editor = Editor()
    end = len(editor.text)
    editor.edit(end - 7, end, "two())\n")  # in the last line
    editor.edit(len(editor.text), len(editor.text), "# more\n")
    assert editor.tracker.retained == 25
    assert editor.retained_text() == ACCEPTED


def test_typing_right_after_it_is_not_accepted_text() -> None:
    editor = Editor()
    end = editor.at(AFTER)
    editor.edit(end, end, "    x = 1\n")
    editor.edit(end, end + 10, "")  # and deleted again: the accepted text is whole
    assert editor.tracker.retained == 25


def test_replacing_the_whole_document_keeps_what_it_did_not_change() -> None:
    editor = Editor()
    editor.replace_all("# header\n" + BEFORE + ACCEPTED.replace("1, 2", "1, 3") + AFTER)
    assert editor.tracker.retained == 24  # only "2" is gone
    assert editor.retained_text() == "    return compute(1, )\n"


def test_replacing_the_whole_document_with_other_text_loses_it() -> None:
    editor = Editor()
    editor.replace_all("x = 1\n")
    assert editor.tracker.retained == 0


def test_reformatting_in_one_edit_keeps_the_unchanged_characters() -> None:
    editor = Editor()
    start = editor.at(ACCEPTED)
    editor.edit(start, start + len(ACCEPTED), "    return compute(1,2)\n")  # a formatter
    assert editor.tracker.retained == 24


def test_a_large_replacement_beyond_the_diff_bound_counts_as_delete_and_insert() -> None:
    editor = Editor()
    noise = "".join(random.Random(1).choice("ab") for _ in range(2000))
    editor.replace_all(noise + BEFORE + ACCEPTED[:-2] + noise + "\n" + AFTER)
    assert editor.tracker.retained < 25  # the changed middle is too large to diff


def test_random_edits_never_count_more_than_was_accepted() -> None:
    rng = random.Random(7)
    editor = Editor()
    for _ in range(300):
        begin = rng.randrange(len(editor.text) + 1)
        end = min(len(editor.text), begin + rng.randrange(4))
        editor.edit(begin, end, rng.choice(["", "x", "ab", "(1, 2)"]))
        runs = editor.tracker.runs
        assert all(a < b for a, b in runs)
        assert all(b1 < a2 for (_, b1), (a2, _) in zip(runs, runs[1:], strict=False))
        assert 0 <= editor.tracker.retained <= 25
        assert all(c in ACCEPTED for c in editor.retained_text())


def test_old_text_must_match_the_range() -> None:
    with pytest.raises(ValueError):
        RetentionTracker(0, 3).edit(0, 2, "x", "abc")


def test_kinds() -> None:
    assert accepted_kind("inline", "return 1") == "inlineSingleLine"
    assert accepted_kind("inline", "\n    return 1\n") == "inlineSingleLine"
    assert accepted_kind("inline", "x = 1\n    return x\n") == "inlineMultiLine"
    assert accepted_kind("completion", "x = 1\n    return x\n") == "completion"


def test_locate_finds_the_nearest_occurrence() -> None:
    text = "pass\n" * 5
    assert locate(text, "pass", 11) == 10
    assert locate(text, "pass", 0) == 0
    assert locate(text, "return", 3) is None
    assert locate("x" * 5000 + "pass", "pass", 0) is None  # beyond the window
