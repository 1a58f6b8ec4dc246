"""Choosing the interpreter: setting, workspace virtualenv, server; each verified by running it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lsp_codegen.sandbox import interpreter as interpreter_module
from lsp_codegen.sandbox.interpreter import find_interpreter


def fake_python(path: Path, body: str) -> Path:
    """An executable shell script standing in for a python (it only has to answer -c)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_no_setting_no_workspace_uses_the_servers_own() -> None:
    chosen, problem = find_interpreter(None, None)
    assert problem is None
    assert (chosen.path, chosen.source) == (Path(sys.executable), "server")
    assert chosen.version == "{}.{}.{}".format(*sys.version_info[:3])


def test_setting_comes_first(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "custom" / "python", "echo 3.12.1")
    fake_python(tmp_path / ".venv" / "bin" / "python", "echo 3.10.0")
    chosen, problem = find_interpreter(tmp_path, str(python))
    assert problem is None
    assert (chosen.path, chosen.source, chosen.version) == (python, "setting", "3.12.1")


def test_setting_may_be_relative_or_a_virtualenv_folder(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "env" / "bin" / "python", "echo 3.12.1")
    assert find_interpreter(tmp_path, "env/bin/python")[0].path == python
    assert find_interpreter(tmp_path, str(tmp_path / "env"))[0].path == python


@pytest.mark.parametrize("folder", [".venv", "venv"])
def test_workspace_virtualenv_comes_next(tmp_path: Path, folder: str) -> None:
    python = fake_python(tmp_path / folder / "bin" / "python", "echo 3.10.4")
    chosen, problem = find_interpreter(tmp_path, None)
    assert problem is None  # no setting, and the workspace's venv works: nothing to report
    assert (chosen.path, chosen.source, chosen.version) == (python, "workspace", "3.10.4")


def test_a_real_workspace_virtualenv(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(tmp_path / ".venv")], check=True
    )
    chosen, problem = find_interpreter(tmp_path, None)
    assert problem is None
    assert chosen.path == tmp_path / ".venv" / "bin" / "python"


def test_missing_setting_falls_back_and_says_so(tmp_path: Path) -> None:
    python = fake_python(tmp_path / ".venv" / "bin" / "python", "echo 3.11.2")
    chosen, problem = find_interpreter(tmp_path, "/nowhere/python")
    assert chosen.path == python
    assert problem == (
        f"the interpreter setting '/nowhere/python' does not exist; using {python} "
        "(Python 3.11.2) instead"
    )


def test_broken_choices_fall_back_to_the_server(tmp_path: Path) -> None:
    setting = fake_python(tmp_path / "bad" / "python", "echo 'cannot start' >&2; exit 3")
    fake_python(tmp_path / ".venv" / "bin" / "python", "echo 2.7.18")
    chosen, problem = find_interpreter(tmp_path, str(setting))
    assert chosen.source == "server"
    assert problem is not None
    assert f"setting {str(setting)!r} failed (exit status 3: cannot start)" in problem
    assert "is Python 2.7.18, older than the 3.8 needed" in problem
    assert problem.endswith(f"using {sys.executable} (Python {chosen.version}) instead")


def test_a_hanging_interpreter_is_given_up_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interpreter_module, "VERIFY_TIMEOUT", 0.3)
    setting = fake_python(tmp_path / "slow" / "python", "sleep 10")
    chosen, problem = find_interpreter(None, str(setting))
    assert chosen.source == "server"
    assert problem is not None and "did not answer within 0.3 s" in problem


def test_not_executable_and_folder_settings(tmp_path: Path) -> None:
    plain = tmp_path / "python"
    plain.write_text("not a program")
    _, problem = find_interpreter(None, str(plain))
    assert problem is not None and "is not executable" in problem
    _, problem = find_interpreter(None, str(tmp_path))
    assert problem is not None and "is a folder" in problem
