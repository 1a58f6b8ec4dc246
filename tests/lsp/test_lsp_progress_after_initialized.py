"""The model-load progress reaches a client that refuses every request before it has
sent `initialized` (VS Code answered "Unhandled method window/workDoneProgress/create"
in one start of five when the server asked right after answering `initialize`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.lsp.raw_client import RawServer


class StrictClient(RawServer):
    """Refuses server requests until it has sent `initialized`, as VS Code may."""

    def __init__(self) -> None:
        self.initialized_sent = False
        self.refused: list[str] = []
        super().__init__()

    def _arrive(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message and not self.initialized_sent:
            self.refused.append(message["method"])
            error = {"code": -32601, "message": f"Unhandled method {message['method']}"}
            self.send({"jsonrpc": "2.0", "id": message["id"], "error": error})
            return
        super()._arrive(message)


def test_model_load_progress_waits_for_initialized(scripted_model_dir: Path) -> None:
    client = StrictClient()
    try:
        params = {
            "capabilities": {"window": {"workDoneProgress": True}},
            "initializationOptions": {"model": str(scripted_model_dir)},
        }
        client.request("initialize", params, timeout=60)
        time.sleep(1.5)  # the model loads meanwhile: a server that asks now is refused
        client.initialized_sent = True
        client.notify("initialized", {})
        client.wait_ready()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _kinds(client).count("end"):
            time.sleep(0.05)
        assert client.refused == []
        assert [m["method"] for m in client.notifications][0] == "window/workDoneProgress/create"
        assert _kinds(client)[0] == "begin" and _kinds(client)[-1] == "end"
        assert "Loaded" in _progress(client)[-1]["value"]["message"]
    finally:
        client.close()


def _progress(client: RawServer) -> list[dict[str, Any]]:
    return [m["params"] for m in client.notifications if m["method"] == "$/progress"]


def _kinds(client: RawServer) -> list[str]:
    return [p["value"]["kind"] for p in _progress(client)]
