"""Comment-to-code generations running in the background, so the code-action menu
answers at once.

Ctrl+. on a comment prompt starts the candidates' generation and answers without
waiting for it; picking "Generate code from comment", asking for the candidates, or
a second Ctrl+. joins the same run instead of starting another. A run belongs to one
document version and insertion point: an edit to the document stops it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from lsp_codegen.server.results import Generated, Key
from lsp_codegen.server.tasks import BackgroundTasks
from lsp_codegen.stages import StageLog

Generation = Callable[[StageLog], Coroutine[Any, Any, Generated | None]]


@dataclass(frozen=True)
class CommentRun:
    """One generation in flight and the log of its stages (for the traces that join it)."""

    task: asyncio.Task[Generated | None]
    stages: StageLog


class CommentRuns:
    """The comment generations in flight, one per (URI, version, insertion offset)."""

    def __init__(self, tasks: BackgroundTasks) -> None:
        self._tasks = tasks
        self._runs: dict[Key, CommentRun] = {}

    def running(self, key: Key) -> CommentRun | None:
        """The run in flight for `key`, if any."""
        return self._runs.get(key)

    def start(self, key: Key, generation: Generation) -> CommentRun:
        """The run for `key`: the one in flight, else `generation` started now."""
        run = self._runs.get(key)
        if run is not None:
            return run
        stages = StageLog()
        task = self._tasks.spawn(generation(stages), name=f"comment candidates {key}")
        run = self._runs[key] = CommentRun(task, stages)
        task.add_done_callback(lambda _: self._finished(key, run))
        return run

    def document_changed(self, uri: str, version: int | None) -> None:
        """Stop the runs for `uri` other than `version`'s (None: the document closed)."""
        for key, run in list(self._runs.items()):
            if key[0] == uri and key[1] != version:
                run.task.cancel()
                self._finished(key, run)

    def _finished(self, key: Key, run: CommentRun) -> None:
        if self._runs.get(key) is run:
            del self._runs[key]

    def __len__(self) -> int:
        return len(self._runs)
