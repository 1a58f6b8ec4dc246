"""Fixtures shared by every test tier."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiny_model import build_tiny_model

SCRIPT = "    return 1\n"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, tiny, randomly initialised GPT-2 saved as a local model folder."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def endless_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 that writes "x" forever: generations run until stopped."""
    return build_tiny_model(tmp_path_factory.mktemp("endless-model"), script="x")


@pytest.fixture(scope="session")
def scripted_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 that writes "    return 1\\n" again and again, whatever the prompt."""
    return build_tiny_model(tmp_path_factory.mktemp("scripted-model"), script=SCRIPT)


@pytest.fixture(scope="session")
def two_answer_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 that writes `    return 1` or `    return 2` lines, each line a coin
    flip when sampling: candidates differ, and examples can tell them apart."""
    return build_tiny_model(
        tmp_path_factory.mktemp("two-answer-model"), script="    return 1\n|    return 2\n"
    )
