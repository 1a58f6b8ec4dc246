"""Real server processes for the engine tests: llama.cpp's OpenAI server, vLLM's, and a bad one."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

SKIP_VARIABLE = "LSP_CODEGEN_SKIP_LLAMACPP"
VLLM_VARIABLE = "LSP_CODEGEN_VLLM_PYTHON"
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
    """A server subprocess on a fixed loopback port that can be killed and restarted.

    It leads its own process group, so kill() and stop() also end the workers it
    spawned (vLLM's engine core) instead of leaving them behind.
    """

    def __init__(
        self,
        command: list[str],
        port: int,
        log: Path,
        *,
        ready_path: str = "/v1/models",
        env: dict[str, str] | None = None,
    ) -> None:
        self.command = command
        self.port = port
        self.log = log
        self.ready_path = ready_path  # answers below 500 once the server serves
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.group: int | None = None  # the last started process group

    @property
    def base(self) -> str:
        """The server's root URL (where /health and /metrics live)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The OpenAI-style base URL."""
        return f"{self.base}/v1"

    def start(self, timeout: float = 120.0) -> ServerProcess:
        """Start it and wait until GET `ready_path` answers."""
        environment = None if self.env is None else {**os.environ, **self.env}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=log, env=environment, start_new_session=True
            )
        self.group = self.process.pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._end_group(signal.SIGKILL)
                raise AssertionError(f"server exited early; see {self.log}")
            try:
                if httpx2.get(f"{self.base}{self.ready_path}", timeout=1).status_code < 500:
                    return self
            except httpx2.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"server did not answer within {timeout} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL to the whole group: no goodbye on open streams."""
        if self.process is not None:
            self._end_group(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        """Terminate politely; SIGKILL what is left of the group after 10 s."""
        if self.process is not None:
            self._end_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
            self._end_group(signal.SIGKILL)

    def orphans(self, timeout: float = 10.0) -> bool:
        """True while a process of the last group is still alive after `timeout` s."""
        deadline = time.monotonic() + timeout
        while self.group is not None and _group_alive(self.group):
            if time.monotonic() > deadline:
                return True
            time.sleep(0.1)
        return False

    def _end_group(self, sig: signal.Signals) -> None:
        if self.group is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.group, sig)


def _group_alive(group: int) -> bool:
    """Whether process group `group` has a live (not zombie) member."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            return True
    return False


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


def vllm_server(python: str, model: Path, port: int, log: Path) -> ServerProcess:
    """vLLM's OpenAI server on the CPU serving the converted folder `model` as "gemma-3-270m"
    (flags and environment from /work/shared/ENVIRONMENT.md: eager mode starts in ~80 s)."""
    command = [
        python,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        str(model),
        "--served-model-name",
        "gemma-3-270m",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--dtype",
        "float32",
        "--max-model-len",
        "2048",
        "--enforce-eager",
    ]
    env = {"VLLM_CPU_KVCACHE_SPACE": "2", "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1"}
    return ServerProcess(command, port, log, ready_path="/health", env=env)


def require_vllm() -> str:
    """vLLM's python (from $LSP_CODEGEN_VLLM_PYTHON); skip without it, fail if it is wrong."""
    python = os.environ.get(VLLM_VARIABLE)
    if not python:
        pytest.skip(
            f"vLLM tests run with `make test-vllm` (it installs vLLM in .venv-vllm and sets "
            f"{VLLM_VARIABLE})"
        )
    if not Path(python).is_file():
        pytest.fail(f"{VLLM_VARIABLE}={python} is not a file; `make test-vllm` creates it")
    return python


def vllm_metric(server: ServerProcess, name: str, **labels: str) -> float:
    """The sum of `name`'s samples (matching `labels`) in vLLM's Prometheus /metrics text."""
    text = httpx2.get(f"{server.base}/metrics", timeout=10).text
    total, seen = 0.0, False
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        metric, _, rest = sample.partition("{")
        if metric != name:
            continue
        if all(f'{key}="{wanted}"' in rest for key, wanted in labels.items()):
            total, seen = total + float(value), True
    assert seen, f"{name} {labels} is not in {server.base}/metrics"
    return total


def bad_server(mode: str, port: int, log: Path) -> ServerProcess:
    """The misbehaving server of bad_server.py in `mode`."""
    return ServerProcess([sys.executable, str(BAD_SERVER), mode, str(port)], port, log)
