"""What a 10 MB document costs the server, measured over its real stdio stream.

    python bench/large_document.py [--rounds 5]

Side by side in one run, on the tiny scripted test model (so the engine's share
is small and the same for both documents): inline completion latency on a small
file and on a 10 MB file with the same text before the cursor, and the time the
server takes to apply 20 keystroke edits at the end and at the start of the big
file. The difference between the two latencies is what the size costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lsp.raw_client import RawServer  # noqa: E402
from tests.tiny_model import build_tiny_model  # noqa: E402

BLOCK = "def f(x):\n    return x + 1\n\n"
TAIL = "# add two numbers\ndef add(a, b):\n"


def _ready(raw: RawServer) -> None:
    while not raw.alive_check(60)["result"]["ready"]:
        time.sleep(0.2)


def _open(raw: RawServer, uri: str, text: str) -> None:
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    raw.notify("textDocument/didOpen", {"textDocument": document})


def _inline(raw: RawServer, uri: str, text: str) -> float:
    params = {
        "textDocument": {"uri": uri},
        "position": {"line": text.count("\n"), "character": 0},
        "context": {"triggerKind": 1},
    }
    started = time.perf_counter()
    answer = raw.request("textDocument/inlineCompletion", params, timeout=300)
    assert answer.get("result", {}).get("items"), answer
    return time.perf_counter() - started


def _edits(raw: RawServer, uri: str, line: int, first_version: int) -> float:
    started = time.perf_counter()
    for version in range(first_version, first_version + 20):
        position = {"line": line, "character": 0}
        change = {"range": {"start": position, "end": position}, "text": "x"}
        identifier = {"uri": uri, "version": version}
        raw.notify(
            "textDocument/didChange", {"textDocument": identifier, "contentChanges": [change]}
        )
    params = {"command": "lsp-codegen.documentState", "arguments": [uri]}
    state: dict[str, Any] = raw.request("workspace/executeCommand", params, timeout=300)["result"]
    assert state["version"] == first_version + 19
    return time.perf_counter() - started


def main() -> None:
    """Print the side-by-side figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    big = BLOCK * 350_000 + TAIL
    small = BLOCK * 10 + TAIL
    with tempfile.TemporaryDirectory() as folder:
        model = build_tiny_model(Path(folder) / "model", script="    return 1\n")
        raw = RawServer()
        raw.initialize({"model": str(model), "maxNewTokens": 8, "numCandidates": 2})
        _ready(raw)
        latency: dict[str, list[float]] = {"small": [], "10 MB": []}
        edits: dict[str, list[float]] = {"end": [], "start": []}
        for round_number in range(args.rounds):
            for name, text in (("small", small), ("10 MB", big)):
                uri = f"file:///bench/{name.replace(' ', '')}-{round_number}.py"
                _open(raw, uri, text)
                latency[name].append(_inline(raw, uri, text))
                if name == "10 MB":
                    edits["end"].append(_edits(raw, uri, text.count("\n"), 2))
                    edits["start"].append(_edits(raw, uri, 0, 22))
                raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        raw.close()
    print(f"document: {len(big) / 1e6:.1f} MB, {big.count(chr(10)):,} lines; {args.rounds} rounds")
    for name, values in latency.items():
        print(f"inline completion, {name:>5}: {_spread(values)}")
    extra = statistics.median(latency["10 MB"]) - statistics.median(latency["small"])
    print(f"size cost (median difference): {extra * 1000:.0f} ms")
    for where, values in edits.items():
        per_edit = [value / 20 for value in values]
        print(f"20 edits at the {where:>5} of 10 MB: per edit {_spread(per_edit)}")


def _spread(values: list[float]) -> str:
    ms = sorted(value * 1000 for value in values)
    return f"min {ms[0]:.0f} ms · median {statistics.median(ms):.0f} ms · max {ms[-1]:.0f} ms"


if __name__ == "__main__":
    main()
