"""How long to wait before generating for an automatic inline request.

A request that the next keystroke will supersede is wasted work that delays
the one the user waits for. If answers come back faster than the user types,
there is nothing to save: no wait. Otherwise wait a little longer than the
user's usual pause between keystrokes (never more than MAX_DELAY_S).
"""

from __future__ import annotations

import statistics
import time
from collections import deque

MAX_DELAY_S = 0.4
_RHYTHM_GAP_S = 1.0  # a longer pause is not typing rhythm
_MARGIN = 1.2


class TypingRhythm:
    """Recent keystroke intervals per document and recent answer latencies."""

    def __init__(self) -> None:
        self._last_change: dict[str, float] = {}
        self._intervals: deque[float] = deque(maxlen=8)
        self._latencies: deque[float] = deque(maxlen=16)

    def keystroke(self, uri: str, now: float | None = None) -> None:
        """Record an edit of `uri`."""
        now = time.monotonic() if now is None else now
        last = self._last_change.get(uri)
        if last is not None and now - last < _RHYTHM_GAP_S:
            self._intervals.append(now - last)
        self._last_change[uri] = now

    def answered(self, seconds: float) -> None:
        """Record how long an inline answer took."""
        self._latencies.append(seconds)

    def forget(self, uri: str) -> None:
        """Drop a closed document."""
        self._last_change.pop(uri, None)

    def typing(self, uri: str, now: float | None = None) -> bool:
        """True while `uri` was edited within a typing pause (the user is typing in it)."""
        now = time.monotonic() if now is None else now
        last = self._last_change.get(uri)
        return last is not None and now - last <= _RHYTHM_GAP_S

    def delay(self, uri: str, now: float | None = None) -> float:
        """Seconds to wait before generating for `uri` (0 when the user is not typing)."""
        now = time.monotonic() if now is None else now
        if not self.typing(uri, now) or not self._intervals:
            return 0.0
        interval = statistics.median(self._intervals)
        if self._latencies and statistics.median(self._latencies) <= interval:
            return 0.0
        return min(MAX_DELAY_S, _MARGIN * interval)
