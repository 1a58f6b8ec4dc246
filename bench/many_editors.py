"""Many editors on one model server: simulated editors typing at once against one vLLM,
then against one llama.cpp server (llama-cpp-python's), side by side in one run.

    python bench/many_editors.py --vllm-url http://127.0.0.1:8123/v1 [--editors 8] [--pause 3]

Each editor is its own lsp-codegen (`engine: remote`) over stdio, typing bench/pauses.py's
session (120 ms between keys, a pause after every word); all start together. Reported
per server: last key -> first text p50/p95 over the pauses answered, the share of pauses
answered with text within 1 s and within --pause seconds, and the total tokens per second
the editors received (their engines' decode steps over the wall time).

vLLM is started by the caller (docs/deploy-vllm.md, or `make test-vllm`'s command) and
named with --vllm-url; the llama.cpp server is started here on the embedded GGUF, queueing
concurrent requests (`--interrupt_requests false`). Each editor uses the settings
`lsp-codegen doctor --remote` suggests for its server (`remote.maxConcurrent`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pauses import Pauses, _cpu, session  # noqa: E402
from tests.engines.servers import free_port, llama_server  # noqa: E402
from tests.lsp.raw_client import RawServer  # noqa: E402


def _editor(url: str, model: str, concurrent: int) -> RawServer:
    raw = RawServer()
    remote = {"url": url, "model": model, "maxConcurrent": concurrent, "timeoutMs": 60000}
    raw.initialize({"engine": "remote", "remote": remote})
    raw.wait_ready(120)
    return raw


def _typing(editors: int, url: str, model: str, concurrent: int, pause_s: float) -> None:
    """`editors` sessions at once against `url`; prints one line of figures."""
    raws = [_editor(url, model, concurrent) for _ in range(editors)]
    steps_before = sum(raw.wait_ready()["decodeSteps"] for raw in raws)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=editors) as pool:
        runs: list[Pauses] = list(
            pool.map(lambda pair: session(pair[1], pair[0], pause_s), enumerate(raws))
        )
    wall = time.perf_counter() - started
    tokens = sum(raw.wait_ready()["decodeSteps"] for raw in raws) - steps_before
    for raw in raws:
        raw.close()
    latencies = sorted(t for run in runs for t in run.latencies)
    pauses = sum(run.pauses for run in runs)
    within_1 = sum(1 for t in latencies if t <= 1.0) / max(pauses, 1)
    within = sum(1 for t in latencies if t <= pause_s) / max(pauses, 1)
    timing = "no pause answered"
    if latencies:
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        timing = f"p50 {statistics.median(latencies) * 1000:.0f} ms · p95 {p95 * 1000:.0f} ms"
    print(
        f"  {editors} editors: {pauses} pauses · text within 1 s {within_1:.0%} · within "
        f"{pause_s:g} s {within:.0%} · last key -> text {timing} · {tokens / wall:.1f} tokens/s "
        f"received in all ({wall:.0f} s)"
    )


def main() -> None:
    """Run the sessions against each server and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vllm-url", required=True, help="a running vLLM's /v1 URL")
    parser.add_argument("--vllm-model", default="gemma-3-270m")
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--pause", type=float, default=3.0)
    args = parser.parse_args()
    print(f"CPU: {_cpu()} · {os.cpu_count()} cores")
    print(f"\n## vLLM at {args.vllm_url}")
    _typing(args.editors, args.vllm_url, args.vllm_model, 4, args.pause)
    from lsp_codegen.engine.gguf_file import default_gguf

    with tempfile.TemporaryDirectory() as folder:
        server = llama_server(default_gguf(), free_port(), Path(folder) / "llama.log").start()
        try:
            print(f"\n## llama-cpp-python's server at {server.url}")
            _typing(args.editors, server.url, "gemma-3-270m", 1, args.pause)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
