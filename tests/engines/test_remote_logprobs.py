"""The remote engine against a server that refuses logprobs: it carries on without them.

llama-cpp-python's server started with `--logits_all false` refuses any request
asking for logprobs; when streaming (0.3.x) it answers 200 and an empty event
stream, then closes the kept-alive connection.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx2
import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.engine import RemoteEngine, load_remote_engine
from tests.engines.helpers import OPTIONS, collect, inline_and_actions, remote, text_of
from tests.engines.servers import ServerProcess
from tests.lsp.helpers import SERVER, init_params

PROMPT = "def add(a, b):\n    return"
PATIENT = 120_000  # ms: a shared, busy CPU must not turn a slow answer into a timeout
REFUSAL = "refuses logprobs"


def _record_bodies(engine: RemoteEngine) -> list[dict[str, Any]]:
    """Every completion body the engine sends from now on, as the server receives it."""
    sent: list[dict[str, Any]] = []

    async def hook(request: httpx2.Request) -> None:
        if request.method == "POST":
            sent.append(json.loads(request.content))

    engine._connection.client().event_hooks["request"].append(hook)
    return sent


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if REFUSAL in r.getMessage()]


async def test_refused_logprobs_fall_back_once(
    refusing: ServerProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="lsp_codegen.engine")
    engine = load_remote_engine(
        remote(refusing.url, logprobs=True, maxConcurrent=2, timeoutMs=PATIENT)
    )
    await engine._connection.resolve_model()  # the client exists: hook it
    sent = _record_bodies(engine)
    request = GenerationRequest(PROMPT, num_candidates=2, max_new_tokens=6, max_time_s=300)

    first = await collect(engine, request)
    # Both candidates stream real text on the very first request, not an error or "".
    assert sorted(first) == [0, 1]
    for updates in first.values():
        assert updates[-1].done and updates[-1].finish_reason in ("length", "stop", "eos")
        assert text_of(updates).strip() and len(updates) >= 3
        assert all(u.logprob == 0.0 for u in updates)  # no confidence, not a made-up one
    assert engine.health.error is None
    # Both concurrent candidates were refused, and the warning says so once.
    assert sum("logprobs" in body for body in sent) == 2
    assert len(_refusals(caplog)) == 1, caplog.records
    assert "--logits_all true" in _refusals(caplog)[0]

    asked = len(sent)
    second = await collect(engine, request)
    assert text_of(second[0]) == text_of(first[0])  # greedy: the same text again
    later = sent[asked:]
    assert later and not any("logprobs" in body for body in later)
    assert len(_refusals(caplog)) == 1


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]
async def over_refusing(lsp_client: LanguageClient, refusing: ServerProcess):  # type: ignore[no-untyped-def]
    settings = {"url": refusing.url, "maxConcurrent": 1, "logprobs": True, "timeoutMs": PATIENT}
    await lsp_client.initialize_session(
        init_params({**OPTIONS, "engine": "remote", "remote": settings})
    )
    yield
    await lsp_client.shutdown_session()


async def test_lsp_answers_when_logprobs_are_refused(over_refusing: LanguageClient) -> None:
    await inline_and_actions(over_refusing, "remote")
    assert not any("logprob" in m.message for m in over_refusing.messages)
