"""As-you-type latency, measured over the server's real stdio stream, side by side in one run.

    python bench/latency.py [--runs 3] [--engines local,llamacpp] [--skip-typing]

1. Server overhead: our server with an instant engine (bench/servers/instant_server.py)
   vs the smallest pygls server answering the same inline request: p50 and requests/s.
2. Per local engine, on the embedded default model:
   - a scripted typing session (keystrokes 120 ms apart, a pause after each word) on a
     ~1k-token Python file, each keystroke sending didChange + inlineCompletion as editors
     do, --runs times: keystroke -> inline text p50/p95 for single-line requests (code
     before the cursor) and multi-line ones (start of a line), min/median/max over the
     runs; the requests answered from a shown or a still-streaming suggestion; server RSS;
   - the typing session again with `inline.speculative` on (what speculation costs);
   - accepting suggestions (Tab, Enter, next) with `inline.speculative` off, then on:
     Enter -> next suggestion and Tab -> answer latency, speculations used;
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


def _inline_params(text: str, kind: int, uri: str = URI) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": _end(text), "context": {"triggerKind": kind}}


def _open(raw: RawServer, text: str, uri: str = URI) -> None:
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
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
            # The request's own path only: speculation is background work that the
            # next request stops (its cost shows in the typing sessions).
            raw.initialize({"numCandidates": 1, "inline": {"speculative": False}})
            _open(raw, text)
            warm_up = raw.request("textDocument/inlineCompletion", _inline_params(text, 1), 60)
            assert warm_up["result"]["items"], f"{name} showed nothing: not the full path"
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
    ours, base = (rates[name] for name in servers)
    ratios = [a / b for a, b in zip(ours, base, strict=True)]  # run by run, interleaved
    print(
        f"{'rate ratio':>30}: {statistics.median(ours) / statistics.median(base):.2f}x of the "
        f"minimal server (per run min / median / max: {_spread_of(ratios, 100)} %)"
    )


# -- 2. typing on the default model -----------------------------------------------------
@dataclasses.dataclass
class TypingRun:
    """One scripted typing session's figures."""

    line: list[float]  # keystroke -> inline text, cursor after code on its line (LINE mode)
    block: list[float]  # the same at the start of a line (BLOCK mode: several lines)
    sent: int
    type_through: int
    streaming: int
    rss_mb: float


def typing_session(engine: str, runs: int, speculative: bool = False) -> None:
    """`runs` scripted sessions on one server; figures per run, then min/median/max."""
    raw = RawServer()
    raw.initialize({"engine": engine, "inline": {"speculative": speculative}})
    raw.wait_ready(600)
    results = [_typing_run(raw, run) for run in range(runs)]
    title = f"engine {engine}{', speculative on' if speculative else ''}"
    print(f"\n## Typing session, {title} ({len(TYPED)} keystrokes, {runs} runs)")
    for name, pick in (("single-line", "line"), ("multi-line", "block")):
        p50s = [_percentile(getattr(r, pick), 0.5) for r in results]
        p95s = [_percentile(getattr(r, pick), 0.95) for r in results]
        count = sum(len(getattr(r, pick)) for r in results)
        print(
            f"{name} keystroke -> inline text (n={count}): "
            f"p50 {_spread_of(p50s)} ms · p95 {_spread_of(p95s)} ms (min / median / max of runs)"
        )
    sent = sum(r.sent for r in results)
    answered = sum(len(r.line) + len(r.block) for r in results)
    print(f"answered with text: {answered}/{sent}; the rest superseded or empty")
    print(
        f"from a shown suggestion (type-through): {sum(r.type_through for r in results)}; "
        f"joined a streaming one: {sum(r.streaming for r in results)} (of {sent} requests)"
    )
    print(f"server RSS after each run: {_spread_of([r.rss_mb for r in results])} MB")
    cancel_storm(raw, _source() + TYPED)
    raw.close()


def _typing_run(raw: RawServer, run: int) -> TypingRun:
    from lsp_codegen.context.insertion import locate_insertion
    from lsp_codegen.context.types import Mode

    uri = f"file:///bench/typing{run}.py"  # a fresh document per run
    text = _source()
    _open(raw, text, uri)
    raw.request("textDocument/inlineCompletion", _inline_params(text, 1, uri), 120)  # warm-up
    before = raw.wait_ready()
    sent: dict[int, float] = {}
    single_line: set[int] = set()
    version = 1
    for char in TYPED:
        version += 1
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {"range": {"start": _end(text), "end": _end(text)}, "text": char}
                ],
            },
        )
        text += char
        msg_id = raw.send_request("textDocument/inlineCompletion", _inline_params(text, 2, uri))
        sent[msg_id] = time.perf_counter()
        if locate_insertion(text, len(text), "python").mode is Mode.LINE:
            single_line.add(msg_id)
        time.sleep(WORD_PAUSE_S if char in " \n" else KEY_GAP_S)
    answered = _answered_latencies(raw, sent)
    status = raw.wait_ready()
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return TypingRun(
        line=[t for i, t in answered.items() if i in single_line],
        block=[t for i, t in answered.items() if i not in single_line],
        sent=len(sent),
        type_through=status["typeThrough"]["hits"] - before["typeThrough"]["hits"],
        streaming=status["typeThrough"]["streaming"] - before["typeThrough"]["streaming"],
        rss_mb=_rss_mb(raw),
    )


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _spread_of(values: list[float], scale: float = 1) -> str:
    """min / median / max (times `scale`)."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low * scale:.0f} / {mid * scale:.0f} / {high * scale:.0f}"


# -- 2c. accepting suggestions, with and without speculation ------------------------------
READ_S = 1.0  # the user reads a suggestion before pressing Tab, then Enter
# Inside a function body, the cursor indented as after Enter: the model writes a loop.
ACCEPT_START = 'def mean(values):\n    """The average of values."""\n    total = 0\n    '


def accept_session(engine: str, accepts: int = 4) -> None:
    """Accept the best suggestion, press Enter, take the next: speculation off vs on.

    Measured per accept: Tab -> the answer at the end of the accepted text, and
    Enter -> the next suggestion's text (the user waits for this one).
    """
    print(
        f"\n## Accepting suggestions, engine {engine} "
        f"({accepts} accepts, {READ_S:.0f} s reading each)"
    )
    for speculative in (False, True):
        raw = RawServer()
        raw.initialize({"engine": engine, "inline": {"speculative": speculative}})
        raw.wait_ready(600)
        tab, enter, shown = _accepting(raw, accepts)
        status = raw.wait_ready()
        spec = status["speculative"]
        raw.close()
        print(
            f"speculative {'on ' if speculative else 'off'}: Enter -> next suggestion "
            f"{_spread(enter)} · Tab -> answer {_spread(tab)} · suggestions shown {shown} · "
            f"speculations started {spec['started']}, used {spec['used']}, "
            f"stopped for a request {spec['stopped']}"
        )


def _accepting(raw: RawServer, accepts: int) -> tuple[list[float], list[float], int]:
    text = _source() + ACCEPT_START
    _open(raw, text)
    version, tab, enter, shown = 1, [], [], 0
    raw.request("textDocument/inlineCompletion", _inline_params(text, 1), 120)  # warm-up
    answer = raw.request("textDocument/inlineCompletion", _inline_params(text, 2), 120)
    for _ in range(accepts):
        items = (answer.get("result") or {}).get("items") or []
        if not items:
            break
        shown += 1
        time.sleep(READ_S)
        version, text = _typed(raw, version, text, items[0]["insertText"])  # Tab
        started = time.perf_counter()
        raw.request("textDocument/inlineCompletion", _inline_params(text, 2), 120)
        tab.append(time.perf_counter() - started)
        indent = text[text.rfind("\n") + 1 :]
        indent = indent[: len(indent) - len(indent.lstrip())]
        version, text = _typed(raw, version, text, "\n" + indent)  # Enter, auto-indented
        started = time.perf_counter()
        answer = raw.request("textDocument/inlineCompletion", _inline_params(text, 2), 120)
        enter.append(time.perf_counter() - started)
    return tab, enter, shown


def _typed(raw: RawServer, version: int, text: str, typed: str) -> tuple[int, str]:
    """Type `typed` at the end of the document at URI."""
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": version + 1},
            "contentChanges": [{"range": {"start": _end(text), "end": _end(text)}, "text": typed}],
        },
    )
    return version + 1, text + typed


def _answered_latencies(raw: RawServer, sent: dict[int, float]) -> dict[int, float]:
    """Seconds from sending to the answer, for the requests answered with text."""
    latencies = {}
    for msg_id, at in sent.items():
        answer = raw.response(msg_id, 120)
        if answer is not None and (answer.get("result") or {}).get("items"):
            latencies[msg_id] = raw.arrival(msg_id) - at
    return latencies


def _rss_mb(raw: RawServer) -> float:
    status = Path(f"/proc/{raw.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cancel_storm(raw: RawServer, text: str, count: int = 500) -> None:
    """`count` requests on a document of its own, each cancelled within 0-5 ms."""
    uri = "file:///bench/storm.py"
    _open(raw, text, uri)
    ids = []
    for _ in range(count):
        msg_id = raw.send_request("textDocument/inlineCompletion", _inline_params(text, 1, uri))
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
    from lsp_codegen.config import parse_settings
    from lsp_codegen.engine.base import CancelToken, GenerationRequest
    from lsp_codegen.engine.factory import load_engine

    engine = load_engine(parse_settings({"engine": engine_kind})[0], lambda _: None)
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
            typing_session(engine, args.runs)
            typing_session(engine, args.runs, speculative=True)
            accept_session(engine)


def _has_llamacpp() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
