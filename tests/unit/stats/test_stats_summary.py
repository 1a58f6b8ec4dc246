"""Acceptance rate, partial accepts, latency percentiles and the printed report."""

from __future__ import annotations

import pytest

from lsp_codegen.commands.stats import format_summary
from lsp_codegen.stats.records import Record
from lsp_codegen.stats.summary import percentile, summarize


def shown(time: float, language: str = "python", latency: float = 10.0, n: int = 2) -> Record:
    return Record("shown", time, language, "inline", latency, n)


def accepted(time: float, language: str = "python") -> Record:
    return Record("accepted", time, language, candidate=0)


def test_rate_counts_only_answers_with_candidates() -> None:
    records = [shown(1), shown(2), shown(3, n=0), shown(4), accepted(5)]
    summary = summarize(records)
    assert summary.answers == 4
    assert summary.total.shown == 3
    assert summary.total.rate == pytest.approx(1 / 3)


def test_per_language_counts() -> None:
    records = [shown(1), accepted(2), shown(3, "go"), shown(4, "go")]
    records.append(Record("partial", 5, "go", candidate=1, accepted_length=4))
    languages = summarize(records).languages
    assert (languages["python"].shown, languages["python"].accepted) == (1, 1)
    assert (languages["go"].shown, languages["go"].partial) == (2, 1)
    assert languages["go"].rate == 0.0


def test_nearest_rank_percentiles_over_latencies() -> None:
    records = [shown(i, latency=float(i)) for i in range(1, 101)]
    assert summarize(records).latency_ms == {50: 50.0, 95: 95.0, 99: 99.0}
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0], 50) == 1.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_since_drops_older_records() -> None:
    records = [shown(1, latency=500.0), accepted(2), shown(10, latency=20.0), accepted(11)]
    summary = summarize(records, since=10)
    assert (summary.total.shown, summary.total.accepted) == (1, 1)
    assert summary.latency_ms[99] == 20.0
    assert (summary.first, summary.last) == (10, 11)


def test_nothing_shown_has_no_rate() -> None:
    summary = summarize([accepted(1)])
    assert summary.total.rate is None
    assert summary.latency_ms == {}
    assert "acceptance     n/a" in format_summary(summary)


def test_report_lines() -> None:
    records = [shown(1, latency=12.0), shown(2, latency=30.0), accepted(3), shown(4, "go")]
    text = format_summary(summarize(records))
    assert "answers        3 (3 with at least one candidate)" in text
    assert "acceptance     33.3% (accepted ÷ shown)" in text
    assert "latency        p50 12 ms · p95 30 ms · p99 30 ms" in text
    python_line, go_line = text.splitlines()[-2:]
    assert " ".join(python_line.split()) == "python shown 2 · accepted 1 (50.0%) · partial 0"
    assert go_line.split()[0] == "go"


def test_an_empty_store_says_so() -> None:
    assert format_summary(summarize([])).startswith("no records yet")
