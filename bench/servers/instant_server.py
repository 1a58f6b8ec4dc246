"""lsp-codegen serve (stdio) with an instant engine: measures the server's own overhead.

The engine answers every request at once with one fixed line; everything else
(positions, prompt budgeting, ranking, the JSON-RPC stream) is the real server.
For bench/latency.py only.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lsp_codegen.config import Settings  # noqa: E402
from lsp_codegen.engine.base import (  # noqa: E402
    CancelToken,
    CandidateUpdate,
    Engine,
    EngineInfo,
    EngineStats,
    GenerationRequest,
    Tokenizer,
)
from lsp_codegen.server.build import create_server  # noqa: E402
from lsp_codegen.server.jsonrpc.transport import serve_stdio  # noqa: E402

# Valid where bench/latency.py asks (top level, after a comment): the full path to a
# shown item is measured, not a rejection.
ANSWER = "average = sum(values) / len(values)\n"


class WordTokenizer:
    """Counts whitespace-separated words: enough for prompt budgeting here."""

    def count(self, text: str) -> int:
        """Number of words."""
        return len(text.split())

    def vocabulary(self) -> set[str]:
        """No special tokens (no FIM)."""
        return set()


class InstantEngine:
    """Streams one fixed candidate per request, immediately."""

    def __init__(self) -> None:
        self._stats = EngineStats()

    def info(self) -> EngineInfo:
        """A name that says what it is."""
        return EngineInfo("instant (bench)", "cpu", "none", 100_000, None, engine="instant")

    @property
    def tokenizer(self) -> Tokenizer:
        """A word counter."""
        return WordTokenizer()

    @property
    def stats(self) -> EngineStats:
        """Generation counter."""
        return self._stats

    async def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """The fixed answer for every candidate."""
        self._stats.generations += 1
        for index in range(request.num_candidates):
            yield CandidateUpdate(index, ANSWER, -0.1, done=True, finish_reason="eos")

    def close(self) -> None:
        """Nothing to release."""


def _factory(settings: Settings, progress: Callable[[str], None]) -> Engine:
    return InstantEngine()


if __name__ == "__main__":
    serve_stdio(create_server(_factory))
