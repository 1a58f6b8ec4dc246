"""`lsp-codegen stats`: acceptance rate, partial accepts and latency, from local records."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lsp_codegen.stats.store import StatsStore, default_path
from lsp_codegen.stats.summary import Counts, Summary, summarize

_DAY = 86400.0


def run_stats(args: argparse.Namespace) -> int:
    """Print the summary of the statistics file (all records, or the last `--since` days)."""
    path = Path(args.file) if args.file else default_path()
    since = time.time() - args.since * _DAY if args.since is not None else None
    summary = summarize(StatsStore(path).read(), since)
    window = "all records" if args.since is None else f"the last {args.since:g} days"
    print(f"lsp-codegen statistics: {window} in {path}")
    print(format_summary(summary))
    return 0


def format_summary(summary: Summary) -> str:
    """The summary as the lines `lsp-codegen stats` prints."""
    if summary.answers == 0 and summary.total.accepted == 0 and summary.total.partial == 0:
        return "no records yet (they are written as the server answers and you accept)"
    total = summary.total
    lines = [
        f"answers        {summary.answers} ({total.shown} with at least one candidate)",
        f"accepted       {total.accepted}",
        f"acceptance     {_rate(total)} (accepted ÷ shown)",
        f"partial        {total.partial} partial accepts",
        f"latency        {_latency(summary)}",
        "per language:",
    ]
    for language, counts in sorted(summary.languages.items(), key=lambda item: -item[1].shown):
        lines.append(
            f"  {language:<14} shown {counts.shown} · accepted {counts.accepted} "
            f"({_rate(counts)}) · partial {counts.partial}"
        )
    return "\n".join(lines)


def _rate(counts: Counts) -> str:
    rate = counts.rate
    return "n/a" if rate is None else f"{rate:.1%}"


def _latency(summary: Summary) -> str:
    if not summary.latency_ms:
        return "n/a"
    parts = [f"p{p} {ms:.0f} ms" for p, ms in summary.latency_ms.items()]
    return " · ".join(parts) + " (request received → answer sent)"
