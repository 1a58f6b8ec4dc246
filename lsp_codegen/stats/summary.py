"""Acceptance rate, partial accepts and latency percentiles over statistics records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lsp_codegen.stats.records import Record

PERCENTILES = (50, 95, 99)


@dataclass
class Counts:
    """Results shown (with at least one candidate), accepts and partial accepts."""

    shown: int = 0
    accepted: int = 0
    partial: int = 0

    @property
    def rate(self) -> float | None:
        """accepted ÷ shown; None when nothing was shown."""
        return self.accepted / self.shown if self.shown else None

    def add(self, record: Record) -> None:
        """Count one record."""
        if record.event == "shown":
            self.shown += 1 if (record.candidates or 0) > 0 else 0
        elif record.event == "accepted":
            self.accepted += 1
        else:
            self.partial += 1


@dataclass
class Summary:
    """Everything `lsp-codegen stats` prints."""

    total: Counts = field(default_factory=Counts)
    languages: dict[str, Counts] = field(default_factory=dict)
    answers: int = 0  # shown records, including answers with no candidate
    latency_ms: dict[int, float] = field(default_factory=dict)  # percentile → ms
    first: float | None = None  # time of the oldest record counted
    last: float | None = None  # time of the newest record counted


def summarize(records: Iterable[Record], since: float | None = None) -> Summary:
    """Summarize the records at or after `since` (seconds since the epoch; None = all)."""
    summary = Summary()
    latencies: list[float] = []
    for record in records:
        if since is not None and record.time < since:
            continue
        summary.total.add(record)
        summary.languages.setdefault(record.language, Counts()).add(record)
        summary.first = record.time if summary.first is None else min(summary.first, record.time)
        summary.last = record.time if summary.last is None else max(summary.last, record.time)
        if record.event == "shown":
            summary.answers += 1
            if record.latency_ms is not None:
                latencies.append(record.latency_ms)
    latencies.sort()
    summary.latency_ms = {p: percentile(latencies, p) for p in PERCENTILES if latencies}
    return summary


def percentile(ordered: Sequence[float], p: float) -> float:
    """The nearest-rank `p`-th percentile of an ascending, non-empty sequence."""
    if not ordered:
        raise ValueError("percentile of no values")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
