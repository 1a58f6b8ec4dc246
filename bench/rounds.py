"""Rounds of several ways to do one thing, interleaved so a noisy shared CPU hits all alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Way(Protocol):
    """Something timed: how to run it once, and what each counted run gave."""

    run: Callable[[str, int], Any]
    timings: list[Any]


def interleaved(ways: Sequence[Way], prompt: str, tokens: int, repeats: int) -> None:
    """A warm-up round (4 tokens, not counted), then `repeats` rounds; the order of the
    ways rotates from round to round, and every run starts its prompt with a fresh
    line, so no way finds the prompt in a KV cache."""
    serial = 0
    for round_index in range(repeats + 1):
        shift = round_index % len(ways)
        for way in [*ways[shift:], *ways[:shift]]:
            serial += 1
            timing = way.run(f"# run {serial}\n{prompt}", tokens if round_index else 4)
            if round_index:
                way.timings.append(timing)
