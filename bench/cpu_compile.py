"""torch.compile with a static KV cache, timed on `model.generate`: `cpu_engine.py --compile`.

The engine keeps a DynamicCache between requests and crops it to the common
prefix of the next prompt; a static cache has a fixed shape and a compiled step
specialises on it, so this measures what compiling could give before any engine
work: the first compiled call (compile time), then decode tok/s and TTFT of
eager generate with a dynamic cache, eager with a static cache, and compiled with
a static cache, interleaved over rounds (min / median / max).

The warm-up round generates as many tokens as the counted ones: a static cache's
length is prompt + max_new_tokens, and a new length recompiles (a counted round
after a 4-token warm-up fell to 1 tok/s).
"""

from __future__ import annotations

import time
from typing import Any

import torch
from throughput import Figure, _StepClock, decode_rate

from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine


def _generate(model: Any, ids: torch.Tensor, tokens: int, **options: Any) -> tuple[float, float]:
    """(TTFT, decode tok/s) of one greedy generate call that cannot stop early."""
    clock = _StepClock()
    with torch.inference_mode():
        start = time.perf_counter()
        model.generate(
            ids,
            max_new_tokens=tokens,
            min_new_tokens=tokens,
            do_sample=False,
            streamer=clock,
            **options,
        )
    stamps = [stamp - start for stamp in clock.stamps]
    return stamps[0], decode_rate(stamps)


def compare_compiled(prompt: str, tokens: int, repeats: int) -> None:
    """Print compile time and the three variants' figures."""
    from transformers import CompileConfig

    engine = load_local_engine(LoadOptions(model="default"), lambda _m: None, lambda _v: None)
    model, tokenizer = engine._model, engine._hf_tokenizer
    ids = torch.tensor([tokenizer(prompt, add_special_tokens=True)["input_ids"]])
    static = {"cache_implementation": "static"}
    compiled = CompileConfig(mode="default", fullgraph=False)
    compiled._compile_all_devices = True  # transformers compiles on CUDA only unless told
    variants: dict[str, dict[str, Any]] = {
        "eager dynamic cache": {},
        "eager static cache": {**static, "disable_compile": True},
        "compiled static cache": {**static, "compile_config": compiled},
    }
    started = time.perf_counter()
    _generate(model, ids, tokens, **variants["compiled static cache"])
    print(f"  first compiled generate (compile included): {time.perf_counter() - started:.0f} s")
    figures = {
        name: (Figure(f"{name}: decode", "tok/s"), Figure(f"{name}: TTFT", "ms", 1000.0, 0))
        for name in variants
    }
    names = list(variants)
    for round_index in range(repeats + 1):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            ttft, rate = _generate(model, ids, tokens, **variants[name])
            if round_index:
                figures[name][0].add(rate)
                figures[name][1].add(ttft)
    print(f"  {'figure':<34} {'min':>9} {'median':>9} {'max':>9}")
    for pair in figures.values():
        for figure in pair:
            print(figure.row())
    engine.close()
