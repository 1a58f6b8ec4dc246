"""Several candidates at the price of one? llama.cpp's batched candidates, measured:
part of `bench/throughput.py --engines`.

Three ways to get candidates for the same prompt, interleaved round by round (a
fresh first line each round, so no KV cache holds the prompt):

  engine N=1      LlamaCppEngine.stream, one candidate (greedy)
  engine N=4      LlamaCppEngine.stream, four candidates decoded together
  raw 4 in a row  llama-cpp-python's create_completion four times on the same Llama
                  object (greedy, then three sampled): how candidates were made before

Each is timed from the call to its last token (wall), and its tokens counted;
aggregate tok/s = tokens / wall. Healing is off (it is not decoding).
Goals: N=4 wall <= 1.4x N=1; N=4 aggregate tok/s >= 2.5x N=1.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rounds import interleaved  # bench/rounds.py, beside this script

from lsp_codegen.engine.base import CancelToken, Engine, GenerationRequest

WALL_GOAL = 1.4
AGGREGATE_GOAL = 2.5


@dataclass
class Batched:
    """One way of getting candidates, and its (wall seconds, tokens) per round."""

    name: str
    run: Callable[[str, int], tuple[float, int]]
    timings: list[tuple[float, int]] = field(default_factory=list)

    def walls(self) -> list[float]:
        """Wall seconds of every counted round."""
        return [wall for wall, _ in self.timings]

    def rates(self) -> list[float]:
        """Aggregate tokens per second of every counted round."""
        return [tokens / wall for wall, tokens in self.timings if wall > 0]


def engine_way(name: str, engine: Engine, candidates: int) -> Batched:
    """`candidates` candidates from `engine.stream`."""

    async def once(prompt: str, tokens: int) -> tuple[float, int]:
        request = GenerationRequest(
            prompt, candidates, tokens, temperature=0.8, max_time_s=600.0, heal=False
        )
        start, count = time.perf_counter(), 0
        async for update in engine.stream(request, CancelToken()):
            count += bool(update.delta)  # a token with text, as the raw way counts them
        return time.perf_counter() - start, count

    return Batched(name, lambda prompt, tokens: asyncio.run(once(prompt, tokens)))


def raw_way(llm: Any, candidates: int) -> Batched:
    """llama-cpp-python's own completion, `candidates` times in a row."""

    def run(prompt: str, tokens: int) -> tuple[float, int]:
        start, count = time.perf_counter(), 0
        for index in range(candidates):
            temperature = 0.0 if index == 0 else 0.8
            for chunk in llm.create_completion(
                prompt, max_tokens=tokens, temperature=temperature, top_k=0, min_p=0.0, stream=True
            ):
                count += bool(chunk["choices"][0]["text"])
        return time.perf_counter() - start, count

    return Batched(f"raw {candidates} in a row", run)


def compare_batched(llama: Any, prompt: str, tokens: int, repeats: int) -> None:
    """Interleaved rounds of the three ways; print walls, rates and the goal ratios."""
    ways = [
        engine_way("engine N=1", llama, 1),
        engine_way("engine N=4", llama, 4),
        raw_way(llama._llm, 4),
    ]
    interleaved(ways, prompt, tokens, repeats)
    _report(ways, tokens, repeats)


def _report(ways: list[Batched], tokens: int, repeats: int) -> None:
    print(f"\nllama.cpp candidates ({repeats} rounds + warm-up, up to {tokens} tokens each)")
    print(f"  {'way':<16} {'wall s (min med max)':<24} {'aggregate tok/s (min med max)'}")
    for way in ways:
        print(f"  {way.name:<16} {_spread(way.walls(), 2):<24} {_spread(way.rates(), 1)}")
    one, four, raw = ways
    wall = statistics.median(four.walls()) / statistics.median(one.walls())
    rate = statistics.median(four.rates()) / statistics.median(one.rates())
    raw_wall = statistics.median(raw.walls()) / statistics.median(four.walls())
    print(f"  N=4 wall / N=1 wall                  {wall:5.2f}x   goal <= {WALL_GOAL}")
    print(f"  N=4 aggregate tok/s / N=1            {rate:5.2f}x   goal >= {AGGREGATE_GOAL}")
    print(f"  raw 4 in a row wall / engine N=4     {raw_wall:5.2f}x")


def step_costs(llama: Any, prompt: str, repeats: int = 15) -> None:
    """What one llama.cpp decode step costs by the rows in its batch (why four candidates
    are not the price of one on a CPU): median ms over `repeats` steps after the prompt."""
    sequences = llama._setup.sequences
    ids = llama._llm.tokenize(prompt.encode(), add_bos=True, special=True)
    cases = {
        "1 row": ([0], False),
        "4 rows, logits of 1": ([0, 1, 2, 3], True),
        "4 rows": ([0, 1, 2, 3], False),
        "8 rows": (list(range(8)), False),
    }
    print("\nllama.cpp decode step by batch rows (median of", repeats, "steps)")
    for label, (seqs, last_only) in cases.items():
        times = []
        for _ in range(repeats):
            sequences.read_prompt(ids)
            rows = [0]
            while len(rows) < len(seqs):
                rows.append(sequences.copy(0, set(rows)))
            entries = [(100, len(ids), seq) for seq in rows]
            started = time.perf_counter()
            sequences._fill(entries, last_only=last_only)
            sequences._decode()
            times.append(time.perf_counter() - started)
        print(f"  {label:<22} {statistics.median(times) * 1000:6.1f} ms")


def _spread(values: list[float], digits: int) -> str:
    if not values:
        return "-"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low:.{digits}f} {mid:.{digits}f} {high:.{digits}f}"
