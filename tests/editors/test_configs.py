"""The pasteable configurations start `serve --stdio` and carry settings the real server's
settings parser accepts without a message (Helix, Sublime Text, Zed; Emacs in test_emacs)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from lsp_codegen.config import parse_settings
from tests.editors.helpers import CLIENTS


def _jsonc(text: str) -> Any:
    """JSON with whole-line // comments and trailing commas, as Sublime and Zed read it."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def _assert_settings_accepted(settings: dict[str, Any]) -> None:
    parsed, messages = parse_settings(settings)
    assert messages == [], messages
    assert settings, "the example carries at least one setting"


def test_helix_languages_toml() -> None:
    config = tomllib.loads((CLIENTS / "helix" / "languages.toml").read_text())
    server = config["language-server"]["lsp-codegen"]
    assert server["args"] == ["serve", "--stdio"]
    _assert_settings_accepted(server["config"])
    assert all("lsp-codegen" in language["language-servers"] for language in config["language"])


def test_sublime_client_settings() -> None:
    settings = _jsonc((CLIENTS / "sublime" / "LSP.sublime-settings").read_text())
    client = settings["clients"]["lsp-codegen"]
    assert client["command"][1:] == ["serve", "--stdio"]
    assert "source.python" in client["selector"]
    _assert_settings_accepted(client["initializationOptions"])


def test_zed_settings_and_extension() -> None:
    settings = _jsonc((CLIENTS / "zed" / "settings.json").read_text())
    server = settings["lsp"]["lsp-codegen"]
    assert server["binary"]["arguments"] == ["serve", "--stdio"]
    _assert_settings_accepted(server["initialization_options"])
    extension = tomllib.loads((CLIENTS / "zed" / "extension.toml").read_text())
    assert "Python" in extension["language_servers"]["lsp-codegen"]["languages"]
