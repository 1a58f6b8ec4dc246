"""One in-flight request per document: a newer one cancels the older.

An editor asks for inline completion on nearly every keystroke; an answer for
the text of three keystrokes ago is useless, and computing it delays the one
the user waits for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class LatestRequests:
    """The running request task for each (kind, document URI)."""

    def __init__(self) -> None:
        self._tasks: dict[tuple[str, str], asyncio.Task[object]] = {}

    @contextmanager
    def claim(self, kind: str, uri: str) -> Iterator[None]:
        """Run the current task as the `kind` request for `uri`, cancelling the one it
        supersedes (an inline request supersedes inline ones only)."""
        task = asyncio.current_task()
        assert task is not None, "claim() runs inside a request task"
        key = (kind, uri)
        self._cancel(key)
        self._tasks[key] = task
        try:
            yield
        finally:
            if self._tasks.get(key) is task:
                del self._tasks[key]

    def cancel(self, uri: str) -> None:
        """Cancel every request running for `uri` (it answers RequestCancelled)."""
        for key in [key for key in self._tasks if key[1] == uri]:
            self._cancel(key)

    def _cancel(self, key: tuple[str, str]) -> None:
        previous = self._tasks.pop(key, None)
        if previous is not None and previous is not asyncio.current_task():
            previous.cancel()

    def __len__(self) -> int:
        return len(self._tasks)
