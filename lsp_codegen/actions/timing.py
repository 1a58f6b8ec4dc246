"""Deciding from repeated timings whether a rewrite is faster beyond the noise."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

# The least speedup worth offering: below it, a rewrite is "not faster".
MIN_SPEEDUP = 1.1


@dataclass(frozen=True)
class Timing:
    """Seconds per round (every input once) of each version, one sample per repeat."""

    original: tuple[float, ...]
    rewrite: tuple[float, ...]

    @property
    def speedup(self) -> float:
        """Median original time ÷ median rewrite time (2.0: twice as fast)."""
        rewrite = statistics.median(self.rewrite)
        original = statistics.median(self.original)
        return original / rewrite if rewrite > 0 else float("inf")

    @property
    def faster(self) -> bool:
        """True when the rewrite is faster beyond the noise.

        The median speedup must reach MIN_SPEEDUP, and the spreads must not
        overlap: the rewrite's upper quartile below the original's lower
        quartile. One outlier (a busy machine) moves neither.
        """
        if len(self.original) < 2 or len(self.rewrite) < 2:
            return False
        return (
            self.speedup >= MIN_SPEEDUP
            and _quartiles(self.rewrite)[1] < (_quartiles(self.original)[0])
        )


def _quartiles(samples: tuple[float, ...]) -> tuple[float, float]:
    """Lower and upper quartile (inclusive method: defined for any sample size ≥ 2)."""
    cuts = statistics.quantiles(samples, n=4, method="inclusive")
    return cuts[0], cuts[2]


def format_speedup(speedup: float) -> str:
    """ "2.3×", "15×", "1.04×"."""
    if speedup >= 10:
        return f"{speedup:.0f}\u00d7"
    if speedup >= 1.095 or speedup < 0.995:
        return f"{speedup:.1f}\u00d7"
    return f"{speedup:.2f}\u00d7"
