"""The `lsp-codegen` command as a user runs it: a subprocess, real arguments."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lsp_codegen", "--log-level", "WARNING", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generate_prints_ranked_candidates(tiny_model_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "prompt.py"
    source.write_text("# Return the n-th Fibonacci number.\ndef fib(n):\n")
    result = _run(
        "generate", str(source), "--line", "1", "--n", "3", "--model", str(tiny_model_dir)
    )
    assert result.returncode in (0, 1), result.stderr
    assert "candidates from tiny-model" in result.stdout
    assert result.stdout.count("## candidate") <= 3
    assert "logp" in result.stdout or "0 candidates" in result.stdout


def test_generate_with_trace_prints_each_stage_and_candidate(
    scripted_model_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "prompt.py"
    source.write_text("# add two numbers\n# add(1, 2) == 3\ndef add(a, b):\n")
    result = _run(
        "generate", str(source), "--line", "1", "--n", "2", "--model", str(scripted_model_dir),
        "--trace",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    trace = result.stdout.split("\n# trace\n", 1)[1]
    assert trace.startswith("shown: 1 suggestion of 2 candidates\n")
    for stage in ("prompt", "prompt read", "decode", "rank", "examples"):
        assert f"\n  {stage}: " in trace
    assert "#1 dropped: duplicate of candidate 0" in trace
    assert "examples 0/1" in trace  # the scripted `return 1` fails add(1, 2) == 3


def test_generate_runs_javascript_and_typescript_examples_in_node(
    scripted_model_dir: Path, tmp_path: Path
) -> None:
    if shutil.which("node") is None:
        pytest.skip("Node is not installed here")
    model = str(scripted_model_dir)
    source = tmp_path / "one.js"
    source.write_text("// Return one.\n// one() === 1, one() + 1 -> 2\nfunction one() {\n}\n")
    result = _run("generate", str(source), "--line", "1", "--n", "2", "--model", model)
    assert result.returncode == 0, result.stderr
    assert "checked on 2 examples" in result.stdout
    assert "## candidate 1 · ✓ 2/2 examples · logp" in result.stdout
    typed = tmp_path / "one.ts"  # no typescript in tmp_path's node_modules
    typed.write_text("// Return one.\n// one() === 1\nfunction one(): number {\n}\n")
    result = _run("generate", str(typed), "--line", "1", "--n", "2", "--model", model)
    assert result.returncode == 0, result.stderr
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    if tuple(int(p) for p in node_version.lstrip("v").split(".")[:2]) < (22, 6):
        assert "## candidate 1 · examples not run · logp" in result.stdout


def test_generate_with_a_missing_model_names_the_setting(tmp_path: Path) -> None:
    source = tmp_path / "prompt.py"
    source.write_text("# add\n")
    result = _run("generate", str(source), "--line", "1", "--model", str(tmp_path / "none"))
    assert result.returncode == 1
    assert "`model`" in result.stderr


def test_doctor_reports_device_model_and_speed(tiny_model_dir: Path) -> None:
    result = _run("doctor", "--model", str(tiny_model_dir))
    assert result.returncode == 0, result.stderr
    assert "torch 2.13.0" in result.stdout
    assert "model: tiny-model" in result.stdout and "on cpu" in result.stdout
    assert "\nsandbox: " in result.stdout and "\npython: " in result.stdout
    assert "\nnode: " in result.stdout and "\ntypescript: " in result.stdout
    assert "tokens/s" in result.stdout


def test_unknown_device_is_reported_and_defaulted(tiny_model_dir: Path) -> None:
    result = _run("doctor", "--model", str(tiny_model_dir), "--device", "tpu")
    assert result.returncode == 0
    assert "`device`" in result.stderr
