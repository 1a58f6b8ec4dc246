"""Lint findings from ruff, counted on the candidate's lines only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lsp_codegen.ranking import lint
from lsp_codegen.ranking.lint import lint_findings, ruff_binary

pytestmark = pytest.mark.skipif(ruff_binary() is None, reason="ruff is not installed")

MODULE = """import os


def total(xs):
    unused = 0
    return sum(xs) + missing
"""


def test_unused_variable_and_undefined_name() -> None:
    result = lint_findings(MODULE)
    assert result.available
    codes = [finding.split()[0] for finding in result.findings]
    assert codes == ["F401", "F841", "F821"]
    assert result.count == 3
    assert "F841 line 5: Local variable `unused` is assigned to but never used" in result.findings
    assert "F821 line 6: Undefined name `missing`" in result.findings


def test_only_the_candidate_lines_count_and_lines_are_relative() -> None:
    result = lint_findings(MODULE, (5, 6))
    assert result.findings == [
        "F841 line 1: Local variable `unused` is assigned to but never used",
        "F821 line 2: Undefined name `missing`",
    ]
    assert lint_findings(MODULE, (3, 4)).count == 0


def test_names_from_the_document_are_known() -> None:
    module = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n"
    assert lint_findings(module, (5, 5)).count == 0


def test_style_only_rules_are_off() -> None:
    long_line = "x = " + " + ".join(["1"] * 60)
    module = f"f = lambda: 0\nl = 1\n{long_line}\nif True:\n    if l:\n        pass\n"
    assert lint_findings(module).count == 0


def test_bugbear_and_simplify_rules_are_on() -> None:
    module = "def f(xs=[]):\n    return xs\n\n\ndef g(a):\n    return True if a else False\n"
    codes = sorted(finding.split()[0] for finding in lint_findings(module).findings)
    assert codes == ["B006", "SIM210"]


def test_syntax_errors_are_left_to_the_syntax_gate() -> None:
    result = lint_findings("x = (\n")
    assert result.available and result.count == 0


def test_missing_ruff_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lint, "ruff_binary", lambda: None)
    result = lint_findings(MODULE)
    assert not result.available and result.count == 0 and result.detail == "ruff not found"


def test_timeout_is_unavailable() -> None:
    result = lint_findings(MODULE, timeout=1e-6)
    assert not result.available
    assert "longer than" in result.detail


def test_failing_binary_is_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "ruff"
    fake.write_text("#!/bin/sh\necho 'ruff: broken' >&2\nexit 2\n")
    fake.chmod(0o755)
    monkeypatch.setattr(lint, "ruff_binary", lambda: str(fake))
    result = lint_findings(MODULE)
    assert not result.available and result.detail == "ruff: broken"


def test_non_json_output_is_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "ruff"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(lint, "ruff_binary", lambda: str(fake))
    assert not lint_findings(MODULE).available


def test_nothing_is_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lint_findings(MODULE)
    assert list(tmp_path.iterdir()) == []


def test_ruff_is_found_next_to_the_interpreter() -> None:
    binary = ruff_binary()
    assert binary is not None
    completed = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    assert completed.stdout.startswith("ruff ")
