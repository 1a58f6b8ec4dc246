"""Helpers for the sandbox tests (conftest.py holds only the fixtures)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from lsp_codegen.sandbox import isolation
from lsp_codegen.sandbox.interpreter import Interpreter, verify
from lsp_codegen.sandbox.launch import Runtime
from lsp_codegen.sandbox.node import NodeRuntime, NodeSetup, find_node
from lsp_codegen.sandbox.sandbox import Sandbox
from lsp_codegen.sandbox.types import RunResult, Verdict


def needs_bubblewrap(box: Sandbox, what: str) -> None:
    """Skip: without bubblewrap, the code runs with the server's own file and network access."""
    if box.isolation != isolation.BUBBLEWRAP:
        pytest.skip(f"rlimits only: nothing stops the code from {what} (needs bubblewrap)")


def processes_with(marker: str) -> list[int]:
    """pids (host view) of every process whose command line contains `marker`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = Path(entry.path, "cmdline").read_bytes()
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        if marker.encode() in cmdline and "\nState:\tZ" not in status:
            found.append(int(entry.name))
    return found


def shared_interpreter(own: Interpreter) -> Interpreter | None:
    """An interpreter that other uids can run too (a pyenv under /root is not one)."""
    for path in (own.path, "/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(path).exists() and isolation.can_run_as(isolation.PROBE_UID, str(path)):
            return verify(Path(path), "test")[0]
    return None


def _skip_unless_here(mode: str) -> None:
    """Skip when isolation `mode` cannot be had here.

    "rlimits" is forced even where bubblewrap works, so both paths run here;
    "rlimits-uid" is root without bubblewrap switching the code to a throw-away uid.
    """
    if mode == "bubblewrap" and not isolation.bubblewrap_available():
        pytest.skip("bubblewrap is not installed or cannot create namespaces here")
    if mode == "rlimits-uid" and not isolation.running_as_root():
        pytest.skip("only a server running as root switches the code to another uid")


async def open_sandbox(mode: str, own: Interpreter) -> Sandbox:
    """A one-warm-worker sandbox in `mode` (see _skip_unless_here), or a skip saying why
    that mode is not here."""
    _skip_unless_here(mode)
    chosen: Interpreter | None = own
    if mode == "rlimits-uid":
        chosen = shared_interpreter(own)
        if chosen is None:
            pytest.skip("no interpreter here that another uid can run")
    assert chosen is not None
    return Sandbox(chosen, warm=1, bubblewrap=mode == "bubblewrap")


def node_or_skip() -> NodeRuntime:
    """The `node` on PATH, verified, or a skip saying it is missing."""
    runtime, problem = find_node(None)
    if runtime is None:
        pytest.skip(f"Node is not installed here ({problem})")
    return runtime


def typescript_package() -> Path:
    """The editor client's real `typescript` package (installed by `make editor-deps`)."""
    package = (
        Path(__file__).parents[2] / "editor-clients" / "vscode" / "node_modules" / "typescript"
    )
    if not (package / "package.json").is_file():
        pytest.skip(
            "no typescript package: run `make editor-deps` (npm ci in editor-clients/vscode)"
        )
    return package


async def open_node_sandbox(mode: str, setup: NodeSetup) -> Sandbox:
    """A one-warm-worker Node sandbox in `mode` (see open_sandbox), or a skip."""
    _skip_unless_here(mode)
    if mode == "rlimits-uid":
        probe = setup.launch().probe
        if not isolation.can_run_as(isolation.PROBE_UID, str(setup.path), probe):
            pytest.skip("this node cannot be run by another uid")
    return Sandbox(setup, warm=1, bubblewrap=mode == "bubblewrap")


async def gone(marker: str, seconds: float = 3.0) -> bool:
    """Whether every process with `marker` in its command line is gone (waiting a little)."""
    deadline = time.monotonic() + seconds
    while processes_with(marker):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def running(pid: int, marker: str) -> bool:
    """Whether `pid` is still our marked process (not gone, a zombie, or a reused pid)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return "\nState:\tZ" not in status and marker.encode() in cmdline


# What a server's environment may hold that candidate code must never see.
SECRETS = {
    "LSP_SANDBOX_TEST_API_TOKEN": "tok-visible-to-server-only",
    "AWS_SECRET_ACCESS_KEY": "aws-secret",
    "SSH_AUTH_SOCK": "/run/ssh.sock",
    "NPM_TOKEN": "npm-secret",
    "NODE_OPTIONS": "--require=/nonexistent/hook.js",
}


async def run_with_secrets(
    runtime: Runtime, like: Sandbox, monkeypatch: pytest.MonkeyPatch, code: str
) -> RunResult:
    """`code` run by a sandbox (isolated as `like` is) started after SECRETS were set in the
    server's environment: its workers would inherit them if it did not scrub it."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    bubblewrap = like.isolation == isolation.BUBBLEWRAP
    async with Sandbox(runtime, warm=1, bubblewrap=bubblewrap) as box:
        result = await box.run(code, [])
    assert result.verdict is Verdict.PASSED, result.message
    assert not [v for v in SECRETS.values() if v in result.stdout]
    return result
