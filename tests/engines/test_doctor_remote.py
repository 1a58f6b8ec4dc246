"""`lsp-codegen doctor --remote URL` against real servers, run as a user runs it.

llama-cpp-python's server with and without logprobs (`--logits_all false`), one that
wants an API key, and servers that fail: none listening, a bad one, a plain web
server. The settings it prints are pasted, as they are, into a remote engine that
must then generate from the same server. vLLM is not installed here: not tested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from lsp_codegen.config import parse_settings
from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.engine import load_remote_engine
from tests.engines.helpers import collect, text_of
from tests.engines.servers import ServerProcess, bad_server, free_port, llama_server

PATIENT_MS = "120000"  # a shared, busy CPU must not turn a slow answer into a timeout
KEY_ENV = "LSP_CODEGEN_TEST_KEY"


@dataclass(frozen=True)
class Report:
    """What one `doctor --remote` run printed, and the settings block parsed."""

    server: str
    stdout: str
    stderr: str
    returncode: int
    name: str = ""  # the server fixture's name

    def settings(self) -> dict[str, Any]:
        """The JSON block printed under "settings to paste"."""
        start = self.stdout.index("{", self.stdout.index("settings to paste"))
        pasted, _ = json.JSONDecoder().raw_decode(self.stdout, start)
        assert isinstance(pasted, dict)
        return pasted

    def line(self, label: str) -> str:
        """The value printed after `label: `."""
        return next(
            line.split(": ", 1)[1] for line in self.stdout.splitlines() if line.startswith(label)
        )


def doctor(url: str, *flags: str, env: dict[str, str] | None = None) -> Report:
    """Run `python -m lsp_codegen doctor --remote URL ...` as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "lsp_codegen", "doctor", "--remote", url, *flags],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    return Report(url, result.stdout, result.stderr, result.returncode)


@pytest.fixture(scope="module", params=["served", "refusing"])
def probed(request: pytest.FixtureRequest) -> Iterator[Report]:
    """One doctor run against llama-cpp-python's server with logprobs, one without."""
    server: ServerProcess = request.getfixturevalue(request.param)
    report = doctor(server.url, "--remote-timeout-ms", PATIENT_MS)
    yield replace(report, name=request.param)


def test_reports_what_the_server_does(probed: Report) -> None:
    assert probed.returncode == 0, probed.stderr
    assert "Traceback" not in probed.stderr
    logprobs = probed.line("logprobs")
    if probed.name == "refusing":
        assert logprobs == "no (the server refused them)"
    else:
        assert logprobs.startswith("yes, per token in every streamed chunk")
    assert probed.line("streaming").startswith("yes")
    assert probed.line("n > 1 in one request") == "ignored"  # llama-cpp-python ignores n
    assert probed.line("parallel requests") == "no: one at a time, the second waited"
    assert probed.line("FIM") == "no FIM tokens (checked with POST /extras/tokenize)"
    assert probed.line("context length").startswith("unknown")
    assert "tokens/s (one stream, 16 tokens)" in probed.line("speed")


def test_settings_name_real_settings_and_what_was_found(probed: Report) -> None:
    pasted = probed.settings()
    settings, problems = parse_settings(pasted)
    assert problems == []
    remote = pasted["remote"]
    assert pasted["engine"] == "remote" == settings.engine
    assert remote["url"] == probed.server and remote["model"] == "gemma-3-270m"
    assert remote["promptTemplate"] == ""  # gemma-3 has no FIM tokens
    assert remote["maxConcurrent"] == 1  # one request at a time
    assert remote["logprobs"] is probed.line("logprobs").startswith("yes")
    assert remote["timeoutMs"] == int(PATIENT_MS)
    missing = "no per-token logprobs (the server refused them): ranking by likelihood is off"
    assert (missing in probed.stdout) is not remote["logprobs"]
    assert "no FIM (the model has no FIM tokens): prefix-only prompts" in probed.stdout


async def test_the_pasted_settings_generate_as_probed(probed: Report) -> None:
    """The key test: the printed settings, as pasted, drive the remote engine."""
    settings, problems = parse_settings(probed.settings())
    assert problems == []
    engine = load_remote_engine(settings.remote)
    request = GenerationRequest(
        "def add(a, b):\n    return", num_candidates=2, max_new_tokens=6, max_time_s=300
    )
    updates = await collect(engine, request)
    assert sorted(updates) == [0, 1]
    for candidate in updates.values():
        assert candidate[-1].done and candidate[-1].finish_reason in ("length", "stop", "eos")
        assert text_of(candidate).strip()
        scores = [u.logprob for u in candidate if u.delta]
        if settings.remote.logprobs:  # the probe said they work: every token has one
            assert scores and all(score < 0 for score in scores), scores
        else:
            assert all(score == 0.0 for score in scores)
    assert engine.health.error is None


@pytest.fixture(scope="module")
def keyed(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """llama-cpp-python's server that wants an API key (and no logprobs, to be quick)."""
    log = tmp_path_factory.mktemp("llama-keyed") / "server.log"
    extra = ("--api_key", "s3cret", "--logits_all", "false")
    server = llama_server(gguf, free_port(), log, *extra).start()
    yield server
    server.stop()


def test_the_api_key_comes_from_the_named_variable(keyed: ServerProcess) -> None:
    flags = ("--remote-timeout-ms", PATIENT_MS)
    refused = doctor(keyed.url, *flags)
    assert refused.returncode == 1
    assert "refused the request (HTTP 401)" in refused.stderr
    report = doctor(keyed.url, *flags, "--remote-api-key-env", KEY_ENV, env={KEY_ENV: "s3cret"})
    assert report.returncode == 0, report.stderr
    assert report.settings()["remote"]["apiKeyEnv"] == KEY_ENV
    assert "s3cret" not in report.stdout + report.stderr


def _one_line_failure(report: Report, *expected: str) -> None:
    assert report.returncode == 1, report.stdout
    assert "Traceback" not in report.stderr
    lines = report.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lsp-codegen doctor: "), report.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def test_nothing_listening() -> None:
    report = doctor(f"http://127.0.0.1:{free_port()}/v1")
    _one_line_failure(report, "cannot connect to", "`remote.url`")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("garbage", ("sent a malformed stream", "OpenAI-compatible server?")),
        ("slow", ("did not answer within 1000 ms", "`remote.timeoutMs`")),
        ("unauthorized", ("refused the request (HTTP 401)", "`remote.apiKeyEnv`")),
    ],
)
def test_a_bad_server(mode: str, expected: tuple[str, ...], tmp_path: Path) -> None:
    server = bad_server(mode, free_port(), tmp_path / "bad.log").start()
    try:
        report = doctor(server.url, "--remote-timeout-ms", "1000")
    finally:
        server.stop()
    _one_line_failure(report, *expected)


def test_a_web_server_that_is_not_openai(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    server = ServerProcess(command, port, tmp_path / "http.log").start()
    try:
        report = doctor(server.url)
    finally:
        server.stop()
    _one_line_failure(report, "answered HTTP 501")
