"""Faster beyond the noise: median speedup and separated spreads."""

from __future__ import annotations

from lsp_codegen.actions.timing import Timing, format_speedup


def test_a_clear_speedup_is_faster() -> None:
    timing = Timing((1.0, 1.1, 0.9, 1.0, 1.05), (0.4, 0.45, 0.42, 0.41, 0.5))
    assert timing.faster
    assert 2.3 < timing.speedup < 2.5


def test_overlapping_spreads_are_not_faster_even_with_a_better_median() -> None:
    timing = Timing((1.0, 0.7, 1.3, 0.8, 1.2), (0.8, 1.1, 0.75, 0.85, 1.25))
    assert timing.speedup > 1.1
    assert not timing.faster


def test_one_outlier_does_not_hide_a_speedup() -> None:
    timing = Timing((1.0, 1.0, 1.0, 1.0, 1.0), (0.5, 0.5, 0.5, 0.5, 3.0))
    assert timing.faster


def test_a_tiny_speedup_is_not_faster() -> None:
    timing = Timing((1.0, 1.0, 1.0, 1.0), (0.95, 0.95, 0.95, 0.95))
    assert not timing.faster


def test_speedups_are_formatted_for_titles() -> None:
    assert format_speedup(2.34) == "2.3\u00d7"
    assert format_speedup(15.2) == "15\u00d7"
    assert format_speedup(1.04) == "1.04\u00d7"
