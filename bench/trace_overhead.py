"""What a request's trace costs: a traced handler against the same handler untraced.

    python bench/trace_overhead.py [--requests 20000] [--rounds 5]

"traced" runs the real `traced` decorator and `TraceLog` around a handler that records
what a generation records in its `StageLog` (the prompt, engine queue, prompt read,
first token, decode and rank stages with their details, the wait before it) and hands
its result to the trace; "untraced" is the same handler with neither. Both run on one
event loop, in alternating rounds, so they see the same machine; per request p50/p95
in microseconds, and the ratio. Building the JSON and the text (only when a user asks
`lastCompletion`) is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402

from bench.pauses import _cpu  # noqa: E402
from lsp_codegen.context.document import DocumentStore  # noqa: E402
from lsp_codegen.context.types import Insertion, Mode  # noqa: E402
from lsp_codegen.pipeline import GenerationResult  # noqa: E402
from lsp_codegen.ranking.score import Candidate, rank_all  # noqa: E402
from lsp_codegen.server.traces import TraceLog, current_trace, traced  # noqa: E402
from lsp_codegen.stages import StageLog  # noqa: E402
from lsp_codegen.tracing.render import render  # noqa: E402

URI = "file:///bench/trace.py"
PREFIX = "def mean(values):\n    total "
INSERTION = Insertion(len(PREFIX), Mode.LINE, "", PREFIX, "\n", "python")


class _Server:
    """The two attributes `traced` reads from the language server."""

    def __init__(self) -> None:
        self.traces = TraceLog()
        self.documents = DocumentStore()
        self.documents.open(URI, "python", 1, PREFIX)


def _result() -> GenerationResult:
    raw = [Candidate(i, text, (-0.3, -0.2), "stop") for i, text in enumerate(["= 0", "= = 0"])]
    ranking = rank_all(raw, INSERTION)
    return GenerationResult(ranking.shown, None, 0.1, "m", ranking.rejected, raw=tuple(raw))


RESULT = _result()
ANSWER = types.InlineCompletionList(items=[])


async def untraced(ls: Any, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    """The handler's own work here: nothing, so all that differs is the trace."""
    return ANSWER


@traced("inline")
async def traced_handler(
    ls: Any, params: types.InlineCompletionParams
) -> types.InlineCompletionList:
    """What a traced request adds: its stages, and its result handed to the trace."""
    trace, now = current_trace(), time.monotonic()
    trace.stages.add("wait", now, note="typing pause (debounce)")
    log = trace.generation = StageLog()
    log.add("prompt", now, prefixChars=3000, suffixChars=0, otherFiles=0, fim=False)
    log.add("engine queue", now)
    log.add("prompt read", now, tokens=900, reused=890, computed=10)
    log.add("first token", now)
    log.add("decode", now, tokens=24, candidates=2)
    log.add("rank", now, shown=1, rejected=1, emptied=0, salvaged=0)
    trace.use(RESULT)
    return ANSWER


def _params() -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=types.Position(line=1, character=10),
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic
        ),
    )


async def _timed(handler: Any, server: _Server, requests: int) -> list[float]:
    params, spent = _params(), []
    for _ in range(requests):
        started = time.perf_counter()
        await handler(server, params)
        spent.append(time.perf_counter() - started)
    return spent


async def _compare(requests: int, rounds: int) -> tuple[list[float], list[float]]:
    server = _Server()
    on: list[float] = []
    off: list[float] = []
    for _ in range(rounds):
        off += await _timed(untraced, server, requests // rounds)
        on += await _timed(traced_handler, server, requests // rounds)
    return on, off


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1e6


def main() -> None:
    """Print the per-request cost of tracing, side by side with tracing off."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"CPU: {_cpu()} · {os.cpu_count()} cores")
    on, off = asyncio.run(_compare(args.requests, args.rounds))
    extra = statistics.median(on) - statistics.median(off)
    print(
        f"untraced: p50 {_p(off, 0.5):.1f} µs · p95 {_p(off, 0.95):.1f} µs\n"
        f"traced:   p50 {_p(on, 0.5):.1f} µs · p95 {_p(on, 0.95):.1f} µs\n"
        f"tracing adds {extra * 1e6:.1f} µs per request at p50 "
        f"({extra * 1e3:.3f} ms; goal ≤ 0.1 ms)"
    )
    server = _Server()
    asyncio.run(traced_handler(server, _params()))
    [kept] = server.traces.recent(URI)
    started = time.perf_counter()
    for _ in range(200):
        render(kept.as_json())
    print(f"lastCompletion's JSON and text: {(time.perf_counter() - started) / 200 * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
