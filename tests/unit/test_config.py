"""Settings: defaults, validation messages, overlaying and the wire format."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lsp_codegen.config import (
    InlineSettings,
    Settings,
    parse_settings,
    settings_section,
    to_wire,
)

DEFAULT_WIRE = {
    "model": "default",
    "device": "auto",
    "dtype": "auto",
    "quantize": "none",
    "maxNewTokens": 128,
    "temperature": 0.8,
    "temperatureSpread": 0.0,
    "topP": 0.95,
    "numCandidates": 4,
    "contextTokens": 1024,
    "maxTimeMs": 30000,
    "tokenHealing": True,
    "inline": {
        "enabled": True,
        "maxTimeMs": 5000,
        "answerMs": 300,
        "speculative": True,
        "numCandidates": 0,
    },
    "python": {"interpreter": ""},
    "node": {"executable": ""},
    "engine": "auto",
    "remote": {
        "url": "http://127.0.0.1:8080/v1",
        "model": "",
        "apiKeyEnv": "",
        "promptTemplate": "",
        "timeoutMs": 10000,
        "maxConcurrent": 4,
        "logprobs": True,
        "batchedN": "auto",
    },
    "context": {
        "otherFiles": 3,
        "otherFilesShare": 0.25,
        "inContextExamples": 1,
        "docstringFromComment": False,
        "fileHeader": False,
    },
    "stats": {"enabled": True},
    "explain": {"insert": True},
}


def test_defaults() -> None:
    settings = Settings()
    assert settings.model == "default"
    assert settings.device == "auto"
    assert settings.dtype == "auto"
    assert settings.max_new_tokens == 128
    assert settings.temperature == 0.8
    assert settings.top_p == 0.95
    assert settings.num_candidates == 4
    assert settings.context_tokens == 1024
    assert settings.max_time_ms == 30000
    assert settings.inline == InlineSettings(enabled=True)


def test_defaults_on_the_wire() -> None:
    assert to_wire(Settings()) == DEFAULT_WIRE


@pytest.mark.parametrize("raw", [None, {}])
def test_nothing_to_overlay(raw: object) -> None:
    assert parse_settings(raw) == (Settings(), [])


VALID = [
    ("model", "Qwen/Qwen2.5-Coder-0.5B", "model", "Qwen/Qwen2.5-Coder-0.5B"),
    ("model", "/models/coder.gguf", "model", "/models/coder.gguf"),
    ("device", "cpu", "device", "cpu"),
    ("device", "cuda", "device", "cuda"),
    ("device", "mps", "device", "mps"),
    ("dtype", "bfloat16", "dtype", "bfloat16"),
    ("dtype", "float16", "dtype", "float16"),
    ("dtype", "float32", "dtype", "float32"),
    ("quantize", "int8", "quantize", "int8"),
    ("maxNewTokens", 1, "max_new_tokens", 1),
    ("maxNewTokens", 4096, "max_new_tokens", 4096),
    ("temperature", 0, "temperature", 0.0),
    ("temperature", 2, "temperature", 2.0),
    ("temperature", 0.2, "temperature", 0.2),
    ("temperatureSpread", 0, "temperature_spread", 0.0),
    ("temperatureSpread", 1, "temperature_spread", 1.0),
    ("topP", 1, "top_p", 1.0),
    ("topP", 0.01, "top_p", 0.01),
    ("numCandidates", 1, "num_candidates", 1),
    ("numCandidates", 16, "num_candidates", 16),
    ("contextTokens", 64, "context_tokens", 64),
    ("contextTokens", 131072, "context_tokens", 131072),
    ("maxTimeMs", 100, "max_time_ms", 100),
    ("maxTimeMs", 600000, "max_time_ms", 600000),
]


@pytest.mark.parametrize(("wire", "value", "name", "expected"), VALID)
def test_valid_values(wire: str, value: object, name: str, expected: object) -> None:
    settings, messages = parse_settings({wire: value})
    assert messages == []
    assert getattr(settings, name) == expected
    assert type(getattr(settings, name)) is type(expected)


INVALID = [
    ("model", "", "a non-empty string"),
    ("model", "   ", "a non-empty string"),
    ("model", 3, "a non-empty string"),
    ("device", "gpu", "one of 'auto', 'cpu', 'cuda', 'mps'"),
    ("device", 0, "one of 'auto', 'cpu', 'cuda', 'mps'"),
    ("dtype", "int8", "one of 'auto', 'float32', 'bfloat16', 'float16'"),
    ("quantize", "int4", "one of 'none', 'int8'"),
    ("maxNewTokens", 0, "an integer from 1 to 4096"),
    ("maxNewTokens", 4097, "an integer from 1 to 4096"),
    ("maxNewTokens", 12.5, "an integer from 1 to 4096"),
    ("maxNewTokens", True, "an integer from 1 to 4096"),
    ("maxNewTokens", "128", "an integer from 1 to 4096"),
    ("temperature", "hot", "a number from 0 to 2"),
    ("temperature", -0.1, "a number from 0 to 2"),
    ("temperature", 2.5, "a number from 0 to 2"),
    ("temperature", True, "a number from 0 to 2"),
    ("temperature", float("nan"), "a number from 0 to 2"),
    ("temperatureSpread", 1.5, "a number from 0 to 1"),
    ("temperatureSpread", -0.5, "a number from 0 to 1"),
    ("topP", 0, "a number greater than 0 and at most 1"),
    ("topP", 1.5, "a number greater than 0 and at most 1"),
    ("numCandidates", 0, "an integer from 1 to 16"),
    ("numCandidates", 17, "an integer from 1 to 16"),
    ("numCandidates", False, "an integer from 1 to 16"),
    ("contextTokens", 63, "an integer from 64 to 131072"),
    ("contextTokens", 131073, "an integer from 64 to 131072"),
    ("maxTimeMs", 99, "an integer from 100 to 600000"),
    ("maxTimeMs", 600001, "an integer from 100 to 600000"),
    ("maxTimeMs", [1], "an integer from 100 to 600000"),
]


@pytest.mark.parametrize(("wire", "value", "expected"), INVALID)
def test_invalid_values_keep_the_base(wire: str, value: object, expected: str) -> None:
    settings, messages = parse_settings({wire: value})
    assert settings == Settings()
    assert len(messages) == 1
    message = messages[0]
    assert message.startswith("lsp-codegen: setting `" + wire + "` = ")
    assert f"(expected {expected})" in message
    default = DEFAULT_WIRE[wire]
    used = repr(default) if not isinstance(default, bool) else str(default).lower()
    assert message.endswith(f"; using {used}")


def test_message_wording() -> None:
    _, messages = parse_settings({"temperature": "hot"})
    assert messages == [
        "lsp-codegen: setting `temperature` = 'hot' is invalid "
        "(expected a number from 0 to 2); using 0.8"
    ]


def test_message_shows_json_values() -> None:
    _, messages = parse_settings({"maxNewTokens": True, "inline": {"enabled": None}})
    assert messages == [
        "lsp-codegen: setting `maxNewTokens` = true is invalid "
        "(expected an integer from 1 to 4096); using 128"
    ]


def test_model_is_stripped() -> None:
    settings, _ = parse_settings({"model": "  ./models/coder  "})
    assert settings.model == "./models/coder"


def test_null_means_unset() -> None:
    base = Settings(temperature=0.1)
    assert parse_settings({"temperature": None}, base) == (base, [])


def test_nested_inline() -> None:
    settings, messages = parse_settings({"inline": {"enabled": False}})
    assert messages == []
    assert settings.inline == InlineSettings(enabled=False)
    assert dataclasses.replace(settings, inline=InlineSettings()) == Settings()


def test_nested_inline_invalid_and_unknown() -> None:
    settings, messages = parse_settings({"inline": {"enabled": "no", "delayMs": 10}})
    assert settings == Settings()
    assert messages == [
        "lsp-codegen: setting `inline.enabled` = 'no' is invalid "
        "(expected true or false); using true",
        "lsp-codegen: unknown setting `inline.delayMs` ignored",
    ]


def test_inline_not_an_object() -> None:
    settings, messages = parse_settings({"inline": False})
    assert settings == Settings()
    assert messages == [
        "lsp-codegen: setting `inline` = false is invalid "
        '(expected an object like {"enabled": true}); '
        'using {"enabled": true, "maxTimeMs": 5000, "answerMs": 300, "sp...'
    ]


def test_unknown_keys() -> None:
    settings, messages = parse_settings({"foo": 1, "max_new_tokens": 5, "topP": 0.5})
    assert settings == Settings(top_p=0.5)
    assert messages == [
        "lsp-codegen: unknown setting `foo` ignored",
        "lsp-codegen: unknown setting `max_new_tokens` ignored",
    ]


@pytest.mark.parametrize("raw", [[1, 2], "cpu", 3, True])
def test_not_an_object(raw: object) -> None:
    base = Settings(num_candidates=2)
    settings, messages = parse_settings(raw, base)
    assert settings is base
    assert len(messages) == 1
    assert messages[0].startswith("lsp-codegen: settings must be an object")


def test_overlay_keeps_the_base() -> None:
    base, _ = parse_settings({"device": "cpu", "numCandidates": 2, "inline": {"enabled": False}})
    settings, messages = parse_settings({"temperature": 0.2, "numCandidates": 99}, base)
    assert settings == Settings(
        device="cpu", num_candidates=2, temperature=0.2, inline=InlineSettings(False)
    )
    assert messages[0].endswith("; using 2")


def test_round_trip() -> None:
    settings = Settings(
        model="/models/coder.gguf",
        device="cuda",
        dtype="bfloat16",
        max_new_tokens=64,
        temperature=0.0,
        top_p=0.5,
        num_candidates=8,
        context_tokens=2048,
        max_time_ms=5000,
        inline=InlineSettings(enabled=False),
    )
    assert parse_settings(to_wire(settings)) == (settings, [])


def test_settings_section() -> None:
    section = {"temperature": 0.1}
    assert settings_section({"lspCodegen": section, "other": {}}) is section
    assert settings_section({"lsp-codegen": section}) is section
    assert settings_section(section) is section
    assert settings_section(None) is None
    assert settings_section([1]) == [1]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
KEYS = st.sampled_from([*DEFAULT_WIRE, "enabled", "other"])


@given(st.dictionaries(KEYS, JSON) | JSON)
def test_never_raises(raw: object) -> None:
    settings, messages = parse_settings(raw)
    assert isinstance(settings, Settings)
    assert parse_settings(to_wire(settings)) == (settings, [])
    assert all(message.startswith("lsp-codegen: ") for message in messages)


def test_python_interpreter_setting() -> None:
    settings, messages = parse_settings({"python": {"interpreter": " /opt/py/bin/python "}})
    assert settings.python.interpreter == "/opt/py/bin/python" and messages == []
    settings, messages = parse_settings({"python": {"interpreter": 3}})
    assert settings.python.interpreter == "" and "`python.interpreter`" in messages[0]


def test_context_and_stats_sections_overlay_and_fall_back() -> None:
    raw = {"context": {"otherFiles": 0, "otherFilesShare": 0.9}, "stats": {"enabled": False}}
    settings, problems = parse_settings(raw)
    assert settings.context.other_files == 0
    assert settings.context.other_files_share == 0.25  # 0.9 is out of range: default kept
    assert settings.stats.enabled is False
    assert len(problems) == 1
    assert "`context.otherFilesShare`" in problems[0]


@pytest.mark.parametrize("value", ["auto", True, False])
def test_batched_n_takes_auto_or_a_flag(value: object) -> None:
    settings, problems = parse_settings({"remote": {"batchedN": value}})
    assert not problems and settings.remote.batched_n == value


def test_batched_n_refuses_other_values() -> None:
    settings, problems = parse_settings({"remote": {"batchedN": "yes"}})
    assert settings.remote.batched_n == "auto"
    assert problems and '"auto", true or false' in problems[0]
