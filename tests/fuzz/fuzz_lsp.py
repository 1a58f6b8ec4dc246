"""Fuzz the server over its real stdio stream: random sessions, mutated and broken messages.

    python -m tests.fuzz.fuzz_lsp --seconds 600 [--seed N]

Counts what must never happen: the server dying unexpectedly (a crash), a
request unanswered for HANG_SECONDS (a hang), a request never answered, and
InternalError (-32603) answers, which mean a handler raised something it did
not expect. Desynchronising frames are sent on purpose now and then; the server
must then exit with code 3 (counted, not a crash) and is started again.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.lsp.raw_client import RawServer, frame

HANG_SECONDS = 30.0
INTERNAL_ERROR = -32603
EXIT_DESYNCHRONISED = 3
_PIECES = [
    "a",
    "x = 1",
    "def f(",
    "):",
    "# add two numbers",
    "\n",
    "\r\n",
    "\r",
    "😀",
    "中",
    "\t",
    " ",
]
_METHODS = [
    "textDocument/inlineCompletion",
    "textDocument/completion",
    "textDocument/codeAction",
    "codeAction/resolve",
    "workspace/executeCommand",
    "textDocument/hover",
    "textDocument/noSuchMethod",
]
_COMMANDS = [
    "lsp-codegen.engineStatus",
    "lsp-codegen.documentState",
    "lsp-codegen.accepted",
    "lsp-codegen.generateFromComment",
    "lsp-codegen.runSelection",
    "lsp-codegen.explainPrompt",
    "lsp-codegen.partiallyAccepted",
    "no.such.command",
]


@dataclass
class Report:
    """What one fuzz run saw."""

    seconds: float = 0.0
    messages: int = 0
    requests: int = 0
    answered: int = 0
    sessions: int = 0
    desync_exits: int = 0
    clean_exits: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        """No crash, hang, unanswered request or internal error."""
        return not (self.crashes or self.hangs or self.unanswered or self.internal_errors)

    def summary(self) -> dict[str, object]:
        """Counts plus the first few examples of each problem."""
        counts = {k: v for k, v in vars(self).items() if not isinstance(v, list)}
        problems = ("crashes", "hangs", "unanswered", "internal_errors")
        return {
            **counts,
            **{k: len(getattr(self, k)) for k in problems},
            "examples": {k: getattr(self, k)[:5] for k in problems if getattr(self, k)},
        }


class Session:
    """One server process and the fuzzer's view of it."""

    def __init__(self, rng: random.Random, options: dict[str, Any], report: Report) -> None:
        self.rng, self.report = rng, report
        self.raw = RawServer()
        self.raw.initialize(options)
        self.documents: dict[str, tuple[int, str]] = {}
        self.pending: dict[int, tuple[str, float]] = {}
        report.sessions += 1

    # -- actions ---------------------------------------------------------------
    def step(self) -> bool:
        """One random action; False when the session ended (on purpose or not)."""
        roll = self.rng.random()
        if roll < 0.30:
            self._document_event()
        elif roll < 0.62:
            self._request(self._valid_params)
        elif roll < 0.72:
            self._cancel()
        elif roll < 0.90:
            self._request(self._mutated_params)
        elif roll < 0.99:
            self._send_bytes(frame(self._garbage_json()))
        elif roll < 0.995:
            return self._desync()
        else:
            return self._shutdown()
        return self._check()

    def _document_event(self) -> None:
        uri = f"file:///fuzz/{self.rng.randrange(4)}.py"
        version, text = self.documents.get(uri, (0, ""))
        if uri not in self.documents or self.rng.random() < 0.1:
            text = self._text(40)
            item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            self._notify("textDocument/didOpen", {"textDocument": item})
            self.documents[uri] = (1, text)
        elif self.rng.random() < 0.05:
            self._notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            del self.documents[uri]
        else:
            change = {"range": self._range(), "text": self._text(5)}
            identifier = {"uri": uri, "version": version + 1}
            self._notify(
                "textDocument/didChange", {"textDocument": identifier, "contentChanges": [change]}
            )
            self.documents[uri] = (version + 1, text)  # our copy's text is not needed exactly

    def _valid_params(self, method: str) -> Any:
        uri = self.rng.choice([*self.documents, "file:///fuzz/closed.py", "untitled:1"])
        at = {"textDocument": {"uri": uri}, "position": self._position()}
        if method == "textDocument/inlineCompletion":
            return {**at, "context": {"triggerKind": self.rng.choice([1, 2])}}
        if method == "textDocument/codeAction":
            kind = self.rng.choice([1, 2])
            return {
                "textDocument": {"uri": uri},
                "range": self._range(),
                "context": {"diagnostics": [], "triggerKind": kind},
            }
        if method == "codeAction/resolve":
            return {"title": "x", "data": {"uri": uri, "line": self.rng.randrange(-2, 50)}}
        if method == "workspace/executeCommand":
            return {"command": self.rng.choice(_COMMANDS), "arguments": [self._json(2)]}
        return at

    def _mutated_params(self, method: str) -> Any:
        params = self._valid_params(method)
        return self._mutate(params, depth=0)

    def _mutate(self, value: Any, depth: int) -> Any:
        if self.rng.random() < 0.3 or depth > 4:
            return self._json(2)
        if isinstance(value, dict) and value:
            key = self.rng.choice(list(value))
            if self.rng.random() < 0.3:
                return {k: v for k, v in value.items() if k != key}
            return {**value, key: self._mutate(value[key], depth + 1)}
        return value

    def _request(self, params_for: Any) -> None:
        method = self.rng.choice(_METHODS)
        msg_id = self.raw.send_request(method, params_for(method))
        self.pending[msg_id] = (method, time.monotonic())
        self.report.requests += 1
        self.report.messages += 1

    def _cancel(self) -> None:
        if self.pending:
            self._notify("$/cancelRequest", {"id": self.rng.choice(list(self.pending))})

    def _desync(self) -> bool:
        self.drain()  # what was sent before must still be answered
        self._send_bytes(self.rng.choice([b"Content-Length: -1\r\n\r\n", b"garbage\r\n\r\n"]))
        code = self.raw.wait_exit(15)
        if code == EXIT_DESYNCHRONISED:
            self.report.desync_exits += 1
        else:
            self.report.crashes.append(f"desync frame: exit code {code} (expected 3)")
        self.close()
        return False

    def _shutdown(self) -> bool:
        self.drain()
        answer = self.raw.request("shutdown", None, timeout=HANG_SECONDS)
        self.raw.notify("exit", None)
        code = self.raw.wait_exit(15)
        if "error" in answer or code != 0:
            self.report.crashes.append(f"shutdown/exit: {answer.get('error')} exit code {code}")
        else:
            self.report.clean_exits += 1
        self.close()
        return False

    # -- checks ----------------------------------------------------------------
    def _check(self) -> bool:
        now = time.monotonic()
        for msg_id, (method, sent) in list(self.pending.items()):
            answer = self.raw.response(msg_id, 0)
            if answer is not None:
                self._answered(msg_id, method, answer)
            elif now - sent > HANG_SECONDS:
                self.report.hangs.append(f"{method} unanswered after {HANG_SECONDS:.0f} s")
                del self.pending[msg_id]
        if self.raw.process.poll() is not None:
            self.report.crashes.append(f"server exited with {self.raw.process.returncode}")
            self.report.crashes.append(self.raw.stderr()[-2000:])
            self.close()
            return False
        return True

    def _answered(self, msg_id: int, method: str, answer: dict[str, Any]) -> None:
        del self.pending[msg_id]
        self.report.answered += 1
        error = answer.get("error") or {}
        if error.get("code") == INTERNAL_ERROR:
            self.report.internal_errors.append(f"{method}: {error.get('message', '')[:300]}")

    def drain(self) -> None:
        """Wait for every pending answer; what never comes is unanswered."""
        deadline = time.monotonic() + HANG_SECONDS
        for msg_id, (method, _) in list(self.pending.items()):
            answer = self.raw.response(msg_id, max(0.0, deadline - time.monotonic()))
            if answer is None:
                self.report.unanswered.append(method)
                del self.pending[msg_id]
            else:
                self._answered(msg_id, method, answer)

    def close(self) -> None:
        """Stop the server process."""
        self.raw.close()

    # -- random material ---------------------------------------------------------
    def _notify(self, method: str, params: Any) -> None:
        self.raw.notify(method, params)
        self.report.messages += 1

    def _send_bytes(self, data: bytes) -> None:
        self.raw.send_bytes(data)
        self.report.messages += 1

    def _text(self, pieces: int) -> str:
        return "".join(self.rng.choice(_PIECES) for _ in range(self.rng.randrange(pieces)))

    def _position(self) -> dict[str, int]:
        line = self.rng.choice([0, 1, 2, 5, 40, 10**6])
        return {"line": line, "character": self.rng.choice([0, 1, 3, 80, 10**6])}

    def _range(self) -> dict[str, Any]:
        return {"start": self._position(), "end": self._position()}

    def _json(self, depth: int) -> Any:
        kind = self.rng.randrange(8 if depth > 0 else 6)
        simple: list[Any] = [None, True, -1, 2**40, 1.5, self._word()]
        if kind < 6:
            return simple[kind]
        if kind == 6:
            return [self._json(depth - 1) for _ in range(self.rng.randrange(3))]
        return {self._word(): self._json(depth - 1) for _ in range(self.rng.randrange(3))}

    def _word(self) -> str:
        return "".join(
            self.rng.choice(string.printable + "😀中") for _ in range(self.rng.randrange(8))
        )

    def _garbage_json(self) -> bytes:
        valid = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "x", "params": self._json(3)})
        cut = self.rng.randrange(len(valid))
        return self.rng.choice([valid[:cut].encode(), b"[" * 5000, b"\xff\xfe", b"{}", b"null"])


def fuzz(seconds: float, seed: int, model_dir: Path) -> Report:
    """Fuzz for `seconds`; a fresh server whenever one ends."""
    rng, report = random.Random(seed), Report()
    options = {"model": str(model_dir), "maxNewTokens": 8, "numCandidates": 2, "maxTimeMs": 3000}
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        session = Session(rng, options, report)
        alive = True
        while alive and time.monotonic() - started < seconds:
            alive = session.step()
            time.sleep(rng.uniform(0, 0.02))
        if alive:
            session.drain()
            session.close()
    report.seconds = time.monotonic() - started
    return report


def main() -> int:
    """Command-line entry: prints the report as JSON; exit code 1 when a problem was seen."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    from tests.tiny_model import build_tiny_model

    with tempfile.TemporaryDirectory() as folder:
        model = build_tiny_model(Path(folder) / "model", script="    return 1\n")
        report = fuzz(args.seconds, args.seed, model)
    print(json.dumps({"seed": args.seed, **report.summary()}, indent=2))
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
