"""Comment-to-code generations by document version and insertion point: the ones
running, so the code-action menu answers at once, and the last few finished, so asking
again costs nothing.

Ctrl+. on a comment prompt starts the candidates' generation and answers without
waiting for it; picking "Generate code from comment", asking for the candidates, or
a second Ctrl+. joins the same run, or reads its result once it has finished. A run
belongs to one document version: an edit to the document stops it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from lsp_codegen.server.lru import Lru
from lsp_codegen.server.results import Generated, Key
from lsp_codegen.server.tasks import BackgroundTasks
from lsp_codegen.stages import StageLog

Generation = Callable[[StageLog], Coroutine[Any, Any, Generated | None]]
_KEPT = 16


@dataclass(frozen=True)
class CommentRun:
    """One generation and the log of its stages (for the traces that join it)."""

    task: asyncio.Task[Generated | None]
    stages: StageLog

    def result(self) -> Generated | None:
        """The candidates once written; None while running, or when it failed or was
        stopped (a new run is then due)."""
        task = self.task
        if not task.done() or task.cancelled() or task.exception() is not None:
            return None
        return task.result()


class CommentRuns:
    """The comment generations of the last `capacity` (URI, version, offset) keys."""

    def __init__(self, tasks: BackgroundTasks, capacity: int = _KEPT) -> None:
        self._tasks = tasks
        self._runs: Lru[Key, CommentRun] = Lru(capacity)

    def finished(self, key: Key) -> Generated | None:
        """The candidates written for exactly `key`, if they are at hand."""
        run = self._runs.get(key)
        generated = run.result() if run is not None else None
        if generated is not None:
            self._runs.move_to_end(key)
        return generated

    def start(self, key: Key, generation: Generation) -> CommentRun:
        """The run for `key`: the one running or done, else `generation` started now."""
        run = self._runs.get(key)
        if run is not None and (not run.task.done() or run.result() is not None):
            return run
        stages = StageLog()
        run = CommentRun(self._tasks.spawn(generation(stages), f"comment candidates {key}"), stages)
        self._runs.put(key, run)
        return run

    def document_changed(self, uri: str, version: int | None) -> None:
        """Forget the runs for `uri` other than `version`'s, stopping those still running
        (None: the document closed)."""
        for key in [key for key in self._runs if key[0] == uri and key[1] != version]:
            self._runs.pop(key).task.cancel()
