"""Named durations of one request, recorded as it runs (for its trace).

A leaf: the pipeline and the server both write to a `StageLog`, and nothing here
knows what a stage means. Recording costs a clock read and a small object, so
every request keeps one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stage:
    """One step of a request: its name, how long it took and what it handled."""

    name: str
    ms: float
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class StageLog:
    """The stages of one request, in the order they ended."""

    stages: list[Stage] = field(default_factory=list)

    def add(
        self, name: str, since: float, until: float | None = None, /, **details: object
    ) -> float:
        """Record `name` as lasting from `since` to `until` (time.monotonic(); now when
        None); returns its end, the start of whatever comes next."""
        end = time.monotonic() if until is None else until
        self.stages.append(Stage(name, round(max(0.0, end - since) * 1000, 2), details))
        return end

    def as_json(self) -> list[dict[str, object]]:
        """`[{"stage": name, "ms": ..., **details}, ...]`."""
        return [{"stage": s.name, "ms": s.ms, **s.details} for s in self.stages]
