"""Which Python runs the candidates: a setting, the workspace's virtualenv, or the server's own."""

from __future__ import annotations

import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lsp_codegen.sandbox import isolation
from lsp_codegen.sandbox.launch import Launch, worker_source

VERIFY_TIMEOUT = 5.0
MINIMUM_VERSION = (3, 8)  # worker.py is written for 3.8+
_VERSION_SCRIPT = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Interpreter:
    """A Python executable that was run and answered with its version."""

    path: Path  # as given, not resolved: a venv's bin/python must stay a venv's
    source: str  # "setting", "workspace", or "server"
    version: str  # "3.11.7"

    def launch(self) -> Launch:
        """Workers run worker.py with this interpreter (probes its paths once: blocking)."""
        return Launch(
            executable=self.path,
            argv=("-B", "-s", "-u", "-c", worker_source("worker.py")),
            visible=isolation.interpreter_paths(str(self.path)),
            probe=isolation.PYTHON_PROBE,
        )


def find_interpreter(
    workspace_root: Path | None, setting: str | None
) -> tuple[Interpreter, str | None]:
    """Choose the interpreter for candidate runs, verifying each choice by running it.

    Order: `setting` (a path to a python executable, or to a virtualenv folder),
    then `.venv/bin/python` or `venv/bin/python` in `workspace_root`, then the
    server's own `sys.executable`. A missing or broken choice falls back to the next
    one; the second item then says what was wrong and what is used instead (None when
    nothing was wrong). A workspace without a virtualenv is not a problem.

    Blocking (up to 5 s per broken candidate): call it from a thread in async code.
    """
    problems: list[str] = []
    if setting:
        path = _setting_path(setting, workspace_root)
        interpreter, problem = verify(path, "setting")
        if interpreter is not None:
            return interpreter, None
        problems.append(f"the interpreter setting {setting!r} {problem}")
    if workspace_root is not None:
        for name in (".venv", "venv"):
            path = workspace_root / name / "bin" / "python"
            if not os.path.lexists(path):
                continue
            interpreter, problem = verify(path, "workspace")
            if interpreter is not None:
                return interpreter, _fallback_message(problems, interpreter)
            problems.append(f"the workspace interpreter {path} {problem}")
    own = Path(sys.executable)
    interpreter, problem = verify(own, "server")
    if interpreter is None:
        # The server's interpreter is running this very code: trust it, but say so.
        interpreter = Interpreter(own, "server", platform.python_version())
        problems.append(f"the server's interpreter {own} {problem}")
    return interpreter, _fallback_message(problems, interpreter)


def verify(path: Path, source: str) -> tuple[Interpreter | None, str]:
    """Run `path -c <print version>`; return the interpreter, or None and what went wrong."""
    if not path.exists():
        return None, "does not exist"
    if path.is_dir():
        return None, "is a folder, not a python executable"
    if not os.access(path, os.X_OK):
        return None, "is not executable"
    command = [str(path), "-I", "-c", _VERSION_SCRIPT]
    match, problem = isolation.ask_version(command, _VERSION_RE, VERIFY_TIMEOUT)
    if match is None:
        return None, problem
    version = tuple(int(part) for part in match.groups())
    if version[:2] < MINIMUM_VERSION:
        wanted = ".".join(map(str, MINIMUM_VERSION))
        return None, f"is Python {match.group(0)}, older than the {wanted} needed"
    return Interpreter(path, source, match.group(0)), ""


def _setting_path(setting: str, workspace_root: Path | None) -> Path:
    path = Path(os.path.expanduser(setting))
    if not path.is_absolute() and workspace_root is not None:
        path = workspace_root / path
    if path.is_dir() and (path / "bin" / "python").exists():
        return path / "bin" / "python"  # a virtualenv folder: users often point at that
    return path


def _fallback_message(problems: list[str], chosen: Interpreter) -> str | None:
    if not problems:
        return None
    return "; ".join(problems) + f"; using {chosen.path} (Python {chosen.version}) instead"
