"""Engines side by side on the embedded model: `bench/throughput.py --engines`.

Five ways to decode the same prompt greedily (N=1, no stop strings), each timed
from the call to the first token (TTFT) and over its decode phase
((tokens - 1) / (last token - first token), so prefill does not dilute it):

  transformers      LocalEngine.stream (float32)
  llama.cpp         LlamaCppEngine.stream, in process
  llama-cpp raw     Llama.create_completion(stream=True) on the same Llama object
  remote engine     RemoteEngine.stream against `python -m llama_cpp.server`
  server direct     the same server, a bare httpx2 SSE loop with the same body

Then llama.cpp's batched candidates: N=4 vs N=1 vs raw four in a row (bench/batched.py).

Every run starts its prompt with a fresh "# run N" line, so no engine finds the
prompt in a KV cache: TTFT includes reading the whole ~330-token prompt each time.
Rounds interleave the variants (rotating order) so a noisy shared CPU hits all
alike; figures are min / median / max over the counted rounds.
Goals: llama.cpp engine >= 0.95x raw decode tok/s; remote >= 0.9x direct.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from batched import compare_batched, step_costs  # bench/batched.py, beside this script
from rounds import interleaved

from lsp_codegen.config import parse_settings
from lsp_codegen.engine.base import CancelToken, Engine, GenerationRequest
from lsp_codegen.engine.remote.wire import request_body

IN_PROCESS_GOAL = 0.95
REMOTE_GOAL = 0.90


@dataclass
class Timing:
    """One run: seconds from the call to each token."""

    stamps: list[float]

    @property
    def ttft(self) -> float:
        return self.stamps[0] if self.stamps else float("nan")

    @property
    def rate(self) -> float:
        s = self.stamps
        return (len(s) - 1) / (s[-1] - s[0]) if len(s) > 1 and s[-1] > s[0] else float("nan")


@dataclass
class Variant:
    """One way to decode, and its timings over the counted rounds."""

    name: str
    run: Callable[[str, int], Timing]
    timings: list[Timing] = field(default_factory=list)

    def median(self, pick: Callable[[Timing], float]) -> float:
        return statistics.median([pick(t) for t in self.timings] or [float("nan")])

    def row(self) -> str:
        rates = [t.rate for t in self.timings]
        ttfts = [t.ttft * 1000 for t in self.timings]
        tokens = statistics.median([len(t.stamps) for t in self.timings])
        return (
            f"  {self.name:<16} {min(rates):7.1f} {statistics.median(rates):7.1f} "
            f"{max(rates):7.1f}   {min(ttfts):6.0f} {statistics.median(ttfts):6.0f} "
            f"{max(ttfts):6.0f}   {tokens:4.0f}"
        )


def _greedy(prompt: str, tokens: int) -> GenerationRequest:
    return GenerationRequest(
        prompt, num_candidates=1, max_new_tokens=tokens, temperature=0.0, max_time_s=600.0
    )


def engine_variant(name: str, engine: Engine) -> Variant:
    """Time `engine.stream`; every non-empty delta is a token."""

    async def once(prompt: str, tokens: int) -> Timing:
        start = time.perf_counter()
        stamps = []
        async for update in engine.stream(_greedy(prompt, tokens), CancelToken()):
            if update.delta:
                stamps.append(time.perf_counter() - start)
        return Timing(stamps)

    return Variant(name, lambda prompt, tokens: asyncio.run(once(prompt, tokens)))


def raw_llama_variant(llm: Any) -> Variant:
    """Time llama-cpp-python's own streaming completion on the same model object."""

    def run(prompt: str, tokens: int) -> Timing:
        start = time.perf_counter()
        stamps = []
        for chunk in llm.create_completion(prompt, max_tokens=tokens, temperature=0.0, stream=True):
            if chunk["choices"][0]["text"]:
                stamps.append(time.perf_counter() - start)
        return Timing(stamps)

    return Variant("llama-cpp raw", run)


def direct_variant(url: str, model: str) -> Variant:
    """Time a bare SSE loop against the server, with the remote engine's own request body."""

    def run(prompt: str, tokens: int) -> Timing:
        body = request_body(model, _greedy(prompt, tokens), 0, "", logprobs=False)
        start = time.perf_counter()
        stamps = []
        with httpx2.stream("POST", f"{url}/completions", json=body, timeout=120) as response:
            for line in response.iter_lines():
                data = line.removeprefix("data: ")
                if data != line and data.strip() != "[DONE]" and _text(data):
                    stamps.append(time.perf_counter() - start)
        return Timing(stamps)

    return Variant("server direct", run)


def _text(data: str) -> str:
    text: str = json.loads(data)["choices"][0]["text"]
    return text


def start_server(gguf: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m llama_cpp.server` on a free loopback port, answering /v1/models."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    threads = str(os.cpu_count() or 1)
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf)]
    command += ["--port", str(port), "--n_ctx", "8192", "--n_threads", threads]
    command += ["--model_alias", "gemma-3-270m", "--interrupt_requests", "false"]
    # The server's default logits_all=true computes the whole vocabulary's logits for
    # every prompt token and keeps an n_ctx x vocabulary array: seconds per prompt.
    command += ["--logits_all", "false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx2.get(f"{url}/models", timeout=1).status_code == 200:
                return process, url
        except httpx2.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("llama_cpp.server did not start")


def compare(prompt: str, tokens: int, repeats: int, model: str = "default") -> None:
    """Load every engine, run the interleaved rounds, print the table and the ratios."""
    from lsp_codegen.engine.gguf_file import gguf_path
    from lsp_codegen.engine.llamacpp.engine import load_llamacpp_engine
    from lsp_codegen.engine.remote.engine import load_remote_engine
    from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine

    silent: Callable[[str], None] = lambda _: None  # noqa: E731
    local = load_local_engine(LoadOptions(model=model), silent, lambda _: None)
    llama = load_llamacpp_engine(model, silent, lambda _: None)
    server, url = start_server(gguf_path(model))
    settings, _ = parse_settings({"remote": {"url": url, "timeoutMs": 120000, "logprobs": False}})
    remote = load_remote_engine(settings.remote)
    variants = [
        engine_variant("transformers", local),
        engine_variant("llama.cpp", llama),
        raw_llama_variant(llama._llm),
        engine_variant("remote engine", remote),
        direct_variant(url, "gemma-3-270m"),
    ]
    try:
        interleaved(variants, prompt, tokens, repeats)
        compare_batched(llama, prompt, tokens, repeats)
        step_costs(llama, prompt)
    finally:
        server.terminate()
        server.wait(timeout=10)
        local.close()
        llama.close()
    _report(variants, tokens, repeats)


def _report(variants: list[Variant], tokens: int, repeats: int) -> None:
    by_name = {v.name: v for v in variants}

    def ratio(a: str, b: str) -> float:
        return by_name[a].median(lambda t: t.rate) / by_name[b].median(lambda t: t.rate)

    print(f"engines side by side  ({repeats} rounds + warm-up, {tokens} tokens, greedy, N=1)")
    print(
        f"  {'engine':<16} {'decode tok/s (min med max)':<25}   {'TTFT ms (min med max)':<21} tok"
    )
    for variant in variants:
        print(variant.row())
    in_process = ratio("llama.cpp", "llama-cpp raw")
    remote = ratio("remote engine", "server direct")
    speedup = ratio("llama.cpp", "transformers")
    print(
        f"  llama.cpp engine / raw llama-cpp-python  {in_process:5.2f}x   goal >= {IN_PROCESS_GOAL}"
    )
    print(f"  remote engine / server direct            {remote:5.2f}x   goal >= {REMOTE_GOAL}")
    print(f"  llama.cpp engine / transformers          {speedup:5.2f}x")
