"""Prompt budgeting with a fake tokenizer and FIM formatting."""

from __future__ import annotations

import time

from lsp_codegen.context.fim import FimTemplate
from lsp_codegen.context.prompt import build_prompt, keep_head, keep_tail, start_alike
from lsp_codegen.context.types import Insertion, Mode

FIM = FimTemplate("test", "<P>", "<S>", "<M>")


class FakeWhitespaceTokenizer:
    """A fake tokenizer: one token per whitespace-separated word; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def count(self, text: str) -> int:
        self.calls += 1
        self.chars += len(text)
        return len(text.split())

    def vocabulary(self) -> set[str]:
        return {"<P>", "<S>", "<M>"}


def numbered(start: int, stop: int) -> str:
    """Lines "w<n> x<n>\\n", two tokens each."""
    return "".join(f"w{n} x{n}\n" for n in range(start, stop))


def insertion(prefix: str, suffix: str, leading: str = "") -> Insertion:
    return Insertion(
        offset=len(prefix),
        mode=Mode.BLOCK,
        indent="",
        prefix=prefix,
        suffix=suffix,
        language="python",
        leading=leading,
    )


def test_without_fim_the_prefix_gets_the_whole_budget() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    prompt = build_prompt(
        insertion(numbered(0, 100), numbered(100, 200)), tokenizer.count, 20, None
    )
    assert prompt.prefix == numbered(90, 100)
    assert prompt.suffix == ""
    assert prompt.text == prompt.prefix
    assert not prompt.fim
    assert prompt.stop == ()


def test_with_fim_budget_splits_three_to_one() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    # The fake counts the empty template "<P><S><M>" as one token.
    prompt = build_prompt(insertion(numbered(0, 100), numbered(100, 200)), tokenizer.count, 41, FIM)
    assert prompt.suffix == numbered(100, 105)  # 10 of the 40 tokens left
    assert prompt.prefix == numbered(85, 100)  # the other 30
    assert prompt.text == f"<P>{prompt.prefix}<S>{prompt.suffix}<M>"
    assert prompt.fim
    assert tokenizer.count(prompt.text) <= 41


def test_unused_suffix_budget_goes_to_the_prefix() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    prompt = build_prompt(insertion(numbered(0, 100), "end\n"), tokenizer.count, 41, FIM)
    assert prompt.suffix == "end\n"
    assert prompt.prefix == numbered(81, 100)  # 40 - 1 tokens, cut at a line: 19 lines


def test_leading_is_appended_and_counted() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    prompt = build_prompt(
        insertion("a b\nc d\ndef f():", "", leading="\n    pass_marker"), tokenizer.count, 5, None
    )
    assert prompt.prefix == "c d\ndef f():"
    assert prompt.text == "c d\ndef f():\n    pass_marker"


def test_single_long_line_is_cut_by_characters() -> None:
    count = FakeWhitespaceTokenizer().count
    line = " ".join(f"t{n}" for n in range(100))
    tail = keep_tail("x\n" + line, 5, count)
    assert tail == " t95 t96 t97 t98 t99"
    head = keep_head(line + "\nx", 5, count)
    assert head == "t0 t1 t2 t3 t4 "


def test_everything_fits() -> None:
    count = FakeWhitespaceTokenizer().count
    assert keep_tail("a\nb", 10, count) == "a\nb"
    assert keep_head("a\nb", 10, count) == "a\nb"
    assert keep_tail("a", 0, count) == ""
    assert keep_head("", 5, count) == ""


def test_crlf_and_lone_cr_are_line_boundaries() -> None:
    count = FakeWhitespaceTokenizer().count
    assert keep_tail("a b\r\nc d\re f", 4, count) == "c d\re f"
    assert keep_head("a b\r\nc d\re f", 4, count) == "a b\r\nc d\r"


def test_budgets_respected_for_many_sizes() -> None:
    prefix, suffix = numbered(0, 300), numbered(300, 600)
    for budget in range(0, 200, 7):
        tokenizer = FakeWhitespaceTokenizer()
        prompt = build_prompt(insertion(prefix, suffix), tokenizer.count, budget, FIM)
        assert tokenizer.count(prompt.text) <= max(budget, 1)
        assert prefix.endswith(prompt.prefix)
        assert suffix.startswith(prompt.suffix)


def test_ten_megabyte_document_is_fast_and_never_tokenized_whole() -> None:
    prefix = numbered(0, 650_000)
    assert len(prefix) > 10_000_000
    tokenizer = FakeWhitespaceTokenizer()
    started = time.perf_counter()
    prompt = build_prompt(insertion(prefix, prefix), tokenizer.count, 2048, FIM)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert tokenizer.calls < 60
    assert tokenizer.chars < 2_000_000
    assert prompt.prefix.endswith("w649999 x649999\n")
    assert prompt.suffix.startswith("w0 x0\n")
    assert tokenizer.count(prompt.text) <= 2048


def test_typing_at_the_end_keeps_the_start_of_a_cut_prefix() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    budget = 1024  # a step of 16 lines
    starts = []
    text = numbered(0, 600)  # 1200 tokens: cut
    for line in range(600, 640):  # one more line per keystroke
        text += f"w{line} x{line}\n"
        prompt = build_prompt(insertion(text, ""), tokenizer.count, budget, None)
        assert tokenizer.count(prompt.text) <= budget
        starts.append(prompt.prefix.split(" ", 1)[0])
    # 40 lines typed: the start moved only at multiples of 16 lines, never in between.
    assert len(set(starts)) <= 4
    assert all(int(start[1:]) % 16 == 0 for start in starts)
    # At most one step of context (16 lines, 32 tokens) is given up.
    assert tokenizer.count(prompt.prefix) > budget - 32


def test_keep_tail_steps_count_lines_from_the_start_of_the_text() -> None:
    count = FakeWhitespaceTokenizer().count
    text = numbered(0, 100)
    assert keep_tail(text, 20, count) == numbered(90, 100)
    assert keep_tail(text, 20, count, step_lines=8) == numbered(96, 100)
    assert keep_tail(text, 20, count, step_lines=5) == numbered(90, 100)


def test_keep_tail_steps_count_lines_from_the_start_of_a_huge_text() -> None:
    # Longer than the character cap: the lines before the cap still count.
    count = FakeWhitespaceTokenizer().count
    text = numbered(0, 20000)
    kept = keep_tail(text, 20, count, step_lines=8)
    assert kept == numbered(19992, 20000)


def test_prompts_start_alike_when_their_first_characters_match() -> None:
    tokenizer = FakeWhitespaceTokenizer()
    # A 640-token budget keeps 320 of these lines, starting at a multiple of 10.
    typed = build_prompt(insertion(numbered(0, 405), ""), tokenizer.count, 640, None)
    longer = build_prompt(insertion(numbered(0, 406), ""), tokenizer.count, 640, None)
    moved = build_prompt(insertion(numbered(0, 450), ""), tokenizer.count, 640, None)
    assert start_alike(typed, longer)  # a line more at the end: the same start
    assert not start_alike(typed, moved)  # the window moved on
