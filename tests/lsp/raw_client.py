"""A byte-level LSP client for the server subprocess: it sends what no typed client would."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO, Any

SERVE = [sys.executable, "-m", "lsp_codegen", "--log-level", "ERROR", "serve"]


def frame(body: bytes) -> bytes:
    """One correctly framed message."""
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """`lsp-codegen serve` on pipes; responses are collected by a reader thread."""

    def __init__(self, *extra_args: str, command: list[str] = SERVE) -> None:
        self.log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [*command, *extra_args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log
        )
        self.anonymous: list[dict[str, Any]] = []  # error responses with "id": null
        self.responses: dict[object, dict[str, Any]] = {}
        self.arrived_at: dict[object, float] = {}  # time.perf_counter() at arrival
        self.notifications: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        self._ids = itertools.count(1000)
        threading.Thread(target=self._read, daemon=True).start()

    # -- sending -------------------------------------------------------------
    def send_bytes(self, data: bytes) -> None:
        """Write raw bytes to the server's stdin."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the server has gone; the caller checks how it exited

    def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message, framed."""
        self.send_bytes(frame(json.dumps(message).encode()))

    def notify(self, method: str, params: Any) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def send_request(self, method: str, params: Any) -> int:
        """Send a request; its id."""
        msg_id = next(self._ids)
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id

    def request(self, method: str, params: Any, timeout: float = 5.0) -> dict[str, Any]:
        """Send a request and wait for its response message."""
        response = self.response(self.send_request(method, params), timeout)
        assert response is not None, f"{method}: no answer within {timeout} s"
        return response

    def open(self, uri: str, text: str, language: str = "python") -> None:
        """didOpen `text` at `uri`, version 1."""
        document = {"uri": uri, "languageId": language, "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def initialize(self, options: dict[str, Any] | None = None, **capabilities: Any) -> None:
        """initialize + initialized, with a model that cannot load unless `options` names one."""
        params = {
            "capabilities": capabilities,
            "initializationOptions": options or {"model": "/nonexistent"},
        }
        self.request("initialize", params, timeout=60)
        self.notify("initialized", {})

    def inline_items(
        self, uri: str, line: int, character: int, kind: int, timeout: float = 120
    ) -> list[dict[str, Any]]:
        """An inline completion request's items (kind 1: invoked, 2: automatic)."""
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            "context": {"triggerKind": kind},
        }
        items: list[dict[str, Any]] = self.request(
            "textDocument/inlineCompletion", params, timeout
        )["result"]["items"]
        return items

    def alive_check(self, timeout: float = 1.0) -> dict[str, Any]:
        """A valid request (engine status) answered within `timeout`: the server still works."""
        params = {"command": "lsp-codegen.engineStatus", "arguments": []}
        return self.request("workspace/executeCommand", params, timeout)

    def wait_ready(self, timeout: float = 120) -> dict[str, Any]:
        """The engine status once the model has loaded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status: dict[str, Any] = self.alive_check(30)["result"]
            if status["ready"]:
                return status
            time.sleep(0.2)
        raise AssertionError(f"the model did not load within {timeout} s")

    # -- receiving -----------------------------------------------------------
    def response(self, msg_id: object, timeout: float) -> dict[str, Any] | None:
        """The response to `msg_id`, or None when none came within `timeout`."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while msg_id not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or not self._arrived.wait(left):
                    return self.responses.get(msg_id)
            return self.responses[msg_id]

    def anonymous_error(self, timeout: float) -> dict[str, Any] | None:
        """The first error response with "id": null, waiting up to `timeout` for one."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not self.anonymous and (left := deadline - time.monotonic()) > 0:
                self._arrived.wait(left)
            return self.anonymous[0] if self.anonymous else None

    def arrival(self, msg_id: object) -> float:
        """When the response to `msg_id` arrived (time.perf_counter())."""
        return self.arrived_at[msg_id]

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code, or None when the server is still running after `timeout`."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stderr(self) -> str:
        """What the server logged so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self) -> None:
        """Kill the server."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = None
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line or length is None:
                return
            self._arrive(json.loads(stdout.read(length)))

    def _arrive(self, message: dict[str, Any]) -> None:
        with self._arrived:
            if "method" in message:
                self.notifications.append(message)
                if "id" in message:  # a server->client request: answer so progress works
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif message.get("id") is None:
                self.anonymous.append(message)
            else:
                self.responses[message["id"]] = message
                self.arrived_at[message["id"]] = time.perf_counter()
            self._arrived.notify_all()
