"""Plain data for running untrusted code: what to run, the limits, what happened."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    """The outcome of a run or of one check; never confused with one another."""

    PASSED = "passed"
    FAILED = "failed"  # a check ran and its assertion did not hold
    ERROR = "error"  # the code or a check raised an exception
    TIMEOUT = "timeout"  # CPU or wall-clock limit reached
    CRASHED = "crashed"  # the interpreter died (signal, abort, segfault)
    MEMORY = "memory"  # killed or failed for exceeding the memory limit


@dataclass(frozen=True)
class Check:
    """One executable check run after the candidate's code, in the same namespace.

    `source` is Python statement text, usually an `assert` (e.g.
    "assert fib(10) == 55"); `label` is how a user wrote it ("fib(10) == 55").
    """

    source: str
    label: str


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run."""

    cpu_seconds: float = 2.0
    wall_seconds: float = 5.0
    memory_bytes: int = 512 * 1024 * 1024
    processes: int = 16
    file_bytes: int = 1024 * 1024
    open_files: int = 64
    output_bytes: int = 64 * 1024


@dataclass(frozen=True)
class CheckResult:
    """What one check did."""

    check: Check
    verdict: Verdict
    message: str = ""  # the exception or the failing comparison, for the user
    seconds: float = 0.0  # wall time of the check itself (efficiency evidence)


@dataclass(frozen=True)
class RunResult:
    """What one run did: the code, then each check in order."""

    verdict: Verdict  # PASSED only when the code ran and every check passed
    checks: list[CheckResult] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    message: str = ""  # why a run as a whole failed (error text, limit reached)

    @property
    def passed(self) -> int:
        """How many checks passed."""
        return sum(1 for c in self.checks if c.verdict is Verdict.PASSED)
