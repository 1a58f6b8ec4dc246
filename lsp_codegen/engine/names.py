"""Model names for messages; importable without torch."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL_NAME = "gemma-3-270m"


def display_name(model: str) -> str:
    """A short name for a `model` setting, for progress messages and item details."""
    if model == "default":
        return DEFAULT_MODEL_NAME
    return Path(model).name or model
