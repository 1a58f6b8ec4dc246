"""Retention in the summary, the printed report and the HTML page with its chart."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from lsp_codegen.commands.stats import format_summary, run_stats
from lsp_codegen.stats.html import html_report, retention_svg
from lsp_codegen.stats.records import Record, from_line, to_line
from lsp_codegen.stats.retention import AcceptedKind
from lsp_codegen.stats.store import StatsStore
from lsp_codegen.stats.summary import checkpoint_label, summarize


def retained(kind: AcceptedKind, seconds: float, kept: int, of: int = 100) -> Record:
    return Record(
        "retained",
        50,
        "python",
        accepted_kind=kind,
        after_seconds=seconds,
        accepted_chars=of,
        retained_chars=kept,
    )


def records() -> list[Record]:
    shown = [Record("shown", t, "python", "inline", 10.0, 2) for t in range(4)]
    accepted = [
        Record("accepted", 10, "python", candidate=0, accepted_kind="inlineMultiLine"),
        Record("accepted", 11, "python", candidate=0, accepted_kind="inlineMultiLine"),
        Record("accepted", 12, "python", candidate=0, accepted_kind="codeAction"),
        Record("accepted", 13, "python", candidate=0),  # an older server: kind unknown
    ]
    kept = [
        retained("inlineMultiLine", 30, 100),
        retained("inlineMultiLine", 30, 80),
        retained("inlineMultiLine", 120, 70),
        retained("inlineMultiLine", 600, 40, of=50),
        retained("codeAction", 30, 10, of=10),
    ]
    return shown + accepted + kept


def test_retained_records_round_trip() -> None:
    record = Record(
        "retained",
        1.5,
        "go",
        accepted_kind="completion",
        after_seconds=120,
        accepted_chars=9,
        retained_chars=4,
        closed=True,
    )
    line = to_line(record)
    assert '"acceptedKind":"completion"' in line and '"closed":true' in line
    assert from_line(line) == record


def test_summary_aggregates_characters_per_kind_and_checkpoint() -> None:
    summary = summarize(records())
    multi = summary.retention["inlineMultiLine"]
    assert multi.accepted == 2
    assert multi.checkpoints[30].share == pytest.approx(0.9)  # 180 of 200 characters
    assert multi.checkpoints[30].samples == 2
    assert multi.checkpoints[600].share == pytest.approx(0.8)
    assert summary.checkpoints() == [30, 120, 600]


def test_code_action_accepts_stay_out_of_the_acceptance_rate() -> None:
    summary = summarize(records())
    assert summary.total.accepted == 3  # two inline, one of unknown kind
    assert summary.total.rate == pytest.approx(3 / 4)
    assert summary.requests["inline"].accepted == 2
    assert summary.requests["inline"].shown == 4
    assert summary.retention["codeAction"].accepted == 1


def test_report_shows_acceptance_and_retention_side_by_side() -> None:
    text = format_summary(summarize(records()))
    assert "  inline         shown 4 · accepted 2 (50.0%)" in text
    assert (
        "  inline multi-line  2 accepted · 30 s 90% (n 2) · 2 min 70% (n 1) · 10 min 80% (n 1)"
        in text
    )
    assert "  code action        1 applied · 30 s 100% (n 1) · 2 min n/a · 10 min n/a" in text


def test_no_retention_no_retention_lines() -> None:
    text = format_summary(summarize([Record("shown", 1, "python", "inline", 5.0, 1)]))
    assert "retention" not in text


def test_checkpoint_labels() -> None:
    assert [checkpoint_label(s) for s in (30, 120, 600, 1.5, 90)] == [
        "30 s",
        "2 min",
        "10 min",
        "1.5 s",
        "90 s",
    ]


def test_chart_draws_one_bar_per_kind_and_checkpoint_measured() -> None:
    svg = retention_svg(summarize(records()))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="22" height="([\d.]+)"', svg)
    assert len(bars) == 4  # inline multi-line at 3 checkpoints, code action at one
    heights = sorted(float(h) for _, h in bars)
    assert heights == [112.0, 128.0, 144.0, 160.0]  # 70 %, 80 %, 90 %, 100 % of 160 px
    assert "inline multi-line after 30 s: 90% (180 of 200 characters, 2 accepts)" in svg
    assert "after 10 min" in svg


def test_html_page_is_self_contained_and_escaped() -> None:
    summary = summarize(records())
    page = html_report("stats in /tmp/<odd>&dir", format_summary(summary), summary)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "/tmp/&lt;odd&gt;&amp;dir" in page and "<odd>" not in page
    assert "src=" not in page and "href=" not in page and "<script" not in page
    assert "no retention" not in page.lower()


def test_html_without_retention_says_so() -> None:
    assert "No retention recorded yet" in retention_svg(summarize([]))


def test_run_stats_writes_the_html_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = StatsStore(tmp_path / "events.jsonl")
    for record in records():
        store.append(record)
    page = tmp_path / "report.html"
    args = argparse.Namespace(file=str(store.path), since=None, html=str(page))
    assert run_stats(args) == 0
    out = capsys.readouterr().out
    assert "inline multi-line  2 accepted" in out and str(page) in out
    assert "<svg" in page.read_text(encoding="utf-8")
