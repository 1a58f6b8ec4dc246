"""A tiny real HTTP server that misbehaves the way broken OpenAI endpoints do.

Run as `python bad_server.py MODE PORT`.
MODE is "garbage" (a 200 event stream of bytes that are not events), "slow"
(answers after 30 s) or "unauthorized" (401 to everything).
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1] if len(sys.argv) > 1 else "garbage"


class Handler(BaseHTTPRequestHandler):
    """Serves /v1/models honestly and /v1/completions badly."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        if MODE == "unauthorized":
            return self._send(401, b'{"error": "invalid api key"}')
        self._send(200, json.dumps({"data": [{"id": "bad-model"}]}).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
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

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
