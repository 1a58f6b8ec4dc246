"""Server-initiated work-done progress (`window/workDoneProgress/create` + `$/progress`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from lsprotocol import types

log = logging.getLogger(__name__)


class WorkProgress:
    """One progress bar in the client; silently absent when the client has none."""

    def __init__(self, server: Any, title: str) -> None:
        self._server = server
        self._title = title
        self._token: str | None = None

    async def begin(self, message: str) -> None:
        """Create the progress token in the client and show `message`."""
        if not _client_supports_progress(self._server):
            return
        token = f"lsp-codegen/{uuid.uuid4()}"
        try:
            await self._server.work_done_progress.create_async(token)
        except Exception as error:  # a client that refuses gets no progress, not a failure
            log.info("client refused a progress token: %s", error)
            return
        self._token = token
        self._server.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=self._title, message=message)
        )

    def report(self, message: str) -> None:
        """Update the message shown with the progress bar."""
        if self._token is not None and not self._server.closing:
            self._server.work_done_progress.report(
                self._token, types.WorkDoneProgressReport(message=message)
            )

    def end(self, message: str) -> None:
        """Close the progress bar with a final message."""
        if self._token is not None and not self._server.closing:
            self._server.work_done_progress.end(
                self._token, types.WorkDoneProgressEnd(message=message)
            )
            self._token = None


def _client_supports_progress(server: Any) -> bool:
    window = server.client_capabilities.window
    return bool(window is not None and window.work_done_progress)
