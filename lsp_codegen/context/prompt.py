"""Fit an insertion's prefix and suffix into a token budget and format the prompt.

Budgets are counted with the model's own tokenizer. Text is cut at line
boundaries where possible: the prefix loses its start, the suffix its end, so the
text nearest the cursor is kept. The prefix's start moves in steps of lines, so
the prompts of consecutive keystrokes share their start. A binary search over the
number of kept lines keeps tokenizer calls to O(log n), and a character cap before
it means a huge document is never tokenized whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from lsp_codegen.context.fim import FimTemplate
from lsp_codegen.context.types import Insertion, Prompt

PREFIX_SHARE = 0.75  # of the budget, with FIM; the suffix gets the rest
HEADER_SHARE = 0.125  # of the prefix's budget, at most, for the cut-off start's header
# A prefix cut to the budget starts at a multiple of a step of lines: typing at its end
# keeps the prompt's start (and the KV cache of it) for about a step. The step is one
# line per this many tokens of budget, at most the cap (16 lines of a 1024 budget).
TOKENS_PER_STEP_LINE = 64
MAX_STEP_LINES = 16
CHARS_PER_TOKEN_CAP = 16  # no token is longer than this many characters on average
_TERMINATOR = re.compile(r"\r\n|\r|\n")

CountTokens = Callable[[str], int]


def build_prompt(
    insertion: Insertion,
    count: CountTokens,
    context_tokens: int,
    fim: FimTemplate | None,
    extra: Sequence[str] = (),
    extra_tokens: int = 0,
    *,
    examples: Sequence[str] = (),
    restated: str = "",
    header_for: Callable[[str], str] | None = None,
) -> Prompt:
    """The prompt for `insertion` within `context_tokens` tokens, as `count` counts them
    (the model's own tokenizer).

    `examples` (in-context examples, see context.incontext), then `extra` (snippets
    from other files, see context.neighbors) come first, fitted into `extra_tokens` by
    `fit_snippets` (an example whole or not at all); the document gets the rest. With FIM the
    suffix gets about a quarter of that and any of it left unused goes to the
    prefix; without FIM the prefix gets it all and the suffix is dropped.
    `Prompt.prefix` is the budgeted document prefix; the prompt text continues it
    with `insertion.leading`, then `restated` (text the model reads after the
    cursor but the document does not get, see context.restate). When the budget cuts
    the prefix's start, `header_for` (see context.header) makes a header of that cut-off
    part, which goes before the prefix within `HEADER_SHARE` of the budget.
    """
    head_budget = min(extra_tokens, context_tokens // 2)
    head, head_tokens = _fitted(tuple(examples), tuple(extra), head_budget, count)
    cursor = insertion.leading + restated
    budget = context_tokens - (count(cursor) if cursor else 0)
    budget -= head_tokens
    if fim is None:
        header, prefix = _headed_prefix(insertion.prefix, budget, count, header_for)
        text = head + header + prefix + cursor
        return Prompt(
            text, prefix, "", False, insertion, extra=head, restated=restated, header=header
        )
    budget -= count(fim.format("", ""))
    suffix_budget = budget - int(budget * PREFIX_SHARE)
    suffix = keep_head(insertion.suffix, suffix_budget, count)
    prefix_budget = budget - (count(suffix) if suffix else 0)
    header, prefix = _headed_prefix(insertion.prefix, prefix_budget, count, header_for)
    text = fim.format(head + header + prefix + cursor, suffix)
    return Prompt(
        text, prefix, suffix, True, insertion, extra=head, restated=restated, header=header
    )


def _headed_prefix(
    whole: str, budget: int, count: CountTokens, header_for: Callable[[str], str] | None
) -> tuple[str, str]:
    """The header of what the budget cuts off `whole` (see `build_prompt`) and the prefix
    kept within what the header leaves of `budget`."""
    prefix = keep_tail(whole, budget, count, _step_lines(budget))
    if header_for is None or len(prefix) == len(whole):
        return "", prefix
    header = keep_head(
        header_for(whole[: len(whole) - len(prefix)]), int(budget * HEADER_SHARE), count
    )
    if not header.strip():
        return "", prefix
    header = header.rstrip() + "\n\n\n"  # blank lines part it from the kept prefix
    rest = budget - count(header)
    return header, keep_tail(whole, rest, count, _step_lines(budget))


def _step_lines(budget: int) -> int:
    return max(1, min(MAX_STEP_LINES, budget // TOKENS_PER_STEP_LINE))


def start_alike(first: Prompt, second: Prompt, chars: int = 512) -> bool:
    """True when the two prompts start at the same place of the file: the same first
    `chars` characters (as far as the shorter goes). A KV cache of one serves the other
    only then: a prompt window that moved a step must be read whole."""
    compared = min(len(first.text), len(second.text), chars)
    return first.text[:compared] == second.text[:compared]


def fit_snippets(snippets: Sequence[str], budget: int, count: CountTokens, whole: int = 0) -> str:
    """The snippets, in order, each cut to whole lines within its share of `budget`.

    Each gets an equal share of what is left, so a short one leaves more to the
    next. A snippet cut down to its header line (or less) is dropped, and so is
    any of the first `whole` (in-context examples: a function cut short teaches
    nothing) that does not fit whole.
    """
    kept: list[str] = []
    for position, snippet in enumerate(snippets):
        share = budget // (len(snippets) - position)
        text = keep_head(snippet, share, count)
        if len(_TERMINATOR.findall(text)) < 2 or (position < whole and text != snippet):
            continue
        kept.append(text)
        budget -= count(text)
    return "".join(kept)


@functools.lru_cache(maxsize=4)
def _fitted(
    examples: tuple[str, ...], snippets: tuple[str, ...], budget: int, count: CountTokens
) -> tuple[str, int]:
    # The snippets stay the same while the user types in one file: fit them once.
    head = fit_snippets(examples + snippets, budget, count, whole=len(examples))
    return head, count(head) if head else 0


def keep_tail(text: str, budget: int, count: CountTokens, step_lines: int = 1) -> str:
    """The longest end of `text` that fits `budget` tokens, starting at a line if possible.

    With `step_lines` > 1 the start is a line whose number in `text` is a multiple
    of it (fewer lines are kept): as text grows at its end, the start stays put
    until it must move, then jumps ahead `step_lines` lines at once. A prompt
    whose start stays put keeps the model's KV cache of it reusable.
    """
    if budget <= 0 or not text:
        return ""
    cap = CHARS_PER_TOKEN_CAP * budget
    skipped_lines = 0
    if len(text) > cap:
        cut = len(text) - cap
        skipped_lines = text.count("\n", 0, cut)
        text = text[cut:]
        first_break = _TERMINATOR.search(text)
        if first_break is not None and first_break.end() < len(text):
            text = text[first_break.end() :]  # drop the partial first line
            skipped_lines += 1
    if count(text) <= budget:
        return text
    starts = [0] + [m.end() for m in _TERMINATOR.finditer(text) if m.end() < len(text)]
    # Smallest start index whose tail fits; index 0 (the whole text) is known not to.
    lowest = _first_true(1, len(starts), lambda i: count(text[starts[i] :]) <= budget)
    stepped = -(-(skipped_lines + lowest) // step_lines) * step_lines - skipped_lines
    if stepped < len(starts):
        return text[starts[stepped] :]
    if lowest < len(starts):
        return text[starts[lowest] :]
    line = text[starts[-1] :]
    cut = _first_true(0, len(line), lambda i: count(line[i:]) <= budget)
    return line[cut:]


def keep_head(text: str, budget: int, count: CountTokens) -> str:
    """The longest start of `text` that fits `budget` tokens, ending at a line if possible."""
    if budget <= 0 or not text:
        return ""
    cap = CHARS_PER_TOKEN_CAP * budget
    if len(text) > cap:
        text = text[:cap]
        breaks = [m.end() for m in _TERMINATOR.finditer(text)]
        if breaks:
            text = text[: breaks[-1]]  # drop the partial last line
    if count(text) <= budget:
        return text
    ends = [m.end() for m in _TERMINATOR.finditer(text)]
    # Number of whole lines kept: the largest n whose head fits.
    kept = _first_true(1, len(ends) + 1, lambda n: count(text[: ends[n - 1]]) > budget) - 1
    if kept > 0:
        return text[: ends[kept - 1]]
    line = text[: ends[0]] if ends else text
    return line[: _first_true(0, len(line) + 1, lambda n: count(line[:n]) > budget) - 1]


def _first_true(low: int, high: int, predicate: Callable[[int], bool]) -> int:
    """The smallest i in [low, high) with predicate(i) true (predicate monotone); else high."""
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low
