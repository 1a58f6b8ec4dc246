"""CPU speed-ups of the transformers engine, each measured through `LocalEngine.stream`.

Variants (each its own loaded model unless it only changes a thread count):

  float32            the plain float32 output head (`DecodeHead` without its bf16 scan)
  bf16 head          the engine's CPU default: single rows scanned by a bfloat16 copy
                     of the output head, the best 32 tokens rescored in float32
  bf16 head, 1 thr   the same engine object, decoding with torch.set_num_threads(1)
  int8               `quantize: "int8"`: every Linear (the output head too) dynamic
                     int8, one weight scale per output row
  int8 per-tensor    the same with one scale per matrix (torch's default; not a setting)

Per variant and round, one greedy N=1 generation of the shared PROMPT (from
bench/throughput.py) with the prefix cache cleared first, so "TTFT cold" is the
whole ~330-token prompt read; then a short one on the warm prefix cache
("TTFT warm": one recomputed token). Decode tok/s is (tokens - 1) / (last token -
first token). Rounds rotate the variant order so a shared CPU's drift hits all
alike; figures are min / median / max over the counted rounds (one uncounted
warm-up round first).

Output check: every variant decodes the same prompts greedily (PROMPT and the
first --check prompts of bench/problems) and is compared with float32: "same"
means identical text for all of them. Text is what the engine emits; two
different token sequences giving the same text would count as the same.
"Next-token agreement": along float32's greedy texts, how often the variant's best
next token is float32's (one teacher-forced pass; many rows, so the float32 head
serves both the float32 and bf16 variants there: it measures the int8 layers).

--interop N sets torch's inter-op pool before anything runs (it can only be set
once per process): compare two runs. --compile instead times `model.generate`
with a static KV cache and torch.compile (the engine's prefix reuse needs a
DynamicCache it can crop, so this is a reference figure, not an engine variant).

Usage: .venv/bin/python bench/cpu_engine.py [--tokens 48] [--repeats 3] [--check 4]
       .venv/bin/python bench/cpu_engine.py --compile
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from throughput import PROMPT, Figure, _cpu_count, decode_rate, run_engine
from torch import nn

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.transformers.decode import PrefixCache
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.engine.transformers.output_head import DecodeHead

PROBLEMS = Path(__file__).parent / "problems" / "problems.jsonl"
WARM_TOKENS = 4  # the warm-prefix run only needs its first token


@dataclass
class Variant:
    """One way to run the engine, and its figures."""

    name: str
    engine: LocalEngine
    threads: int | None = None  # decode with this many intra-op threads
    texts: list[str] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.figures = {
            "rate": Figure(f"{self.name}: decode", "tok/s"),
            "cold": Figure(f"{self.name}: TTFT cold", "ms", 1000.0, 0),
            "warm": Figure(f"{self.name}: TTFT warm", "ms", 1000.0, 0),
        }


def _load(quantize: str = "none") -> LocalEngine:
    options = LoadOptions(model="default", quantize=quantize)
    return load_local_engine(options, lambda _msg: None, lambda _v: None)


def _head(engine: LocalEngine) -> nn.Module:
    head: nn.Module = engine._model.get_output_embeddings()
    return head


def float32_head(engine: LocalEngine) -> LocalEngine:
    """Drop the bf16 scan: the float32 `DecodeHead` the engine had before."""
    head = _head(engine)
    assert isinstance(head, DecodeHead) and head.scan_weight is not None
    head.scan_weight = None
    return engine


def int8_per_tensor(engine: LocalEngine) -> LocalEngine:
    """Every Linear int8 with one scale per matrix (torch's default; the setting uses one
    per output row): the output head back to a Linear first, so it is quantized too."""
    from torch.ao.quantization import quantize_dynamic

    head = _head(engine)
    linear = nn.Linear(head.in_features, head.out_features, bias=False)
    linear.weight = head.weight
    engine._model.set_output_embeddings(linear)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(engine._model, {nn.Linear}, inplace=True)
    return engine


def _request(prompt: str, tokens: int) -> GenerationRequest:
    return GenerationRequest(
        prompt,
        num_candidates=1,
        max_new_tokens=tokens,
        temperature=0.0,
        max_time_s=3600.0,
        stop=(),
        stop_rule=None,
    )


def _with_threads(variant: Variant, action: Callable[[], None]) -> None:
    """Run `action` with the variant's thread count set on the engine's worker thread
    (torch's intra-op count is per thread: setting it here would not reach the worker)."""
    worker = variant.engine._worker
    before = worker.submit(torch.get_num_threads).result()
    if variant.threads is not None:
        worker.submit(torch.set_num_threads, variant.threads).result()
    try:
        action()
    finally:
        worker.submit(torch.set_num_threads, before).result()


def measure(variant: Variant, tokens: int, counted: bool) -> None:
    """One cold-prefix and one warm-prefix greedy generation of PROMPT."""

    def runs() -> None:
        variant.engine._setup.prefix = PrefixCache()
        cold = run_engine(variant.engine, _request(PROMPT, tokens))
        warm = run_engine(variant.engine, _request(PROMPT, WARM_TOKENS))
        if counted:
            variant.figures["rate"].add(decode_rate(cold.stamps))
            variant.figures["cold"].add(cold.ttft)
            variant.figures["warm"].add(warm.ttft)

    _with_threads(variant, runs)


def check_prompts(count: int) -> list[str]:
    """PROMPT and the first `count` prompts of bench/problems."""
    lines = PROBLEMS.read_text().splitlines()[:count]
    return [PROMPT, *(json.loads(line)["prompt"] for line in lines)]


def record_texts(variant: Variant, prompts: list[str], tokens: int) -> None:
    def runs() -> None:
        for prompt in prompts:
            variant.engine._setup.prefix = PrefixCache()
            variant.texts.append(run_engine(variant.engine, _request(prompt, tokens)).text)

    _with_threads(variant, runs)


def agreement(variant: Variant, base: Variant, prompts: list[str], tokens: int) -> float:
    """How often the variant's best next token is float32's, along float32's greedy
    text (teacher-forced: one forward pass over prompt + text per prompt)."""
    tokenizer = base.engine._hf_tokenizer
    agree = total = 0
    for prompt, text in zip(prompts, base.texts, strict=True):
        ids = tokenizer(prompt + text, add_special_tokens=True, return_tensors="pt")["input_ids"]
        start = len(tokenizer(prompt, add_special_tokens=True)["input_ids"]) - 1
        with torch.inference_mode():
            want = base.engine._model(input_ids=ids).logits[0, start:-1].argmax(-1)
            got = variant.engine._model(input_ids=ids).logits[0, start:-1].argmax(-1)
        agree += int((want == got).sum())
        total += len(want)
    return agree / max(total, 1)


def build_variants() -> list[Variant]:
    """Every variant, loaded one after another (each load ~7 s)."""
    default = _load()
    return [
        Variant("float32", float32_head(_load())),
        Variant("bf16 head", default),
        Variant("bf16 head, 1 thr", default, threads=1),
        Variant("int8", _load("int8")),
        Variant("int8 per-tensor", int8_per_tensor(_load())),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tokens", type=int, default=48, help="max_new_tokens per generation")
    parser.add_argument("--repeats", type=int, default=3, help="counted rounds (after 1 warm-up)")
    parser.add_argument("--check", type=int, default=4, help="bench/problems prompts to compare")
    parser.add_argument("--interop", type=int, default=0, help="torch inter-op threads (0: keep)")
    parser.add_argument("--compile", action="store_true", help="time static cache + compile")
    args = parser.parse_args()
    if args.interop:
        torch.set_num_interop_threads(args.interop)
    if args.compile:
        from cpu_compile import compare_compiled  # bench/cpu_compile.py, beside this script

        compare_compiled(PROMPT, args.tokens, args.repeats)
        return

    started = time.perf_counter()
    variants = build_variants()
    load_s = time.perf_counter() - started
    prompts = check_prompts(args.check)
    for variant in variants:
        record_texts(variant, prompts, args.tokens)
    agree = {v.name: agreement(v, variants[0], prompts, args.tokens) for v in variants}
    for round_index in range(args.repeats + 1):
        shift = round_index % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            measure(variant, args.tokens, counted=round_index > 0)
    report(variants, agree, args, load_s, time.perf_counter() - started)
    for engine in {id(v.engine): v.engine for v in variants}.values():
        engine.close()


def report(
    variants: list[Variant],
    agree: dict[str, float],
    args: argparse.Namespace,
    load_s: float,
    total: float,
) -> None:
    base = variants[0]
    print(f"lsp-codegen CPU engine bench  ({args.repeats} rounds + warm-up, interleaved)")
    print(
        f"  torch {torch.__version__}  threads {torch.get_num_threads()} "
        f"(interop {torch.get_num_interop_threads()})  cpus {_cpu_count()}  "
        f"prompt ~330 tokens  max_new_tokens {args.tokens}  loads {load_s:.0f} s"
    )
    print()
    print(f"  {'figure':<34} {'min':>9} {'median':>9} {'max':>9}")
    for variant in variants:
        for figure in variant.figures.values():
            print(figure.row())
    print()
    base_rate = base.figures["rate"].median
    for variant in variants:
        same = sum(a == b for a, b in zip(variant.texts, base.texts, strict=True))
        speedup = variant.figures["rate"].median / base_rate
        print(
            f"  {variant.name:<18} decode {speedup:4.2f}x float32   greedy text same on "
            f"{same}/{len(base.texts)} prompts   next-token agreement {agree[variant.name]:.3f}"
        )
    for variant in variants[1:]:
        for index, (a, b) in enumerate(zip(variant.texts, base.texts, strict=True)):
            if a != b:
                print(f"    {variant.name} prompt {index}: {a[:60]!r} vs {b[:60]!r}")
    print(f"  total bench time {total:.0f} s")


if __name__ == "__main__":
    main()
