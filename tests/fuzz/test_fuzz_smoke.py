"""A short fuzz run in every test run (`make fuzz` runs it for ten minutes)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fuzz.fuzz_lsp import fuzz


def test_short_fuzz_run_finds_no_crash_hang_or_internal_error(scripted_model_dir: Path) -> None:
    report = fuzz(seconds=25, seed=1234, model_dir=scripted_model_dir)
    assert report.ok(), json.dumps(report.summary(), indent=2)
    assert report.requests > 50 and report.answered == report.requests
