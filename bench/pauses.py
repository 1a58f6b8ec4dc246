"""Answers at the pauses while typing: what a user sees when they stop after a word.

    python bench/pauses.py [--engines llamacpp,local] [--baseline COMMIT] [--pause 3]

Types real code written for this bench (PAUSES_TYPED, functions the model has not
seen) word by word into a ~1k-token Python file over the server's stdio stream:
120 ms between keys, each key a didChange + inlineCompletion (automatic trigger) as
editors send them, and a pause after every word (after the space, or after Enter
with the new line's indentation). At each pause the answer to the last key's
request is what the user sees. Reported per engine and code path: the share of
pauses answered with non-empty text within 1 s and within --pause seconds, and the
last key -> answer latency p50/p95 over the pauses answered.

With --baseline COMMIT the same session also runs the server as it was at COMMIT
(checked out with `git worktree` into a temporary folder, the server started there with
it on PYTHONPATH: the working directory comes first on sys.path, before the editable
install), in the same run, alternating, so both see the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import KEY_GAP_S, _end, _inline_params, _open, _source  # noqa: E402
from tests.lsp.raw_client import SERVE, RawServer  # noqa: E402

# Written for this bench: small functions a user might type after the file's code.
PAUSES_TYPED = (
    "def words_reversed(sentence):\n"
    "    words = sentence.split()\n"
    '    return " ".join(reversed(words))\n'
    "\n"
    "\n"
    "def count_vowels(text):\n"
    "    total = 0\n"
    "    for char in text.lower():\n"
    '        if char in "aeiou":\n'
    "            total += 1\n"
    "    return total\n"
)
AUTOMATIC = 2  # InlineCompletionTriggerKind.Automatic


@dataclass
class Pauses:
    """What the user saw at each pause of one session."""

    latencies: list[float] = field(default_factory=list)  # answered with text, seconds
    pauses: int = 0
    empty: int = 0  # answered in time, with no text
    late: int = 0  # no answer before the pause ended
    missed: list[str] = field(default_factory=list)  # the words typed before those pauses
    # Why each pause without text had none, as its request's trace says (lastCompletion).
    reasons: Counter[str] = field(default_factory=Counter)
    late_stages: list[str] = field(default_factory=list)  # where each late request's time went

    def share_within(self, seconds: float) -> float:
        """Share of pauses answered with text within `seconds`."""
        return sum(1 for t in self.latencies if t <= seconds) / max(self.pauses, 1)


def words(text: str) -> list[list[str]]:
    """`text` as the user types it, word by word: each word a list of keys (characters;
    Enter with the next line's indentation, as an editor auto-indents, is one key and
    ends a word, as a space does)."""
    typed: list[list[str]] = [[]]
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            rest = text[index + 1 :]
            indent = len(rest) - len(rest.lstrip(" "))
            typed[-1].append("\n" + " " * indent)
            index += 1 + indent
        else:
            typed[-1].append(char)
            index += 1
        if char in " \n":
            typed.append([])
    return [word for word in typed if word]


def session(raw: RawServer, run: int, pause_s: float, explain_late: bool = False) -> Pauses:
    """Type PAUSES_TYPED into a fresh document; measure the answer at every pause.
    `explain_late`: after a pause without an answer, wait for it (up to 15 s, the next
    word waits too) and keep where its time went."""
    uri = f"file:///bench/pauses{run}.py"
    text = _source()
    _open(raw, text, uri)
    raw.request("textDocument/inlineCompletion", _inline_params(text, 1, uri), 120)  # warm-up
    version, result = 1, Pauses()
    for keys in words(PAUSES_TYPED):
        last_id, sent_at = 0, 0.0
        for key in keys:
            version += 1
            raw.notify("textDocument/didChange", _change(uri, version, text, key))
            text += key
            last_id = raw.send_request("textDocument/inlineCompletion", _params(text, uri))
            sent_at = time.perf_counter()
            time.sleep(KEY_GAP_S)
        result.pauses += 1
        answer = raw.response(last_id, max(0.0, pause_s - KEY_GAP_S))
        if answer is not None and _has_text(answer):
            result.latencies.append(raw.arrival(last_id) - sent_at)
        else:
            result.empty += answer is not None
            result.late += answer is None
            result.missed.append(("empty " if answer else "late ") + repr("".join(keys)))
            result.reasons[_why(raw, uri, version)] += 1
            if answer is None and explain_late:  # wait for it, to see where its time went
                raw.response(last_id, 15)
                result.late_stages.append(_stages(raw, uri, version))
        time.sleep(max(0.0, sent_at + pause_s - time.perf_counter()))
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return result


def _why(raw: RawServer, uri: str, version: int) -> str:
    """The summary of the pause's request (the last inline one for `version`) in its trace:
    "nothing shown: <why>", or "still running: <what>" for a late one."""
    trace = _trace(raw, uri, version)
    return "no trace" if trace is None else str(trace["summary"])


def _stages(raw: RawServer, uri: str, version: int) -> str:
    """The stages a late request went through, once it has ended (superseded, mostly)."""
    trace = _trace(raw, uri, version)
    if trace is None:
        return "no trace"
    stages = ", ".join(f"{s['stage']} {s['ms']:.0f} ms" for s in trace["stages"])
    read = [s for s in trace["stages"] if s["stage"] == "prompt read"]
    tokens = f" (prompt {read[0]['tokens']} tokens, {read[0]['computed']} read)" if read else ""
    return f"v{version}: {stages}{tokens} → {trace['summary']}"


def _trace(raw: RawServer, uri: str, version: int) -> dict[str, Any] | None:
    """The trace of the last inline request for `version` of `uri`, as lastCompletion
    gives it, or None where the server kept none."""
    arguments = [{"uri": uri, "kind": "inline", "all": True}]
    command = {"command": "lsp-codegen.lastCompletion", "arguments": arguments}
    traces = raw.request("workspace/executeCommand", command, 10).get("result") or {}
    mine = [t for t in traces.get("traces", []) if t["request"]["version"] == version]
    return mine[-1] if mine else None


def _change(uri: str, version: int, text: str, typed: str) -> dict[str, Any]:
    at = _end(text)
    return {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": at, "end": at}, "text": typed}],
    }


def _params(text: str, uri: str) -> dict[str, Any]:
    return _inline_params(text, AUTOMATIC, uri)


def _has_text(answer: dict[str, Any]) -> bool:
    items = (answer.get("result") or {}).get("items") or []
    return any(item.get("insertText", "").strip() for item in items)


def _server(engine: str, python_path: Path | None, settings: dict[str, Any]) -> RawServer:
    command = SERVE
    if python_path is not None:  # run from there: the working directory comes first on sys.path
        command = ["env", "-C", str(python_path), f"PYTHONPATH={python_path}", *SERVE]
    raw = RawServer(command=command)
    raw.initialize({"engine": engine, **settings})
    raw.wait_ready(600)
    return raw


def _report(label: str, runs: list[Pauses], pause_s: float, verbose: bool) -> None:
    pauses = sum(r.pauses for r in runs)
    latencies = sorted(t for r in runs for t in r.latencies)
    within_1 = sum(r.share_within(1.0) * r.pauses for r in runs) / pauses
    within = sum(r.share_within(pause_s) * r.pauses for r in runs) / pauses
    if latencies:
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] * 1000
        timing = f"p50 {p50:.0f} ms · p95 {p95:.0f} ms"
    else:
        timing = "no pause answered"
    print(
        f"{label}: {pauses} pauses · text within 1 s {within_1:.0%} · within {pause_s:g} s "
        f"{within:.0%} · last key -> text {timing} (of {len(latencies)} answered) · "
        f"empty {sum(r.empty for r in runs)} · late {sum(r.late for r in runs)}"
    )
    if verbose:
        print("  without text: " + ", ".join(m for r in runs for m in r.missed))
    reasons = sum((r.reasons for r in runs), Counter[str]())
    for reason, count in reasons.most_common():
        print(f"  {count} × {reason}")
    if verbose:
        for stages in (line for r in runs for line in r.late_stages):
            print(f"  late, then: {stages}")


def _worktree(commit: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="lsp-codegen-baseline-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
        check=True,
        capture_output=True,
    )
    return folder


def main() -> None:
    """Run the sessions and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engines", default="llamacpp,local")
    parser.add_argument("--baseline", default=None, help="a commit to compare with")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pause", type=float, default=3.0)
    parser.add_argument("--verbose", action="store_true", help="list the pauses without text")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        help="this tree again with these settings (JSON), e.g. '{\"tokenHealing\": false}'",
    )
    args = parser.parse_args()
    print(f"CPU: {_cpu()} · {os.cpu_count()} cores")
    baseline = _worktree(args.baseline) if args.baseline else None
    try:
        for engine in filter(None, args.engines.split(",")):
            print(f"\n## Pauses, engine {engine} ({len(words(PAUSES_TYPED))} per session)")
            paths: list[tuple[str, Path | None, dict[str, Any]]] = [("this tree", None, {})]
            paths += [(f"this tree, {extra}", None, json.loads(extra)) for extra in args.also]
            if baseline is not None:
                paths.insert(0, (f"baseline {args.baseline}", baseline, {}))
            results: dict[str, list[Pauses]] = {label: [] for label, _, _ in paths}
            for run in range(args.runs):
                for label, path, settings in paths:
                    raw = _server(engine, path, settings)
                    results[label].append(session(raw, run, args.pause, args.verbose))
                    raw.close()
            for label, runs in results.items():
                _report(label, runs, args.pause, args.verbose)
    finally:
        if baseline is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                check=False,
            )


def _cpu() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in info.splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    flags = next((line for line in info.splitlines() if line.startswith("flags")), "")
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return f"{model} ({simd}{', BF16' if 'avx512_bf16' in flags else ''})"


if __name__ == "__main__":
    main()
