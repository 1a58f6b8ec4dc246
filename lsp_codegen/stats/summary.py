"""Acceptance rate, partial accepts, latency percentiles and retention over statistics records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lsp_codegen.stats.records import Kind, Record
from lsp_codegen.stats.retention import AcceptedKind

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
        """Count one record (retained records and code-action accepts are not answers'
        accepts: a code action is never a `shown` answer, so it stays out of the rate)."""
        if record.event == "shown":
            self.shown += 1 if (record.candidates or 0) > 0 else 0
        elif record.event == "accepted" and record.accepted_kind != "codeAction":
            self.accepted += 1
        elif record.event == "partial":
            self.partial += 1


@dataclass
class Retained:
    """Characters accepted and still there at one checkpoint, over every accept counted."""

    samples: int = 0
    accepted_chars: int = 0
    retained_chars: int = 0

    @property
    def share(self) -> float | None:
        """retained ÷ accepted characters; None when nothing was accepted."""
        return self.retained_chars / self.accepted_chars if self.accepted_chars else None


@dataclass
class KindRetention:
    """Accepts of one kind of item, and what was left of them at each checkpoint."""

    accepted: int = 0
    checkpoints: dict[float, Retained] = field(default_factory=dict)  # seconds → retained

    def add(self, record: Record) -> None:
        """Count an `accepted` or `retained` record of this kind."""
        if record.event == "accepted":
            self.accepted += 1
        elif record.event == "retained" and record.after_seconds is not None:
            point = self.checkpoints.setdefault(record.after_seconds, Retained())
            point.samples += 1
            point.accepted_chars += record.accepted_chars or 0
            point.retained_chars += record.retained_chars or 0


@dataclass
class Summary:
    """Everything `lsp-codegen stats` prints."""

    total: Counts = field(default_factory=Counts)
    languages: dict[str, Counts] = field(default_factory=dict)
    answers: int = 0  # shown records, including answers with no candidate
    latency_ms: dict[int, float] = field(default_factory=dict)  # percentile → ms
    first: float | None = None  # time of the oldest record counted
    last: float | None = None  # time of the newest record counted
    requests: dict[Kind, Counts] = field(default_factory=dict)  # shown/accepted by request
    retention: dict[AcceptedKind, KindRetention] = field(default_factory=dict)

    def checkpoints(self) -> list[float]:
        """Every checkpoint (seconds after an accept) that some kind has a record for."""
        return sorted({s for kind in self.retention.values() for s in kind.checkpoints})


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
        if record.accepted_kind is not None:
            summary.retention.setdefault(record.accepted_kind, KindRetention()).add(record)
        request = _request_of(record)
        if request is not None:
            summary.requests.setdefault(request, Counts()).add(record)
        if record.event == "shown":
            summary.answers += 1
            if record.latency_ms is not None:
                latencies.append(record.latency_ms)
    latencies.sort()
    summary.latency_ms = {p: percentile(latencies, p) for p in PERCENTILES if latencies}
    return summary


def _request_of(record: Record) -> Kind | None:
    """Which request a shown or accepted record belongs to (None: unknown, or a code action)."""
    if record.event == "shown":
        return record.kind
    if record.event != "accepted" or record.accepted_kind in (None, "codeAction"):
        return None
    return "completion" if record.accepted_kind == "completion" else "inline"


def checkpoint_label(seconds: float) -> str:
    """`30 s`, `2 min`, `10 min`, `1.5 s`: a checkpoint as the report names it."""
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def percentile(ordered: Sequence[float], p: float) -> float:
    """The nearest-rank `p`-th percentile of an ascending, non-empty sequence."""
    if not ordered:
        raise ValueError("percentile of no values")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
