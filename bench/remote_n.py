"""Remote candidates through vLLM: N streamed requests against the choices of one request (`n`).

Against a running OpenAI-compatible server that honours `n` (vLLM), on the
~330-token prompt of bench/throughput.py, temperature 0.8, the same token budget:

  N=1                    the remote engine, one greedy candidate: one request
  N=4 streams            the remote engine with `remote.batchedN` false: 4 requests
  N=4 n                  the remote engine with `remote.batchedN` true: the greedy
                         candidate, and the 3 sampled ones as one request with n = 3
  N=4 one request (raw)  one request with n = 4 (all sampled) read directly, for what
                         a single request would give without the greedy candidate

Each row: wall time per generation (the call to the last candidate's end), first-token
latency (to the first text of any candidate), the tokens written (the server's count
where it gives `usage`, else the streamed pieces) and their aggregate rate per second
of wall time. Rounds interleave the ways, rotating their order, and every run starts
its prompt with a fresh "# run N" line so no way finds it in the prefix cache; figures
are min / median / max over the counted rounds. Goal: N=4 through `n` within 1.3x the
wall time of N=1. On a CPU, top-p sampling sorts the 262k-token vocabulary per sampled
row and step: `--top-p 1.0` shows the request shapes without that cost.

Usage: .venv/bin/python bench/remote_n.py [--url http://127.0.0.1:8123/v1] [--tokens 32]
       [--repeats 3] [--no-logprobs] [--top-p 0.95]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rounds import interleaved  # noqa: E402

from bench.pauses import _cpu  # noqa: E402
from lsp_codegen.config import RemoteSettings, parse_settings  # noqa: E402
from lsp_codegen.engine.base import CancelToken, GenerationRequest  # noqa: E402
from lsp_codegen.engine.remote.engine import RemoteEngine, load_remote_engine  # noqa: E402
from lsp_codegen.engine.remote.stream import Connection, read_stream  # noqa: E402
from lsp_codegen.engine.remote.wire import request_body  # noqa: E402

GOAL = 1.3  # N=4 through `n`: wall time at most this many times N=1's
TEMPERATURE = 0.8


@dataclass(frozen=True)
class Timing:
    """One generation: seconds to its end and to its first text, tokens, HTTP requests."""

    wall_s: float
    first_s: float
    tokens: int
    requests: int


@dataclass
class Way:
    """A way to get a request's candidates, and what each counted run gave."""

    name: str
    once: Callable[[str, int], Coroutine[Any, Any, Timing]]
    loop: asyncio.AbstractEventLoop
    timings: list[Timing] = field(default_factory=list)

    def run(self, prompt: str, tokens: int) -> Timing:
        """Generate once for `prompt` (on one loop, so the HTTP connections are kept)."""
        return self.loop.run_until_complete(self.once(prompt, tokens))


TOP_P = [0.95]  # --top-p (the `topP` setting's default)


def _request(prompt: str, n: int, tokens: int, seed: int) -> GenerationRequest:
    return GenerationRequest(
        prompt,
        num_candidates=n,
        max_new_tokens=tokens,
        temperature=TEMPERATURE,
        top_p=TOP_P[0],
        max_time_s=600.0,
        seed=seed,
        heal=False,
    )


def engine_way(engine: RemoteEngine, n: int) -> Callable[[str, int], Coroutine[Any, Any, Timing]]:
    """A generation of `n` candidates through the remote engine."""
    serial = [0]

    async def once(prompt: str, tokens: int) -> Timing:
        serial[0] += 1
        stats = engine.stats
        counted, pieces = stats.completion_tokens, 0
        started, first = time.monotonic(), 0.0
        request = _request(prompt, n, tokens, serial[0])
        async for update in engine.stream(request, CancelToken()):
            if update.delta:
                pieces += 1
                first = first or time.monotonic() - started
        wall = time.monotonic() - started
        written = stats.completion_tokens - counted or pieces
        return Timing(wall, first, written, stats.requests_per_generation[-1])

    return once


def raw_way(
    connection: Connection, model: str
) -> Callable[[str, int], Coroutine[Any, Any, Timing]]:
    """One request with n = 4, all sampled, read to its end."""

    async def once(prompt: str, tokens: int) -> Timing:
        request = _request(prompt, 4, tokens, 1)
        body = request_body(
            model, request, 1, "", connection.logprobs, n=4, usage=connection.include_usage
        )
        started, first, pieces, used = time.monotonic(), 0.0, 0, 0
        async with aclosing(read_stream(connection, "/completions", body, chat=False)) as chunks:
            async for chunk in chunks:
                pieces += len(chunk.pieces)
                if chunk.pieces:
                    first = first or time.monotonic() - started
                if chunk.usage is not None:
                    used = chunk.usage.completion_tokens
        return Timing(time.monotonic() - started, first, used or pieces, 1)

    return once


def _figure(values: list[float], digits: int = 2) -> str:
    """min / median / max."""
    return "/".join(
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


def _row(way: Way) -> str:
    runs = way.timings
    rates = [t.tokens / t.wall_s for t in runs]
    return (
        f"{way.name:<24} {runs[-1].requests:>8}  {_figure([t.wall_s for t in runs]):>17}  "
        f"{_figure([t.first_s for t in runs]):>17}  "
        f"{statistics.median([t.tokens for t in runs]):>6.0f}  {_figure(rates, 1):>16}"
    )


def main() -> None:
    """Run the ways in interleaved rounds and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123/v1")
    parser.add_argument("--model", default="", help='served model ("": the first listed)')
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-logprobs", action="store_true")
    parser.add_argument(
        "--top-p", type=float, default=0.95, help="1.0: vLLM samples without sorting the vocabulary"
    )
    args = parser.parse_args()
    TOP_P[0] = args.top_p
    from throughput import PROMPT  # imports torch: after the arguments are read

    def settings(batched: bool) -> RemoteSettings:
        raw = {
            "url": args.url,
            "model": args.model,
            "logprobs": not args.no_logprobs,
            "maxConcurrent": 8,
            "timeoutMs": 600000,
            "batchedN": batched,
        }
        parsed, problems = parse_settings({"remote": raw})
        assert not problems, problems
        return parsed.remote

    loop = asyncio.new_event_loop()
    streams, batched = (load_remote_engine(settings(b)) for b in (False, True))
    connection = Connection(settings(False), None)
    model = loop.run_until_complete(connection.resolve_model())
    ways = [
        Way("N=1", engine_way(streams, 1), loop),
        Way("N=4 streams", engine_way(streams, 4), loop),
        Way("N=4 n (greedy + n=3)", engine_way(batched, 4), loop),
        Way("N=4 one request n=4", raw_way(connection, model), loop),
    ]
    print(
        f"CPU: {_cpu()} · {os.cpu_count()} cores · {args.url} ({model}) · "
        f"{args.tokens} new tokens · temperature {TEMPERATURE} · top_p {args.top_p} · "
        f"logprobs {'off' if args.no_logprobs else 'on'} · {args.repeats} rounds"
    )
    interleaved(ways, PROMPT, args.tokens, args.repeats)
    print(
        f"{'way':<24} {'requests':>8}  {'wall s':>17}  {'first token s':>17}  "
        f"{'tokens':>6}  {'aggregate tok/s':>16}"
    )
    for way in ways:
        print(_row(way))
    one = statistics.median(t.wall_s for t in ways[0].timings)
    for way in ways[1:]:
        ratio = statistics.median(t.wall_s for t in way.timings) / one
        verdict = (
            f" (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'missed'})"
            if " n " in way.name
            else ""
        )
        print(f"{way.name} / N=1 wall time: {ratio:.2f}x{verdict}")


if __name__ == "__main__":
    main()
