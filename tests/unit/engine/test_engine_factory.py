"""Which engine `engine` (and `auto`) picks, and why."""

from __future__ import annotations

import pytest

from lsp_codegen.config import Settings, parse_settings
from lsp_codegen.engine import factory
from lsp_codegen.engine.base import EngineError
from lsp_codegen.engine.remote.engine import load_remote_engine


def _settings(**raw: object) -> Settings:
    settings, problems = parse_settings(raw)
    assert not problems
    return settings


def test_explicit_engine_wins() -> None:
    choice = factory.choose_engine(_settings(engine="remote"))
    assert choice.kind == "remote" and "setting" in choice.reason


def test_auto_uses_transformers_for_a_model_folder() -> None:
    choice = factory.choose_engine(_settings(model="/models/qwen", device="cpu"))
    assert choice.kind == "local" and "not a .gguf" in choice.reason


def test_auto_uses_llamacpp_for_gguf_on_cpu_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "llamacpp_installed", lambda: True)
    assert factory.choose_engine(_settings(device="cpu")).kind == "llamacpp"
    assert factory.choose_engine(_settings(device="cuda")).kind == "local"
    monkeypatch.setattr(factory, "llamacpp_installed", lambda: False)
    choice = factory.choose_engine(_settings(device="cpu"))
    assert choice.kind == "local" and "not installed" in choice.reason


def test_engine_key_changes_with_remote_settings() -> None:
    one = factory.engine_key(_settings(engine="remote"))
    two = factory.engine_key(_settings(engine="remote", remote={"url": "http://other:1/v1"}))
    assert one != two


def test_quantize_reaches_the_loader_and_needs_a_new_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lsp_codegen.engine.transformers import loader

    seen: list[loader.LoadOptions] = []
    monkeypatch.setattr(loader, "load_local_engine", lambda options, *_: seen.append(options))
    settings = _settings(engine="local", quantize="int8")
    factory.create_engine(settings, lambda _: None, lambda _: None)
    assert seen[0].quantize == "int8"
    assert factory.engine_key(settings) != factory.engine_key(_settings(engine="local"))


def test_missing_api_key_variable_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LSP_CODEGEN_TEST_KEY", raising=False)
    settings = _settings(engine="remote", remote={"apiKeyEnv": "LSP_CODEGEN_TEST_KEY"})
    with pytest.raises(EngineError, match="remote.apiKeyEnv"):
        load_remote_engine(settings.remote)


def test_bad_template_is_a_load_error() -> None:
    settings = _settings(engine="remote", remote={"promptTemplate": "weird"})
    with pytest.raises(EngineError, match="promptTemplate"):
        load_remote_engine(settings.remote)
