"""The statistics file: append-only JSON lines, trimmed to a bounded size.

Several servers (one per editor window) may append at once: each record is one
short `write` in append mode, which POSIX keeps whole. Trimming rewrites the file
through a temporary file and an atomic rename.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from lsp_codegen.stats.records import Record, from_line, to_line

CACHE_ENV = "LSP_CODEGEN_CACHE"
SWITCH_ENV = "LSP_CODEGEN_STATS"  # "off" (or 0/false/no) turns recording off
MAX_BYTES = 2 * 1024 * 1024  # about 20,000 records
_OFF = frozenset({"0", "off", "false", "no"})
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)


def default_path() -> Path:
    """`stats/events.jsonl` under `$LSP_CODEGEN_CACHE`, else the user cache directory."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "stats" / "events.jsonl"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lsp-codegen")) / "stats" / "events.jsonl"


def disabled_by_environment() -> bool:
    """True when `$LSP_CODEGEN_STATS` says off."""
    return os.environ.get(SWITCH_ENV, "").strip().lower() in _OFF


class StatsStore:
    """Appends records to one file and reads them back; keeps it under `max_bytes`."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def append(self, record: Record) -> None:
        """Add one record; past `max_bytes`, keep only the newest half. Raises OSError."""
        # One os.write of the encoded line: no text layer per record, and the
        # directory is made only when the file cannot be opened without it.
        data = to_line(record).encode("utf-8")
        try:
            descriptor = os.open(self.path, _APPEND, 0o666)
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, _APPEND, 0o666)
        try:
            while data:
                data = data[os.write(descriptor, data) :]
            size = os.lseek(descriptor, 0, os.SEEK_CUR)
        finally:
            os.close(descriptor)
        if size > self.max_bytes:
            self.trim(self.max_bytes // 2)

    def read(self) -> list[Record]:
        """Every valid record, oldest first (no file: none; damaged lines are skipped)."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as file:
                return [r for r in map(from_line, file) if r is not None]
        except FileNotFoundError:
            return []

    def trim(self, keep_bytes: int) -> None:
        """Rewrite the file with only the newest whole lines that fit `keep_bytes`."""
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        kept: list[str] = []
        size = 0
        for line in reversed(lines):
            size += len(line.encode("utf-8"))
            if size > keep_bytes:
                break
            kept.append(line)
        _replace(self.path, reversed(kept))


def _replace(path: Path, lines: Iterable[str]) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".events-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
