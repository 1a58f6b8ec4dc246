"""Escape attempts: each must be blocked, or contained, and the result must say which.

Cases that only bubblewrap can block are skipped, with the reason, in the rlimits
mode (and wherever bubblewrap does not work).
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

from lsp_codegen.sandbox import Check, Limits, Verdict, isolation
from lsp_codegen.sandbox.interpreter import Interpreter
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import (
    gone,
    needs_bubblewrap,
    processes_with,
    run_with_secrets,
    running,
)


def code_is_unprivileged(box: Sandbox) -> bool:
    """Whether the code runs as a uid that rlimits bind (never root)."""
    return box.contains_fork_bombs


async def test_writing_outside_the_temp_dir_is_blocked(
    confined: Sandbox, outside: list[Path]
) -> None:
    needs_bubblewrap(confined, "writing the server's files")
    for folder in outside:
        victim = folder / "victim.txt"
        victim.write_text("original")
        result = await confined.run(f"open({str(victim)!r}, 'w').write('pwned')\n", [])
        assert result.verdict is Verdict.ERROR
        assert result.message.split(":")[0] in {"FileNotFoundError", "OSError", "PermissionError"}
        assert victim.read_text() == "original"
        assert os.listdir(folder) == ["victim.txt"]


async def test_shell_and_ctypes_cannot_write_outside(
    confined: Sandbox, outside: list[Path]
) -> None:
    needs_bubblewrap(confined, "running a shell command against the server's files")
    targets = [outside[0] / "by_posix_system", outside[-1] / "by_ctypes_system"]
    code = (
        "import ctypes, posix\n"
        f"status = [posix.system('touch {targets[0]}'),\n"
        f"          ctypes.CDLL(None).system(b'touch {targets[1]}')]\n"
        # Remounting the read-only root writable needs CAP_SYS_ADMIN, which is gone.
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "remount = libc.mount(b'none', b'/', None, 32 | 4096, None)\n"
    )
    result = await confined.run(
        code, [Check("assert status == [0, 0]", "touch"), Check("assert remount == 0", "remount")]
    )
    assert result.verdict is Verdict.FAILED  # contained: the commands ran, and failed
    assert [c.verdict for c in result.checks] == [Verdict.FAILED, Verdict.FAILED]
    assert "cannot touch" in result.stderr
    assert result.checks[1].message == "remount: got -1, expected 0"
    assert not any(t.exists() for t in targets)


async def test_secret_files_are_not_visible(confined: Sandbox, tmp_path: Path) -> None:
    needs_bubblewrap(confined, "reading any file the server can read")
    ssh = tmp_path / ".ssh"
    ssh.mkdir()
    key = ssh / "id_ed25519"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY----- secret")
    result = await confined.run(f"print(open({str(key)!r}).read())\n", [])
    assert result.verdict is Verdict.ERROR
    assert result.message.startswith("FileNotFoundError")
    assert "secret" not in result.stdout
    home = await confined.run("import os\nprint(os.path.expanduser('~'), os.listdir('.'))\n", [])
    assert home.stdout.startswith(tempfile.gettempdir())  # HOME is the run's own temp dir
    assert "[]" in home.stdout
    real_home = await confined.run(f"print(open({str(Path.home() / '.bashrc')!r}).read())", [])
    assert real_home.verdict is Verdict.ERROR


async def test_environment_is_scrubbed(
    interpreter: Interpreter, confined: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "import os\nprint(dict(os.environ))\n"
    result = await run_with_secrets(interpreter, confined, monkeypatch, code)
    shown = eval(result.stdout)  # noqa: S307 - our own test output, a dict literal
    assert set(shown) == {"PATH", "LANG", "HOME", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED"}
    assert shown["PYTHONHASHSEED"] == "0"


async def test_no_connection_to_a_local_port(confined: Sandbox) -> None:
    needs_bubblewrap(confined, "connecting to the network")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        port = server.getsockname()[1]
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        result = await confined.run(code, [])
        assert result.verdict is Verdict.ERROR
        assert result.message.startswith("ConnectionRefusedError")  # its own loopback
        with pytest.raises(TimeoutError):
            server.accept()


async def test_no_name_resolution(confined: Sandbox) -> None:
    needs_bubblewrap(confined, "resolving host names")
    result = await confined.run("import socket\nsocket.getaddrinfo('pypi.org', 443)\n", [])
    assert result.verdict is Verdict.ERROR
    assert result.message.startswith("gaierror")


async def test_process_limit_holds(confined: Sandbox) -> None:
    if not code_is_unprivileged(confined):
        pytest.skip("the code would run as root, which RLIMIT_NPROC does not bind")
    marker = f"sandbox-nproc-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\nkids = []\ntry:\n    for _ in range(50):\n"
        f"        kids.append(subprocess.Popen([sys.executable, '-c', 'import time; "
        f"time.sleep(60)', {marker!r}]))\n"
        "except OSError as error:\n    print(type(error).__name__)\nprint(len(kids))\n"
    )
    result = await confined.run(code, [], Limits(processes=5))
    assert result.verdict is Verdict.PASSED, result.message
    refused, started = result.stdout.split()
    assert refused == "BlockingIOError"  # fork() said EAGAIN
    assert int(started) < 5
    assert await gone(marker)


async def test_fork_bomb_is_contained(confined: Sandbox) -> None:
    if not code_is_unprivileged(confined):
        pytest.skip(
            "the code would run as root, which RLIMIT_NPROC does not bind: a fork "
            "bomb would run this machine out of pids"
        )
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    result = await confined.run(bomb, [], Limits(wall_seconds=1.0))
    assert result.verdict is Verdict.TIMEOUT
    after = await confined.run("x = 1\n", [Check("assert x == 1", "x == 1")])
    assert after.verdict is Verdict.PASSED  # the server and the sandbox carry on
    await confined.close()
    assert await gone(confined.tag)  # every fork went with the run


@pytest.mark.parametrize("new_session", [False, True], ids=["same-group", "setsid"])
async def test_child_processes_do_not_outlive_the_run(confined: Sandbox, new_session: bool) -> None:
    pid_namespace = confined.isolation == isolation.BUBBLEWRAP
    uid_sweep = isolation.running_as_root() and code_is_unprivileged(confined)
    if new_session and not (pid_namespace or uid_sweep):
        pytest.skip(
            "rlimits only: a child that calls setsid() leaves the process group that "
            "killpg reaches (needs bubblewrap's pid namespace)"
        )
    marker = f"sandbox-orphan-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', "
        f"{marker!r}], start_new_session={new_session})\n"
        "print(child.pid)\n"
    )
    result = await confined.run(code, [])
    shared_count = confined.isolation == isolation.RLIMITS_ONLY and not uid_sweep
    if shared_count and result.message.startswith("BlockingIOError"):
        # RLIMIT_NPROC without namespaces counts every process of the server's user
        # (earlier tests' zombies too): the child may simply have been refused.
        return
    assert result.verdict is Verdict.PASSED, result.message
    assert await gone(marker), processes_with(marker)
    if not pid_namespace:  # the printed pid is a host pid only without a pid namespace
        assert not running(int(result.stdout), marker)


async def test_code_cannot_raise_its_own_limits(confined: Sandbox) -> None:
    if not code_is_unprivileged(confined):
        pytest.skip("the code would run as root, which may raise its own hard limits")
    code = (
        "import resource\ninf = resource.RLIM_INFINITY\n"
        "resource.setrlimit(resource.RLIMIT_AS, (inf, inf))\n"
    )
    result = await confined.run(code, [])
    assert result.verdict is Verdict.ERROR
    assert result.message == "ValueError: not allowed to raise maximum limit"
