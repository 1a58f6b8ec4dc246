"""What bubblewrap is told, and that an interpreter under a hidden folder still runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from lsp_codegen.sandbox import Check, Verdict, isolation, isolation_name
from lsp_codegen.sandbox.interpreter import find_interpreter
from lsp_codegen.sandbox.sandbox import Sandbox, create_sandbox

needs_bwrap = pytest.mark.skipif(
    not isolation.bubblewrap_available(), reason="bubblewrap does not work here"
)


def test_isolation_name_matches_the_probe() -> None:
    expected = "bubblewrap + rlimits" if isolation.bubblewrap_available() else "rlimits only"
    assert isolation_name() == expected


def test_hidden_dirs_cover_scratch_and_secrets() -> None:
    hidden = isolation.hidden_dirs()
    for path in ("/tmp", os.path.realpath(tempfile.gettempdir()), os.path.realpath(Path.home())):
        if os.path.isdir(path) and path != "/":
            assert any(path == h or path.startswith(h + "/") for h in hidden), path
    assert "/" not in hidden and "/usr" not in hidden
    assert len(hidden) == len(set(hidden))


@needs_bwrap
def test_prefix_has_the_promised_flags(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    args = isolation.sandbox_prefix(work, ())
    joined = " ".join(args)
    assert "--ro-bind / /" in joined
    assert "--proc /proc" in joined and "--dev /dev" in joined
    assert f"--bind {work} {work} --chdir {work}" in joined
    for flag in (
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
    ):
        assert flag in args or "--unshare-all" in args
    assert "--die-with-parent" in args and "--new-session" in args
    assert args[-1] == "--"


@needs_bwrap
def test_interpreter_under_a_hidden_folder_still_runs(tmp_path: Path) -> None:
    # A virtualenv in /tmp: the tmpfs over /tmp would hide it without the bind back.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    chosen, problem = find_interpreter(None, str(venv / "bin" / "python"))
    assert problem is None

    async def run() -> None:
        async with Sandbox(chosen, warm=0, bubblewrap=True) as box:
            result = await box.run(
                "import sys\nprefix = sys.prefix\n",
                [Check(f"assert prefix == {str(venv)!r}", "prefix")],
            )
            assert result.verdict is Verdict.PASSED, (result.message, result.stderr)

    import asyncio

    asyncio.run(run())


async def test_create_sandbox_starts_warm_workers() -> None:
    chosen, _ = find_interpreter(None, None)
    box = create_sandbox(chosen, warm=2)
    try:
        assert box.isolation == isolation_name()
        assert box.interpreter == chosen
        await box.ready()
        result = await box.run("", [])
        assert result.verdict is Verdict.PASSED
    finally:
        await box.close()


def test_run_environment_is_minimal(tmp_path: Path) -> None:
    env = isolation.run_environment(tmp_path, Path("/opt/py/bin/python"))
    assert set(env) == {"PATH", "LANG", "HOME", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED"}
    assert env["HOME"] == str(tmp_path)
    assert env["PATH"].startswith("/opt/py/bin:")
