"""A one-line text progress bar for the evaluation, written to stderr.

On a terminal the line is redrawn in place; anywhere else (a log file, CI) each
update is its own line, since carriage returns would pile up there.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from lsp_codegen.evaluation.runner import ProblemResult

_WIDTH = 24


class ProgressBar:
    """Counts problems done and passing, and estimates the time left."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.first_sample = 0
        self.ranked = 0
        self.oracle = 0
        self.errors = 0
        self._stream = stream if stream is not None else sys.stderr
        self._started = time.monotonic()
        self._live = self._stream.isatty()
        self._drawn = 0  # length of the line last drawn in place

    def start(self) -> None:
        """Draw the empty bar."""
        self._draw("")

    def update(self, result: ProblemResult) -> None:
        """Count one finished problem and redraw."""
        self.done += 1
        self.first_sample += result.first_sample_passed
        self.ranked += result.ranked_passed
        self.oracle += result.oracle_passed
        self.errors += result.error is not None
        self._draw(result.task_id)

    def finish(self) -> None:
        """End the bar's line."""
        if self._live:
            self._stream.write("\n")
            self._stream.flush()

    def line(self, last: str = "") -> str:
        """The bar as text, e.g. `[######------]  12/164 first 3 ranked 4 oracle 6 ETA 3m12s`."""
        filled = _WIDTH * self.done // self.total if self.total else _WIDTH
        bar = "#" * filled + "-" * (_WIDTH - filled)
        text = (
            f"[{bar}] {self.done:>{len(str(self.total))}}/{self.total} "
            f"first {self.first_sample} ranked {self.ranked} oracle {self.oracle}"
        )
        if self.errors:
            text += f" errors {self.errors}"
        elapsed = time.monotonic() - self._started
        if self.done:
            left = elapsed / self.done * (self.total - self.done)
            text += f" | {_duration(elapsed)} elapsed, ETA {_duration(left)}"
        if last:
            text += f" | {last}"
        return text

    def _draw(self, last: str) -> None:
        text = self.line(last)
        if self._live:
            # Pad so a shorter line fully covers the previous one.
            self._stream.write("\r" + text.ljust(self._drawn))
            self._drawn = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _duration(seconds: float) -> str:
    """`42s`, `3m12s` or `1h05m`."""
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
