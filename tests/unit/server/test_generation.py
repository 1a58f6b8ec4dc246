"""The settings an as-you-type generation runs with."""

from __future__ import annotations

import dataclasses

import pytest

from lsp_codegen.config import parse_settings
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.generation import _as_you_type


@pytest.mark.parametrize(
    ("inline_count", "typing", "expected"),
    [
        (0, True, 4),  # every engine decodes candidates together: all of numCandidates
        (0, False, 4),  # a manual trigger: all
        (3, True, 3),  # the setting, when given
        (3, False, 4),  # ... only while typing
    ],
)
def test_candidates_while_typing(inline_count: int, typing: bool, expected: int) -> None:
    server = CodegenServer()
    server.settings, _ = parse_settings(
        {"numCandidates": 4, "inline": {"numCandidates": inline_count}}
    )
    settings = _as_you_type(server, typing=typing)
    assert settings.num_candidates == expected
    assert settings.max_time_ms == server.settings.inline.max_time_ms
    assert dataclasses.replace(settings, num_candidates=4, max_time_ms=30000) == server.settings
