"""Lint findings for a Python candidate, from ruff run as a subprocess.

The candidate is linted in context (the spliced document, so names the
document defines are known) and only findings on the candidate's lines count.
The rule set is small and about correctness rather than style: pyflakes (F),
pycodestyle errors (E), bugbear (B) and simplify (SIM), minus the rules that
only judge style or depend on where the code sits. ruff runs isolated from any
configuration file, writes no cache, and gets `TIMEOUT_SECONDS`; when it is
missing, fails or is too slow, the result says `available=False`.
Syntax errors are left to the syntax gate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT_SECONDS = 2.0
SELECT = ("E", "F", "B", "SIM")
IGNORE = (
    "E402",  # import not at the top: the candidate sits wherever the user asked
    "E501",  # line length
    "E701",  # several statements on one line (style)
    "E702",
    "E703",
    "E731",  # lambda assigned to a name (style)
    "E741",  # ambiguous names like `l` (style)
    "F403",  # `import *` (the document's choice, not the candidate's)
    "F405",  # names that may come from `import *`
    "B904",  # `raise ... from` inside except (style)
    "B905",  # zip() without strict= (opinion)
    "SIM102",  # collapsible if
    "SIM103",  # return the condition directly
    "SIM105",  # contextlib.suppress
    "SIM108",  # ternary instead of if/else
    "SIM110",  # any()/all() instead of a loop
    "SIM114",  # combine if branches
    "SIM116",  # dict lookup instead of if chain
    "SIM117",  # merge with statements
    "SIM118",  # `in dict.keys()`
    "SIM300",  # yoda conditions
    "SIM401",  # dict.get
)
_SYNTAX_CODES = frozenset({"invalid-syntax", "E999"})


@dataclass(frozen=True)
class LintResult:
    """Findings on the candidate's lines ("F841 line 2: Local variable ...")."""

    available: bool
    findings: list[str] = field(default_factory=list)
    count: int = 0
    detail: str = ""  # why lint is unavailable


def ruff_binary() -> str | None:
    """The ruff executable next to the running Python, else on PATH, else None."""
    name = "ruff.exe" if os.name == "nt" else "ruff"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


def lint_findings(
    code: str,
    lines: tuple[int, int] | None = None,
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> LintResult:
    """Lint `code` (a whole module) and keep findings on `lines` (1-based, inclusive).

    Without `lines` every finding counts. Line numbers in the findings are
    relative to the first line of the range.
    """
    binary = ruff_binary()
    if binary is None:
        return LintResult(False, detail="ruff not found")
    command = [
        binary,
        "check",
        "--isolated",
        "--no-cache",
        "--no-fix",
        "--quiet",
        "--output-format",
        "json",
        "--select",
        ",".join(SELECT),
        "--ignore",
        ",".join(IGNORE),
        "--stdin-filename",
        "candidate.py",
        "-",
    ]
    try:
        completed = subprocess.run(
            command,
            input=code,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return LintResult(False, detail=f"ruff took longer than {timeout:g} s")
    except OSError as error:
        return LintResult(False, detail=f"ruff could not run: {error}")
    if completed.returncode not in (0, 1):
        message = completed.stderr.strip().splitlines()
        return LintResult(False, detail=message[-1] if message else "ruff failed")
    try:
        reported = json.loads(completed.stdout)
    except json.JSONDecodeError:
        return LintResult(False, detail="ruff output was not JSON")
    if not isinstance(reported, list):
        return LintResult(False, detail="ruff output was not a list")
    first = lines[0] if lines else 1
    findings = []
    for entry in reported:
        finding = _finding(entry, lines, first)
        if finding is not None:
            findings.append(finding)
    return LintResult(True, findings, len(findings))


def _finding(entry: object, lines: tuple[int, int] | None, first: int) -> str | None:
    if not isinstance(entry, dict):
        return None
    code = entry.get("code")
    if not isinstance(code, str) or code in _SYNTAX_CODES:
        return None
    location = entry.get("location")
    row = location.get("row") if isinstance(location, dict) else None
    if not isinstance(row, int):
        return None
    if lines is not None and not lines[0] <= row <= lines[1]:
        return None
    return f"{code} line {row - first + 1}: {entry.get('message', '')}"
