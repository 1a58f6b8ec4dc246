"""Real server processes for the engine tests: llama.cpp's OpenAI server and a bad one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

SKIP_VARIABLE = "LSP_CODEGEN_SKIP_LLAMACPP"
BAD_SERVER = Path(__file__).with_name("bad_server.py")


def require_llamacpp() -> None:
    """Fail (or skip, when LSP_CODEGEN_SKIP_LLAMACPP=1) unless llama-cpp-python is installed."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is not None:
        return
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"llama-cpp-python is not installed and {SKIP_VARIABLE}=1 skips its tests")
    pytest.fail(
        "llama-cpp-python is not installed: `make test` installs the `llamacpp` extra; "
        f"set {SKIP_VARIABLE}=1 to skip these tests on a machine without it"
    )


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """A server subprocess on a fixed loopback port that can be killed and restarted."""

    def __init__(self, command: list[str], port: int, log: Path) -> None:
        self.command = command
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The OpenAI-style base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120.0) -> ServerProcess:
        """Start it and wait until GET /v1/models answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early; see {self.log}")
            try:
                if httpx2.get(f"{self.url}/models", timeout=1).status_code < 500:
                    return self
            except httpx2.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"server did not answer within {timeout} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no goodbye on open streams."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        """Terminate politely."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None


def llama_server(gguf: Path, port: int, log: Path, *extra: str) -> ServerProcess:
    """llama-cpp-python's OpenAI-compatible server serving `gguf` as "gemma-3-270m"."""
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--model_alias",
        "gemma-3-270m",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        str(os.cpu_count() or 1),
        # Queue concurrent requests instead of cutting the running one short.
        "--interrupt_requests",
        "false",
        *extra,
    ]
    return ServerProcess(command, port, log)


def bad_server(mode: str, port: int, log: Path) -> ServerProcess:
    """The misbehaving server of bad_server.py in `mode`."""
    return ServerProcess([sys.executable, str(BAD_SERVER), mode, str(port)], port, log)
