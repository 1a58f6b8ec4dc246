"""As-you-type latency, measured over the server's real stdio stream, side by side in one run.

    python bench/latency.py [--runs 3] [--engines local,llamacpp] [--skip-typing]

1. Server overhead: our server with an instant engine (bench/servers/instant_server.py)
   vs the smallest pygls server answering the same inline request: p50 and requests/s.
2. Per local engine, on the embedded default model:
   - a scripted typing session (keystrokes 120 ms apart, a pause after each word) on a
     ~1k-token Python file, each keystroke sending didChange + inlineCompletion as editors
     do: keystroke -> inline text p50/p95, the share answered by type-through, server RSS;
   - time to first token with the prefix cache warm vs cold on the same edit;
   - a cancel storm: 500 requests each cancelled within 0-5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ROOT / "bench" / "servers"
sys.path.insert(0, str(ROOT))

from tests.lsp.raw_client import RawServer  # noqa: E402

URI = "file:///bench/typing.py"
TYPED = "def mean(values):\n    total = sum(values)\n    return total / len(values)\n"
KEY_GAP_S = 0.12
WORD_PAUSE_S = 1.5


def _source() -> str:
    """About 1k tokens of real Python, ending with a comment prompt."""
    text = (ROOT / "lsp_codegen" / "context" / "prompt.py").read_text()[:3600]
    return text[: text.rfind("\n") + 1] + "\n\n# average of a list of numbers\n"


def _end(text: str) -> dict[str, int]:
    return {"line": text.count("\n"), "character": len(text) - text.rfind("\n") - 1}


def _inline_params(text: str, kind: int) -> dict[str, Any]:
    return {"textDocument": {"uri": URI}, "position": _end(text), "context": {"triggerKind": kind}}


def _open(raw: RawServer, text: str) -> None:
    document = {"uri": URI, "languageId": "python", "version": 1, "text": text}
    raw.notify("textDocument/didOpen", {"textDocument": document})


def _spread(values: list[float], unit: str = "ms", scale: float = 1000) -> str:
    if not values:
        return "no samples"
    ordered = sorted(v * scale for v in values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"p50 {statistics.median(ordered):.0f} {unit} · p95 {p95:.0f} {unit} · "
        f"min {ordered[0]:.0f} · max {ordered[-1]:.0f} (n={len(ordered)})"
    )


# -- 1. server overhead ---------------------------------------------------------------
def overhead(runs: int, requests: int = 300) -> None:
    """Our server (instant engine) vs a minimal pygls server, interleaved."""
    servers = {
        "lsp-codegen (instant engine)": [
            sys.executable,
            str(ROOT / "bench/servers/instant_server.py"),
        ],
        "minimal pygls server": [sys.executable, str(ROOT / "bench/servers/minimal_pygls.py")],
    }
    latencies: dict[str, list[float]] = {name: [] for name in servers}
    rates: dict[str, list[float]] = {name: [] for name in servers}
    text = _source()
    for _ in range(runs):
        for name, command in servers.items():
            raw = RawServer(command=command)
            raw.initialize({"numCandidates": 1})
            _open(raw, text)
            raw.request("textDocument/inlineCompletion", _inline_params(text, 1), 60)  # warm-up
            started = time.perf_counter()
            for _ in range(requests):
                sent = time.perf_counter()
                raw.request("textDocument/inlineCompletion", _inline_params(text, 1), 60)
                latencies[name].append(time.perf_counter() - sent)
            rates[name].append(requests / (time.perf_counter() - started))
            raw.close()
    print("\n## Server overhead: one inline request at a time, same answer")
    for name in servers:
        rate = statistics.median(rates[name])
        print(f"{name:>30}: {rate:6.0f} requests/s · {_spread(latencies[name], 'ms', 1000)}")
    ours, base = (statistics.median(rates[name]) for name in servers)
    print(f"{'rate ratio':>30}: {ours / base:.2f}x of the minimal server")


# -- 2. typing on the default model -----------------------------------------------------
def typing_session(engine: str) -> None:
    """Keystrokes with pauses; latency of each answered request, type-through share, RSS."""
    raw = RawServer()
    raw.initialize({"engine": engine})
    raw.wait_ready(600)
    text = _source()
    _open(raw, text)
    raw.request("textDocument/inlineCompletion", _inline_params(text, 1), 120)  # warm-up
    sent: dict[int, float] = {}
    version = 1
    for char in TYPED:
        version += 1
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [
                    {"range": {"start": _end(text), "end": _end(text)}, "text": char}
                ],
            },
        )
        text += char
        msg_id = raw.send_request("textDocument/inlineCompletion", _inline_params(text, 2))
        sent[msg_id] = time.perf_counter()
        time.sleep(WORD_PAUSE_S if char in " \n" else KEY_GAP_S)
    answered = _answered_latencies(raw, sent)
    status = raw.wait_ready()
    hits, misses = status["typeThrough"]["hits"], status["typeThrough"]["misses"]
    rss = _rss_mb(raw)
    print(f"\n## Typing session, engine {engine} ({len(TYPED)} keystrokes)")
    print(f"keystroke -> inline text: {_spread(answered)}")
    print(f"answered with text: {len(answered)}/{len(sent)}; the rest superseded or empty")
    print(f"type-through: {hits} of {hits + misses} requests answered from the shown suggestion")
    print(f"server RSS after the session: {rss:.0f} MB")
    cancel_storm(raw, text)
    raw.close()


def _answered_latencies(raw: RawServer, sent: dict[int, float]) -> list[float]:
    latencies = []
    for msg_id, at in sent.items():
        answer = raw.response(msg_id, 120)
        if answer is not None and (answer.get("result") or {}).get("items"):
            latencies.append(raw.arrival(msg_id) - at)
    return latencies


def _rss_mb(raw: RawServer) -> float:
    status = Path(f"/proc/{raw.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cancel_storm(raw: RawServer, text: str, count: int = 500) -> None:
    """`count` requests, each cancelled within 0-5 ms."""
    ids = []
    for _ in range(count):
        msg_id = raw.send_request("textDocument/inlineCompletion", _inline_params(text, 1))
        time.sleep(random.uniform(0, 0.005))
        raw.notify("$/cancelRequest", {"id": msg_id})
        ids.append(msg_id)
    answered = sum(raw.response(msg_id, 120) is not None for msg_id in ids)
    time.sleep(1.0)
    status = raw.wait_ready()
    steps = list(status["stepsAfterCancel"])
    print(
        f"cancel storm: {answered}/{count} answered · {status['active']} generations running 1 s "
        f"later · decode steps after cancel: max {max(steps, default=0)}"
    )


# -- 2b. prefix cache, in process -------------------------------------------------------
def prefix_cache(engine_kind: str, runs: int) -> None:
    """Time to first token for the same edit with the prefix cache warm vs cold."""
    from lsp_codegen.config import Settings
    from lsp_codegen.engine.base import CancelToken, GenerationRequest
    from lsp_codegen.server.model_host import load_engine

    engine = load_engine(dataclasses.replace(Settings(), engine=engine_kind), lambda _: None)
    base = _source()
    other = "import os\n" * 50

    async def first_token(prompt: str) -> float:
        request = GenerationRequest(prompt=prompt, num_candidates=1, max_new_tokens=1)
        started = time.perf_counter()
        async for _ in engine.stream(request, CancelToken()):
            break
        return time.perf_counter() - started

    warm, cold = [], []
    for run in range(runs):
        edit = base + "de" + "f" * (run + 1)
        asyncio.run(first_token(base + "de"))  # the previous keystroke's prompt
        warm.append(asyncio.run(first_token(edit)))
        asyncio.run(first_token(other))  # evict: nothing in common
        cold.append(asyncio.run(first_token(edit)))
    engine.close()
    ratio = statistics.median(cold) / statistics.median(warm)
    print(f"\n## Prefix cache, engine {engine_kind}: time to first token on the same edit")
    print(f"warm: {_spread(warm)}\ncold: {_spread(cold)}\ncold/warm: {ratio:.1f}x")


def main() -> None:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="local,llamacpp")
    parser.add_argument("--skip-typing", action="store_true")
    args = parser.parse_args()
    overhead(args.runs)
    for engine in filter(None, args.engines.split(",")):
        if engine == "llamacpp" and not _has_llamacpp():
            print("\n(llama.cpp engine not installed: pip install lsp-codegen[llamacpp])")
            continue
        prefix_cache(engine, args.runs)
        if not args.skip_typing:
            typing_session(engine)


def _has_llamacpp() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
