"""docs/settings.md is lsp_codegen.settings_doc's rendering of config.py, byte for byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lsp_codegen import settings_doc
from lsp_codegen.config import Settings, to_wire

SETTINGS_MD = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def _wire_names(wire: dict[str, object], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for key, value in wire.items():
        if isinstance(value, dict):
            names |= _wire_names(value, f"{prefix}{key}.")
        else:
            names.add(prefix + key)
    return names


def test_docs_settings_md_is_current() -> None:
    assert SETTINGS_MD.read_text(encoding="utf-8") == settings_doc.render(), (
        "docs/settings.md is stale: run `make docs` and commit it"
    )


def test_every_setting_is_documented_once() -> None:
    rows = [setting.wire for section in settings_doc.sections() for setting in section.settings]
    assert sorted(rows) == sorted(_wire_names(to_wire(Settings())))
    assert len(rows) == len(set(rows))


def test_defaults_come_from_config() -> None:
    text = settings_doc.render()
    assert "| `numCandidates` | `4` | an integer from 1 to 16 |" in text
    assert "| `remote.logprobs` | `true` | true or false |" in text


def test_a_setting_without_a_meaning_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    meanings = dict(settings_doc.MEANINGS)
    del meanings["topP"]
    monkeypatch.setattr(settings_doc, "MEANINGS", meanings)
    with pytest.raises(KeyError, match="topP"):
        settings_doc.render()


def test_a_meaning_without_a_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_doc, "MEANINGS", {**settings_doc.MEANINGS, "gone": "x"})
    with pytest.raises(KeyError, match="gone"):
        settings_doc.render()


def test_sections_follow_config_order() -> None:
    nested = [
        f.metadata["wire"]
        for f in dataclasses.fields(Settings)
        if f.default_factory is not dataclasses.MISSING
    ]
    assert [section.wire for section in settings_doc.sections()] == ["", *nested]
