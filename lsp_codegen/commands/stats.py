"""`lsp-codegen stats`: acceptance, retention, partial accepts and latency, from local records."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lsp_codegen.stats.html import html_report
from lsp_codegen.stats.retention import ACCEPTED_KINDS, KIND_LABELS
from lsp_codegen.stats.store import StatsStore, default_path
from lsp_codegen.stats.summary import (
    Counts,
    KindRetention,
    Summary,
    checkpoint_label,
    summarize,
)

_DAY = 86400.0


def run_stats(args: argparse.Namespace) -> int:
    """Print the summary of the statistics file (all records, or the last `--since` days)."""
    path = Path(args.file) if args.file else default_path()
    since = time.time() - args.since * _DAY if args.since is not None else None
    summary = summarize(StatsStore(path).read(), since)
    window = "all records" if args.since is None else f"the last {args.since:g} days"
    title = f"lsp-codegen statistics: {window} in {path}"
    print(title)
    print(format_summary(summary))
    if args.html:
        Path(args.html).write_text(html_report(title, format_summary(summary), summary), "utf-8")
        print(f"HTML report with a retention chart written to {args.html}")
    return 0


def format_summary(summary: Summary) -> str:
    """The summary as the lines `lsp-codegen stats` prints."""
    total = summary.total
    if (
        summary.answers == 0
        and total.accepted == 0
        and total.partial == 0
        and not summary.retention
    ):
        return "no records yet (they are written as the server answers and you accept)"
    lines = [
        f"answers        {summary.answers} ({total.shown} with at least one candidate)",
        f"accepted       {total.accepted}",
        f"acceptance     {_rate(total)} (accepted ÷ shown)",
        f"partial        {total.partial} partial accepts",
        f"latency        {_latency(summary)}",
        *_requests(summary),
        *format_retention(summary),
        "per language:",
    ]
    for language, counts in sorted(summary.languages.items(), key=lambda item: -item[1].shown):
        lines.append(
            f"  {language:<14} shown {counts.shown} · accepted {counts.accepted} "
            f"({_rate(counts)}) · partial {counts.partial}"
        )
    return "\n".join(lines)


def _requests(summary: Summary) -> list[str]:
    lines = ["per request:"] if summary.requests else []
    for kind, counts in sorted(summary.requests.items()):
        lines.append(
            f"  {kind:<14} shown {counts.shown} · accepted {counts.accepted} ({_rate(counts)})"
        )
    return lines


def format_retention(summary: Summary) -> list[str]:
    """Lines of accepts and retention per kind of item ([] when none was recorded)."""
    if not summary.retention:
        return []
    lines = ["retention      characters of accepted text still there (n: accepts measured)"]
    points = summary.checkpoints()
    for kind in ACCEPTED_KINDS:
        counted = summary.retention.get(kind)
        if counted is not None:
            verb = "applied" if kind == "codeAction" else "accepted"
            cells = [f"{counted.accepted} {verb}", *_retained_cells(counted, points)]
            lines.append(f"  {KIND_LABELS[kind]:<19}" + " · ".join(cells))
    return lines


def _retained_cells(counted: KindRetention, points: list[float]) -> list[str]:
    cells = []
    for seconds in points:
        point = counted.checkpoints.get(seconds)
        share = None if point is None else point.share
        value = "n/a" if point is None or share is None else f"{share:.0%} (n {point.samples})"
        cells.append(f"{checkpoint_label(seconds)} {value}")
    return cells


def _rate(counts: Counts) -> str:
    rate = counts.rate
    return "n/a" if rate is None else f"{rate:.1%}"


def _latency(summary: Summary) -> str:
    if not summary.latency_ms:
        return "n/a"
    parts = [f"p{p} {ms:.0f} ms" for p, ms in summary.latency_ms.items()]
    return " · ".join(parts) + " (request received → answer sent)"
