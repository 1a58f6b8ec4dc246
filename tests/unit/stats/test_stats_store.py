"""The statistics file: round trips, damaged lines, bounded size, the on/off switches."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_codegen.stats.acceptance import BadAcceptance, parse_acceptance
from lsp_codegen.stats.records import Record, from_line, to_line
from lsp_codegen.stats.store import StatsStore, default_path, disabled_by_environment


def test_records_round_trip_without_empty_fields() -> None:
    records = [
        Record("shown", 1.5, "python", "completion", 12.25, 3),
        Record("accepted", 2.0, "go", candidate=1),
        Record("partial", 3.0, "rust", candidate=0, accepted_length=7),
    ]
    for record in records:
        assert from_line(to_line(record)) == record
    assert "latencyMs" not in to_line(records[1])


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1, 2]",
        '{"event": "clicked", "time": 1, "language": "python"}',
        '{"event": "shown", "time": "yesterday", "language": "python"}',
        '{"event": "shown", "time": 1}',
        '{"event": "shown", "time": true, "language": "python"}',
    ],
)
def test_damaged_lines_are_not_records(line: str) -> None:
    assert from_line(line) is None


def test_read_skips_damaged_lines_and_a_missing_file(tmp_path: Path) -> None:
    store = StatsStore(tmp_path / "stats" / "events.jsonl")
    assert store.read() == []
    store.append(Record("accepted", 1.0, "python", candidate=0))
    with store.path.open("a") as file:
        file.write('{"event": "shown", "ti\n')  # a torn write
    store.append(Record("accepted", 2.0, "python", candidate=0))
    assert [r.time for r in store.read()] == [1.0, 2.0]


def test_the_file_stays_bounded_and_keeps_the_newest(tmp_path: Path) -> None:
    store = StatsStore(tmp_path / "events.jsonl", max_bytes=2000)
    for i in range(500):
        store.append(Record("shown", float(i), "python", "inline", 1.0, 1))
    assert store.path.stat().st_size <= 2000
    times = [r.time for r in store.read()]
    assert times[-1] == 499.0
    assert times == sorted(times) and len(times) > 10
    assert not list(tmp_path.glob(".events-*"))  # no temporary file left behind


def test_default_path_and_switch_follow_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LSP_CODEGEN_CACHE", str(tmp_path))
    assert default_path() == tmp_path / "stats" / "events.jsonl"
    monkeypatch.setenv("LSP_CODEGEN_STATS", "Off")
    assert disabled_by_environment()
    monkeypatch.setenv("LSP_CODEGEN_STATS", "on")
    assert not disabled_by_environment()


def test_acceptance_arguments() -> None:
    args = [{"uri": "file:///a.py", "version": 3, "candidate": 1, "acceptedLength": 4}]
    assert parse_acceptance(args).accepted_length is None
    assert parse_acceptance(args, partial=True).accepted_length == 4
    for bad in (
        [],
        [1],
        [{"uri": "", "version": 1, "candidate": 0}],
        [{**args[0], "version": True}],
    ):
        with pytest.raises(BadAcceptance):
            parse_acceptance(bad)
    with pytest.raises(BadAcceptance, match="acceptedLength"):
        parse_acceptance([{**args[0], "acceptedLength": -1}], partial=True)
