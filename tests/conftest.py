"""Fixtures shared by every test tier."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.tiny_model import build_line_model, build_tiny_model

SCRIPT = "    return 1\n"

# Servers and commands started by tests must not add to the user's own acceptance
# statistics; tests of the statistics switch them on with a temporary cache dir.
os.environ.setdefault("LSP_CODEGEN_STATS", "off")


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


@pytest.fixture(scope="session")
def broken_block_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 whose lines never parse (a bracket left open), though each starts
    with a statement that does: nothing passes the syntax gate but a salvaged start."""
    return build_tiny_model(tmp_path_factory.mktemp("broken-model"), script="    x = 1 + (\n")


# Scripts for the function actions (Optimize, Explain, Write tests): each model writes
# its lines in order whatever the prompt; an unindented last line ends a body.
FAST_REWRITE = "    seen = set(ys)\n    return [x for x in xs if x in seen]\nprint('end')\n"
WRONG_REWRITE = "    return sorted(set(xs) & set(ys))\nprint('end')\n"
EXPLANATION = "keeps the items of xs that also appear in ys, in order.\n\n"
WRITTEN_TESTS = (
    "keeps_shared_items():\n"
    "    assert common([1, 2, 3], [2]) == [2]\n"
    "def test_common_wrong():\n"
    "    assert common([1], [1]) == []\n"
    "print('end')\n"
)


@pytest.fixture(scope="session")
def fast_rewrite_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 whose rewrite of `common(xs, ys)` is the set-based, faster one."""
    return build_line_model(tmp_path_factory.mktemp("fast-rewrite-model"), FAST_REWRITE)


@pytest.fixture(scope="session")
def wrong_rewrite_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 whose rewrite of `common(xs, ys)` sorts and de-duplicates: wrong."""
    return build_line_model(tmp_path_factory.mktemp("wrong-rewrite-model"), WRONG_REWRITE)


@pytest.fixture(scope="session")
def explain_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 that explains `common` in one sentence."""
    return build_line_model(tmp_path_factory.mktemp("explain-model"), EXPLANATION)


@pytest.fixture(scope="session")
def tests_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 that writes one passing and one failing test for `common`."""
    return build_line_model(tmp_path_factory.mktemp("tests-model"), WRITTEN_TESTS)
