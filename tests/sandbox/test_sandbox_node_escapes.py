"""Escape attempts from a real Node, as test_sandbox_escapes.py makes them from Python:
each must be blocked, or contained, and the result must say which.

Cases that only bubblewrap can block are skipped, with the reason, in the rlimits modes.
"""

from __future__ import annotations

import socket
import tempfile
import uuid
from pathlib import Path

import pytest

from lsp_codegen.sandbox import Check, Limits, Verdict, isolation
from lsp_codegen.sandbox.node import NodeRuntime, NodeSetup
from lsp_codegen.sandbox.sandbox import Sandbox
from tests.sandbox.helpers import (
    gone,
    needs_bubblewrap,
    processes_with,
    run_with_secrets,
    running,
)


async def test_writing_outside_the_temp_dir_is_blocked(
    node_confined: Sandbox, outside: list[Path]
) -> None:
    needs_bubblewrap(node_confined, "writing the server's files")
    for folder in outside:
        victim = folder / "victim.txt"
        victim.write_text("original")
        code = f"require('node:fs').writeFileSync({str(victim)!r}, 'pwned');\n"
        result = await node_confined.run(code, [])
        assert result.verdict is Verdict.ERROR
        assert result.message.split(":")[1].strip() in {"ENOENT", "EROFS", "EACCES"}
        assert victim.read_text() == "original"
        shell = f"require('node:child_process').execSync('touch {folder}/by_shell');\n"
        assert (await node_confined.run(shell, [])).verdict is Verdict.ERROR
        assert sorted(p.name for p in folder.iterdir()) == ["victim.txt"]


async def test_secret_files_are_not_visible(node_confined: Sandbox, tmp_path: Path) -> None:
    needs_bubblewrap(node_confined, "reading any file the server can read")
    key = tmp_path / ".ssh" / "id_ed25519"
    key.parent.mkdir()
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY----- secret")
    code = f"console.log(require('node:fs').readFileSync({str(key)!r}, 'utf8'));\n"
    result = await node_confined.run(code, [])
    assert result.verdict is Verdict.ERROR
    assert "ENOENT" in result.message and "secret" not in result.stdout
    home = await node_confined.run(
        "const fs = require('node:fs');\nconsole.log(require('node:os').homedir(), "
        "JSON.stringify(fs.readdirSync('.').filter((f) => !f.startsWith('candidate'))));\n",
        [],
    )
    assert home.stdout.startswith(tempfile.gettempdir())  # HOME is the run's own temp dir
    assert home.stdout.rstrip().endswith("[]")


async def test_environment_is_scrubbed(
    node: NodeRuntime, node_confined: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "console.log(JSON.stringify(process.env));\n"
    result = await run_with_secrets(NodeSetup(node), node_confined, monkeypatch, code)
    assert "NODE_OPTIONS" not in result.stdout and "NPM_TOKEN" not in result.stdout


async def test_no_connection_to_a_local_port(node_confined: Sandbox) -> None:
    needs_bubblewrap(node_confined, "connecting to the network")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        port = server.getsockname()[1]
        # The module runs synchronously to its end before the checks: a second node
        # inside the sandbox makes the attempt and reports how it ended.
        attempt = (
            f"require('net').connect({port}, '127.0.0.1')"
            ".on('connect', () => console.log('connected'))"
            ".on('error', (e) => console.log(e.code))"
        )
        code = (
            "const outcome = require('node:child_process').execFileSync(process.execPath, "
            f"['-e', {attempt!r}], {{ encoding: 'utf8', timeout: 3000 }}).trim();\n"
        )
        check = Check("assert.strictEqual(outcome, 'ECONNREFUSED')", "refused")
        result = await node_confined.run(code, [check])
        assert result.verdict is Verdict.PASSED, (result.message, result.stderr)
        with pytest.raises(TimeoutError):
            server.accept()


async def test_child_process_fork_bomb_is_contained(node_confined: Sandbox) -> None:
    if not node_confined.contains_fork_bombs:
        pytest.skip(
            "the code would run as root, which RLIMIT_NPROC does not bind: a fork "
            "bomb would run this machine out of pids"
        )
    bomb = (
        "const { spawn } = require('node:child_process');\n"
        "for (;;) { try { spawn('/bin/sh', ['-c', 'while :; do sh -c : & done']); }"
        " catch (e) {} }\n"
    )
    result = await node_confined.run(bomb, [], Limits(wall_seconds=1.5))
    assert result.verdict in {Verdict.TIMEOUT, Verdict.ERROR, Verdict.MEMORY}
    after = await node_confined.run("const x = 1;", [Check("assert.strictEqual(x, 1)", "x")])
    assert after.verdict is Verdict.PASSED  # the server and the sandbox carry on
    await node_confined.close()
    assert await gone(node_confined.tag)  # every fork went with the run


@pytest.mark.parametrize("detached", [False, True], ids=["same-group", "setsid"])
async def test_child_processes_do_not_outlive_the_run(
    node_confined: Sandbox, detached: bool
) -> None:
    pid_namespace = node_confined.isolation == isolation.BUBBLEWRAP
    uid_sweep = isolation.running_as_root() and node_confined.contains_fork_bombs
    if detached and not (pid_namespace or uid_sweep):
        pytest.skip(
            "rlimits only: a child that calls setsid() leaves the process group that "
            "killpg reaches (needs bubblewrap's pid namespace)"
        )
    marker = f"sandbox-orphan-{uuid.uuid4().hex}"
    options = "{ detached: true, stdio: 'ignore' }" if detached else "{ stdio: 'ignore' }"
    code = (
        "const child = require('node:child_process')"
        f".spawn('sh', ['-c', 'sleep 60', {marker!r}], {options});\n"
        "child.unref();\nconsole.log(child.pid);\n"
    )
    result = await node_confined.run(code, [])
    assert result.verdict is Verdict.PASSED, result.message
    assert await gone(marker), processes_with(marker)
    if not pid_namespace:  # the printed pid is a host pid only without a pid namespace
        assert not running(int(result.stdout), marker)
