"""The settings an as-you-type generation runs with."""

from __future__ import annotations

import dataclasses

import pytest

from lsp_codegen.config import parse_settings
from lsp_codegen.engine.base import EngineInfo
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.generation import _as_you_type


class InfoOnlyEngine:
    """Fake engine for this test: only `info()` is read by the rule under test."""

    def __init__(self, together: bool) -> None:
        self._info = EngineInfo("m", "cpu", "float32", 1024, None, candidates_together=together)

    def info(self) -> EngineInfo:
        return self._info


@pytest.mark.parametrize(
    ("together", "inline_count", "typing", "expected"),
    [
        (True, 0, True, 4),  # decoded together: all of numCandidates
        (False, 0, True, 1),  # one after another: one while typing
        (False, 0, False, 4),  # a manual trigger: all
        (False, 3, True, 3),  # the setting, when given
        (True, 2, True, 2),
    ],
)
def test_candidates_while_typing(
    together: bool, inline_count: int, typing: bool, expected: int
) -> None:
    server = CodegenServer()
    server.settings, _ = parse_settings(
        {"numCandidates": 4, "inline": {"numCandidates": inline_count}}
    )
    settings = _as_you_type(server, InfoOnlyEngine(together), typing=typing)  # type: ignore[arg-type]
    assert settings.num_candidates == expected
    assert settings.max_time_ms == server.settings.inline.max_time_ms
    assert dataclasses.replace(settings, num_candidates=4, max_time_ms=30000) == server.settings
