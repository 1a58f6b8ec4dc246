"""One engine shared by several clients (many editors on one `serve --tcp`).

Each client gets a view of the engine for its settings: clients whose settings
name the same engine share one loaded model, and take fair turns on it. A view's
`close()` only lets go; the engine closes when its last client has let go.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from lsp_codegen.config import Settings
from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    Engine,
    EngineInfo,
    EngineStats,
    GenerationRequest,
    Tokenizer,
)
from lsp_codegen.engine.factory import EngineFactory, Progress, engine_key, watch_health
from lsp_codegen.engine.remote.health import HealthListener
from lsp_codegen.engine.scheduler import FairScheduler


@dataclass
class _Entry:
    engine: Engine
    scheduler: FairScheduler
    users: int = 0


@dataclass
class EnginePool:
    """Loaded engines by the settings that define them, with their schedulers."""

    factory: EngineFactory
    queue_limit: int = 32
    _entries: dict[tuple[object, ...], _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def factory_for(self, client: str) -> EngineFactory:
        """An engine factory for one client's model host (it runs in a loader thread)."""

        def load(settings: Settings, progress: Progress) -> Engine:
            return self._acquire(client, settings, progress)

        return load

    def _acquire(self, client: str, settings: Settings, progress: Progress) -> Engine:
        key = engine_key(settings)
        # Held while loading: a second client asking for the same model waits
        # for the first load instead of loading it twice.
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                engine = self.factory(settings, progress)
                slots = settings.remote.max_concurrent if engine.info().engine == "remote" else 1
                entry = _Entry(engine, FairScheduler(slots, self.queue_limit))
                self._entries[key] = entry
            entry.users += 1
        return SharedEngine(entry, client, lambda: self._release(key))

    def _release(self, key: tuple[object, ...]) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            entry.users -= 1
            if entry.users <= 0:
                del self._entries[key]
                entry.engine.close()

    def close(self) -> None:
        """Close every engine (at server exit)."""
        with self._lock:
            entries, self._entries = list(self._entries.values()), {}
        for entry in entries:
            entry.engine.close()


class SharedEngine:
    """One client's view of a shared engine: its generations take fair turns."""

    def __init__(self, entry: _Entry, client: str, release: Callable[[], None]) -> None:
        self._entry = entry
        self._client = client
        self._release: Callable[[], None] | None = release

    def info(self) -> EngineInfo:
        """The shared engine's info."""
        return self._entry.engine.info()

    @property
    def tokenizer(self) -> Tokenizer:
        """The shared engine's tokenizer."""
        return self._entry.engine.tokenizer

    @property
    def stats(self) -> EngineStats:
        """The shared engine's counters (all clients together)."""
        return self._entry.engine.stats

    @property
    def scheduler(self) -> FairScheduler:
        """The turns this engine hands out."""
        return self._entry.scheduler

    async def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """Wait for this client's turn, then stream from the shared engine."""
        async with self._entry.scheduler.turn(self._client):
            async for update in self._entry.engine.stream(request, cancel):
                yield update

    def add_health_listener(self, listener: HealthListener) -> None:
        """Forward to the shared engine, when it reports its health."""
        watch_health(self._entry.engine, listener)

    def close(self) -> None:
        """Let go of the engine (closed when no client holds it)."""
        release, self._release = self._release, None
        if release is not None:
            release()
