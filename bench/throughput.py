"""Decode throughput of the local engine, measured against raw `model.generate`.

What it measures, in one process, on one loaded model object and one prompt (a
~330-token Python file prefix ending in a comment and a `def ...:` line):

1. Decode speed at N=1, greedy (temperature 0, no stop strings or rule):
   tokens/s of `LocalEngine.stream` versus `model.generate(do_sample=False)` on
   the same input ids and the same model object (`engine._model`). Only the
   decode phase is timed: (tokens - 1) / (last token time - first token time),
   so prompt reading (prefill) does not dilute it. `generate` gets
   `min_new_tokens` = `max_new_tokens`, so it cannot stop at EOS; the engine has
   no such switch, so the tokens it actually produced are counted (the "tokens
   counted" line) and its rate comes from them.
2. Time to first token: for the engine, from calling `stream` until the first
   update with a non-empty delta (tokenizing, prefill, token choice,
   detokenizing and the hop from the worker thread to the event loop included);
   for `generate`, from the call until its streamer receives the first new
   token (the prompt is tokenized beforehand; that takes about a millisecond).
3. Engine wall time, N=4 candidates versus N=1 (temperature 0.8, top_p 0.95,
   fixed seed). Candidate 0 is always greedy; the others are sampled and may end
   at EOS early, so the total number of tokens produced is printed too. The
   prefill is shared by all candidates, so this ratio grows with --tokens.

How it runs: one short warm-up round (8 tokens per variant, not counted), then
--repeats rounds; each round runs every variant once, in an order that rotates
from round to round, so the drift of a shared, noisy machine hits all alike.

How to read it: each figure shows min / median / max over the counted rounds;
ratios are computed from medians. "engine/generate decode tok/s" should be
>= 0.95x (the engine adds little to a bare decode loop); "N4/N1 engine wall
time" should be <= 1.5x (one prefill and batched decode make extra candidates
cheap). "engine greedy text is a prefix of generate's" checks that both decoded
the same tokens. On a shared CPU trust the median, and check that min and max
are close before comparing two runs.

With --engines it instead compares every engine on the same prompt (see
bench/engines.py): transformers, llama.cpp in process, raw llama-cpp-python,
the remote engine against llama.cpp's server, and that server called directly.

Usage: .venv/bin/python bench/throughput.py [--model default] [--tokens 48] [--repeats 3]
       .venv/bin/python bench/throughput.py --engines
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers.generation.streamers import BaseStreamer

from lsp_codegen.engine.base import CancelToken, CandidateUpdate, GenerationRequest
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine

DECODE_GOAL = 0.95  # engine/generate decode tokens/s, at least
FANOUT_GOAL = 1.5  # N=4 wall time / N=1 wall time, at most
SEED = 1234
WARMUP_TOKENS = 8  # per generation in the uncounted warm-up round

# A realistic file prefix: imports, a dataclass, a few helpers, then the
# comment the user wants turned into code and the `def` line it asks for.
PROMPT = '''\
"""Shopping cart pricing for the checkout page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Item:
    """One product in the cart."""

    name: str
    unit_price: Decimal
    quantity: int = 1
    taxable: bool = True

    def subtotal(self) -> Decimal:
        """Price of this line before discounts and tax."""
        return self.unit_price * self.quantity


@dataclass
class Cart:
    """The items a customer is about to buy."""

    items: list[Item] = field(default_factory=list)


def round_cents(amount: Decimal) -> Decimal:
    """Round to whole cents, halves away from zero."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def tax_for(items: list[Item], rate: Decimal) -> Decimal:
    """Sales tax on the taxable items only."""
    taxable = sum((item.subtotal() for item in items if item.taxable), Decimal(0))
    return round_cents(taxable * rate)


# Return the total the customer pays: subtotal minus a percentage discount,
# plus tax on the discounted taxable items, rounded to cents.
def cart_total(cart: Cart, discount_percent: Decimal, tax_rate: Decimal) -> Decimal:
'''


@dataclass
class EngineRun:
    """One engine generation: timings relative to the call of `stream`."""

    ttft: float  # until the first non-empty delta
    wall: float  # until the stream ended
    tokens: int  # tokens produced, all candidates together
    stamps: list[float]  # arrival time of each token of candidate 0
    text: str  # candidate 0's text
    finishes: dict[int, str | None]


@dataclass
class GenerateRun:
    """One `model.generate` call: timings relative to the call."""

    ttft: float
    wall: float
    tokens: int
    stamps: list[float]
    text: str


class _StepClock(BaseStreamer):
    """A streamer that only records when each new token arrives (no decoding)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        now = time.perf_counter()
        if not self._prompt_seen:  # generate first hands over the prompt ids
            self._prompt_seen = True
            return
        self.stamps.append(now)

    def end(self) -> None:
        pass


def _is_token(update: CandidateUpdate) -> bool:
    """Every update stands for one sampled token, except the closing ones."""
    return not (update.done and update.finish_reason in ("length", "time", "cancelled"))


async def _engine_once(engine: LocalEngine, request: GenerationRequest) -> EngineRun:
    start = time.perf_counter()
    ttft: float | None = None
    tokens = 0
    stamps: list[float] = []
    parts: list[str] = []
    finishes: dict[int, str | None] = {}
    async for update in engine.stream(request, CancelToken()):
        now = time.perf_counter() - start
        if ttft is None and update.delta:
            ttft = now
        if _is_token(update):
            tokens += 1
            if update.index == 0:
                stamps.append(now)
        if update.index == 0:
            parts.append(update.delta)
        if update.done:
            finishes[update.index] = update.finish_reason
    wall = time.perf_counter() - start
    return EngineRun(
        ttft if ttft is not None else wall, wall, tokens, stamps, "".join(parts), finishes
    )


def run_engine(engine: LocalEngine, request: GenerationRequest) -> EngineRun:
    """One generation through `LocalEngine.stream`, consumed on a fresh event loop."""
    return asyncio.run(_engine_once(engine, request))


def run_generate(model: Any, tokenizer: Any, input_ids: torch.Tensor, tokens: int) -> GenerateRun:
    """One greedy `model.generate` call that cannot stop before `tokens` tokens."""
    clock = _StepClock()
    with torch.inference_mode():
        start = time.perf_counter()
        output = model.generate(
            input_ids,
            max_new_tokens=tokens,
            min_new_tokens=tokens,
            do_sample=False,
            streamer=clock,
        )
        wall = time.perf_counter() - start
    new_ids = output[0, input_ids.shape[1] :].tolist()
    stamps = [stamp - start for stamp in clock.stamps]
    text: str = tokenizer.decode(new_ids, skip_special_tokens=True)
    return GenerateRun(stamps[0], wall, len(new_ids), stamps, text)


def decode_rate(stamps: list[float]) -> float:
    """Tokens per second between the first and the last token (prefill excluded)."""
    if len(stamps) < 2 or stamps[-1] <= stamps[0]:
        return float("nan")
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


@dataclass
class Figure:
    """One measured quantity, collected over the counted rounds."""

    label: str
    unit: str
    scale: float = 1.0
    digits: int = 2
    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        """Record one round's value (in seconds or tokens/s; scaled for display)."""
        self.values.append(value * self.scale)

    @property
    def median(self) -> float:
        """Median over the counted rounds."""
        return statistics.median(self.values or [float("nan")])

    def row(self) -> str:
        """The table row: label, min, median, max, unit."""
        values = self.values or [float("nan")]
        cells = [f"{v:.{self.digits}f}" for v in (min(values), self.median, max(values))]
        return f"  {self.label:<34} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9}  {self.unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", default="default", help='model setting (default: "default")')
    parser.add_argument("--tokens", type=int, default=48, help="max_new_tokens per generation")
    parser.add_argument("--repeats", type=int, default=3, help="counted rounds (after 1 warm-up)")
    parser.add_argument(
        "--engines",
        action="store_true",
        help="compare transformers, llama.cpp in process, raw llama-cpp-python, the remote "
        "engine and llama.cpp's server called directly (needs the llamacpp extra)",
    )
    args = parser.parse_args()
    if args.tokens < 2 or args.repeats < 1:
        parser.error("--tokens must be at least 2 and --repeats at least 1")
    if args.engines:
        from engines import compare  # bench/engines.py, beside this script

        compare(PROMPT, args.tokens, args.repeats, args.model)
        return

    max_new: int = args.tokens
    started = time.perf_counter()
    engine = load_local_engine(LoadOptions(model=args.model), lambda _msg: None, lambda _v: None)
    load_s = time.perf_counter() - started
    model, tokenizer = engine._model, engine._hf_tokenizer
    info = engine.info()
    # Tokenized exactly as the engine's decode loop does it.
    ids: list[int] = tokenizer(PROMPT, add_special_tokens=True)["input_ids"]
    input_ids = torch.tensor([ids], device=torch.device(info.device))

    def request(n: int, temperature: float, tokens: int) -> GenerationRequest:
        # No stop strings or rule, and no time limit to hit: only length (or EOS) ends it.
        return GenerationRequest(
            PROMPT,
            num_candidates=n,
            max_new_tokens=tokens,
            temperature=temperature,
            top_p=0.95,
            max_time_s=3600.0,
            stop=(),
            stop_rule=None,
            seed=SEED,
        )

    figures = {
        "eng_rate": Figure("engine N=1 greedy decode", "tok/s"),
        "gen_rate": Figure("generate greedy decode", "tok/s"),
        "eng_ttft": Figure("engine time to first token", "ms", 1000.0, 0),
        "gen_ttft": Figure("generate time to first token", "ms", 1000.0, 0),
        "eng_wall": Figure("engine N=1 greedy wall", "s"),
        "gen_wall": Figure("generate greedy wall", "s"),
        "n1_wall": Figure("engine N=1 t=0.8 wall", "s"),
        "n4_wall": Figure("engine N=4 t=0.8 wall", "s"),
    }
    counts: dict[str, list[int]] = {"eng": [], "gen": [], "n1": [], "n4": []}
    last: dict[str, Any] = {}

    # Round 0 warms up (allocator, kernels, caches) with short generations; it is not counted.
    def tokens_for(counted: bool) -> int:
        return max_new if counted else min(max_new, WARMUP_TOKENS)

    def engine_greedy(counted: bool) -> None:
        run = run_engine(engine, request(1, 0.0, tokens_for(counted)))
        if counted:
            last["eng"] = run
            figures["eng_rate"].add(decode_rate(run.stamps))
            figures["eng_ttft"].add(run.ttft)
            figures["eng_wall"].add(run.wall)
            counts["eng"].append(run.tokens)

    def generate_greedy(counted: bool) -> None:
        run = run_generate(model, tokenizer, input_ids, tokens_for(counted))
        if counted:
            last["gen"] = run
            figures["gen_rate"].add(decode_rate(run.stamps))
            figures["gen_ttft"].add(run.ttft)
            figures["gen_wall"].add(run.wall)
            counts["gen"].append(run.tokens)

    def engine_fanout(n: int) -> Callable[[bool], None]:
        def variant(counted: bool) -> None:
            run = run_engine(engine, request(n, 0.8, tokens_for(counted)))
            if counted:
                last[f"n{n}"] = run
                figures[f"n{n}_wall"].add(run.wall)
                counts[f"n{n}"].append(run.tokens)

        return variant

    variants = [engine_greedy, generate_greedy, engine_fanout(1), engine_fanout(4)]
    for round_index in range(args.repeats + 1):
        counted = round_index > 0
        shift = round_index % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            variant(counted)
    total_s = time.perf_counter() - started

    eng, gen, n4 = last["eng"], last["gen"], last["n4"]
    decode_ratio = figures["eng_rate"].median / figures["gen_rate"].median
    ttft_ratio = figures["eng_ttft"].median / figures["gen_ttft"].median
    fanout_ratio = figures["n4_wall"].median / figures["n1_wall"].median
    same = gen.text.startswith(eng.text) if eng.text else False

    print(f"lsp-codegen throughput bench  ({args.repeats} rounds + warm-up, interleaved)")
    print(
        f"  model {info.model}  device {info.device}  dtype {info.dtype}  "
        f"params {sum(p.numel() for p in model.parameters()) / 1e6:.0f}M  "
        f"load {load_s:.1f} s"
    )
    print(
        f"  torch {torch.__version__}  threads {torch.get_num_threads()} "
        f"(interop {torch.get_num_interop_threads()})  cpus {_cpu_count()}  "
        f"python {platform.python_version()}"
    )
    print(f"  prompt {len(ids)} tokens  max_new_tokens {args.tokens}")
    print()
    print(f"  {'figure':<34} {'min':>9} {'median':>9} {'max':>9}")
    for figure in figures.values():
        print(figure.row())
    print()
    print(
        f"  tokens counted: engine greedy {_span(counts['eng'])}, generate {_span(counts['gen'])}, "
        f"engine N=1 {_span(counts['n1'])}, engine N=4 {_span(counts['n4'])} (all candidates)"
    )
    print(f"  finish reasons (last round): greedy {eng.finishes}, N=4 {n4.finishes}")
    print(f"  engine greedy text is a prefix of generate's: {'yes' if same else 'NO'}")
    print()
    print(
        f"  engine/generate decode tok/s  {decode_ratio:5.2f}x   goal >= {DECODE_GOAL:.2f}x  "
        f"{_verdict(decode_ratio >= DECODE_GOAL)}"
    )
    print(f"  engine/generate first token   {ttft_ratio:5.2f}x   (lower is better)")
    print(
        f"  N4/N1 engine wall time        {fanout_ratio:5.2f}x   goal <= {FANOUT_GOAL:.2f}x  "
        f"{_verdict(fanout_ratio <= FANOUT_GOAL)}"
    )
    print(f"  total bench time {total_s:.0f} s")
    engine.close()


def _span(values: list[int]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    main()
