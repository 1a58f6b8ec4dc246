"""The pure parts of `doctor --remote`: FIM family names, stream timings, and the advice.

The probe itself runs against real servers in tests/engines/test_doctor_remote.py.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from lsp_codegen.config import RemoteSettings, parse_settings
from lsp_codegen.engine.remote.advice import limitations, recommended_settings
from lsp_codegen.engine.remote.probe import Findings, Sample, Speed, template_for
from lsp_codegen.engine.remote.wire import Chunk, Piece, parse_events, template_vocabulary

FINDINGS = Findings(
    url="http://gpu-box:8000/v1",
    models=("coder",),
    model="coder",
    context_length=32768,
    context_source="GET /models max_model_len",
    streams=True,
    events=16,
    speed=Speed(0.05, 80.0, 16),
    logprobs=True,
    logprobs_refused=False,
    logprobs_speed=Speed(0.05, 78.0, 8),
    n="honoured",
    parallel=True,
    interrupts=False,
    suffix="changes the answer",
    tokenizer="POST /tokenize",
    fim_family="qwen2.5-coder/codegemma",
    fim_template="qwen",
)


@pytest.mark.parametrize(
    "name", ["starcoder", "qwen", "codegemma", "deepseek", "codellama", "codestral"]
)
def test_each_family_is_named_from_its_own_tokens(name: str) -> None:
    assert template_for(template_vocabulary(name) | {"<s>", "x"}) == name


def test_qwen_and_codegemma_are_told_apart_by_their_end_tokens() -> None:
    fim = {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"}
    assert template_for(fim | {"<|file_separator|>"}) == "codegemma"
    assert template_for(fim | {"<|endoftext|>"}) == "qwen"
    assert template_for(fim) == "qwen"  # the family without its end token: the first name


def test_no_fim_tokens_no_template() -> None:
    assert template_for({"<|endoftext|>", "</s>", "<fim_prefix>"}) == ""


def _chunk(text: str, finish: str | None = None) -> Chunk:
    return Chunk((Piece(text, -0.5),) if text else (), finish)


def test_a_stream_spread_over_the_answer_streams() -> None:
    arrivals = tuple((0.1 + i / 10, _chunk(str(i))) for i in range(4)) + (
        (0.5, _chunk("", "length")),
    )
    sample = Sample(arrivals, 0.5, 0.0)
    assert sample.streamed() and sample.text == "0123"
    speed = sample.speed(4)
    assert speed.first_token_s == pytest.approx(0.1) and speed.tokens == 4
    assert speed.tokens_per_s == pytest.approx(3 / 0.3)  # decoding, after the first token


def test_a_burst_at_the_end_does_not_stream() -> None:
    arrivals = tuple((1.0, _chunk(str(i))) for i in range(4)) + ((1.0, _chunk("", "stop")),)
    sample = Sample(arrivals, 1.0, 0.0)
    assert not sample.streamed()
    assert sample.speed(16).tokens == 4  # ended by a stop: the pieces that came


def test_events_say_their_choice_and_whether_they_carry_logprobs() -> None:
    scored = {"index": 1, "text": "a", "logprobs": {"tokens": ["a"], "token_logprobs": [-1.0]}}
    bare = {"index": 0, "text": "b", "logprobs": None}
    (first,) = parse_events(json.dumps({"choices": [scored]}), chat=False) or ()
    (second,) = parse_events(json.dumps({"choices": [bare]}), chat=False) or ()
    assert (first.index, first.scored) == (1, True)
    assert (second.index, second.scored) == (0, False)


def test_settings_for_a_capable_server_are_valid_and_complete() -> None:
    pasted = recommended_settings(FINDINGS, RemoteSettings(api_key_env="KEY"))
    assert pasted == {
        "engine": "remote",
        "remote": {
            "url": "http://gpu-box:8000/v1",
            "model": "coder",
            "promptTemplate": "qwen",
            "logprobs": True,
            "maxConcurrent": 4,
            "apiKeyEnv": "KEY",
        },
    }
    assert parse_settings(pasted)[1] == []
    assert limitations(FINDINGS) == []


def test_settings_and_limits_for_a_modest_server() -> None:
    modest = replace(
        FINDINGS,
        context_length=None,
        speed=Speed(4.0, 5.0, 16),
        logprobs=False,
        logprobs_refused=True,
        logprobs_speed=None,
        n="ignored",
        parallel=False,
        tokenizer=None,
        fim_family=None,
        fim_template="",
    )
    remote = recommended_settings(modest, RemoteSettings())["remote"]
    assert (remote["logprobs"], remote["maxConcurrent"], remote["promptTemplate"]) == (
        False,
        1,
        "",
    )
    assert remote["timeoutMs"] == 16000  # a 4 s first token needs more than the default 10 s
    found = limitations(modest)
    assert [line.split(" ")[0:2] for line in found] == [
        ["no", "per-token"],
        ["`n`", ">"],
        ["one", "request"],
        ["no", "FIM"],
        ["context", "length"],
    ]
    assert "no tokenize endpoint" in found[3]


def test_a_server_that_interrupts_is_named() -> None:
    found = limitations(replace(FINDINGS, parallel=False, interrupts=True))
    assert found == [
        "a new request cuts the running stream short (llama-cpp-python's server: start it "
        "with --interrupt_requests false): editors sharing it cut each other's candidates"
    ]
    assert (
        recommended_settings(replace(FINDINGS, parallel=False, interrupts=True), RemoteSettings())[
            "remote"
        ]["maxConcurrent"]
        == 1
    )


def test_costly_logprobs_are_named_with_their_cost() -> None:
    costly = replace(FINDINGS, logprobs_speed=Speed(0.5, 8.0, 8))
    assert limitations(costly) == [
        "logprobs make decoding 10x slower here (8.0 against 80.0 tokens/s): set "
        "`remote.logprobs` false to trade ranking by likelihood for speed"
    ]
    assert recommended_settings(costly, RemoteSettings())["remote"]["logprobs"] is True
