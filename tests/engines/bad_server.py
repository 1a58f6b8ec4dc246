"""A tiny real HTTP server that misbehaves the way broken OpenAI endpoints do.

Run as `python bad_server.py MODE PORT`.
MODE is "garbage" (a 200 event stream of bytes that are not events), "slow"
(answers after 30 s), "unauthorized" (401 to everything), "choices" (streams `n`
choices as vLLM does, one choice per event, each token with its logprob, then the
usage when `stream_options` asks for it; GET /v1/open says how many streams are
still being written) or "strict" ("choices", but an unknown field such as
`stream_options` is refused with 400, as OpenAI's own API does).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODE = sys.argv[1] if len(sys.argv) > 1 else "garbage"
TOKEN_S = 0.02  # "choices": seconds per token step
_OPEN = [0]  # streams being written ("choices")
_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    """Serves /v1/models honestly and /v1/completions badly."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        if MODE == "unauthorized":
            return self._send(401, b'{"error": "invalid api key"}')
        if self.path.endswith("/open"):
            return self._send(200, json.dumps({"open": _OPEN[0]}).encode())
        self._send(200, json.dumps({"data": [{"id": "bad-model"}]}).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if MODE in ("choices", "strict"):
            return self._choices(json.loads(body))
        if MODE == "unauthorized":
            return self._send(401, b'{"error": "invalid api key"}')
        if MODE == "slow":
            time.sleep(30)
            return self._send(200, b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", "64")
        self.end_headers()
        self.wfile.write(b"data: \x00\xff\xfe{{{ not json at all\n\n" + b"\x13" * 28)
        self.wfile.flush()

    def _choices(self, body: dict[str, Any]) -> None:
        """Choice i writes " c{i}t{k}" at step k, with logprob -(i + 1) / 10, and ends
        at `max_tokens` ("length"); the disconnect of a closed stream ends it too."""
        if MODE == "strict" and "stream_options" in body:
            message = b'{"error": {"message": "Unrecognized request argument: stream_options"}}'
            return self._send(400, message)
        n, tokens = int(body.get("n", 1)), int(body["max_tokens"])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")  # the body ends when the socket does
        self.end_headers()
        with _LOCK:
            _OPEN[0] += 1
        try:
            for step in range(tokens):
                time.sleep(TOKEN_S)
                for index in range(n):
                    self._event(_choice(index, step, step == tokens - 1))
            if body.get("stream_options", {}).get("include_usage"):
                usage = {"prompt_tokens": 5, "completion_tokens": n * tokens}
                self._event({"choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with _LOCK:
                _OPEN[0] -= 1
        self.close_connection = True

    def _event(self, event: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
        self.wfile.flush()

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _choice(index: int, step: int, last: bool) -> dict[str, Any]:
    text = f" c{index}t{step}"
    logprobs = {"tokens": [text], "token_logprobs": [-(index + 1) / 10]}
    choice = {"index": index, "text": text, "logprobs": logprobs}
    return {"choices": [{**choice, "finish_reason": "length" if last else None}]}


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
