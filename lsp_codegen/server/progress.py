"""Server-initiated work-done progress (`window/workDoneProgress/create` + `$/progress`).

The token is created only after the client's `initialized`: a client may refuse any
request before it (VS Code sometimes answers "Unhandled method" then). Work that starts
earlier, such as the model load at `initialize`, is not held up: its progress appears
once the client is ready, showing the latest message.
"""

from __future__ import annotations

import asyncio
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
        self._message = ""
        self._opening: asyncio.Task[None] | None = None
        self._ended: str | None = None  # the final message, when the work ended unshown

    async def begin(self, message: str) -> None:
        """Show `message` in a new progress bar: now when the client is initialized, else
        (without waiting) as soon as it is."""
        if not _client_supports_progress(self._server):
            return
        self._message = message
        if self._server.client_initialized.is_set():
            await self._open()
        else:
            self._opening = self._server.tasks.spawn(self._open_when_ready(), "progress")

    def report(self, message: str) -> None:
        """Update the message shown with the progress bar."""
        self._message = message
        if self._token is not None and not self._server.closing:
            self._server.work_done_progress.report(
                self._token, types.WorkDoneProgressReport(message=message)
            )

    def end(self, message: str) -> None:
        """Close the progress bar with a final message (shown, for a bar that waits for the
        client's `initialized`, as soon as it opens: the user still learns the outcome)."""
        if self._opening is not None and not self._opening.done():
            self._ended = message
            return
        if self._token is not None and not self._server.closing:
            self._server.work_done_progress.end(
                self._token, types.WorkDoneProgressEnd(message=message)
            )
        self._token = None

    async def _open_when_ready(self) -> None:
        await self._server.client_initialized.wait()
        await self._open()
        if self._ended is not None:
            self._opening = None
            self.end(self._ended)

    async def _open(self) -> None:
        token = f"lsp-codegen/{uuid.uuid4()}"
        try:
            await self._server.work_done_progress.create_async(token)
        except Exception as error:  # a client that refuses gets no progress, not a failure
            log.info("client refused a progress token: %s", error)
            return
        if self._server.closing:
            return
        self._token = token
        self._server.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=self._title, message=self._message)
        )


def _client_supports_progress(server: Any) -> bool:
    window = server.client_capabilities.window
    return bool(window is not None and window.work_done_progress)
