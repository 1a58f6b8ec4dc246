"""Loading the engine in the background, with progress, and handing it to requests.

`initialize` never waits for a model: loading starts in a worker thread (which
also pays for importing torch and transformers) and requests that need the
engine await it, or get a clear error when it failed to load.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from lsp_codegen.config import Settings
from lsp_codegen.engine.base import Engine, EngineError
from lsp_codegen.engine.factory import EngineFactory, load_engine
from lsp_codegen.engine.names import display_name
from lsp_codegen.server.errors import request_failed
from lsp_codegen.server.progress import WorkProgress

log = logging.getLogger(__name__)


def model_key(settings: Settings) -> tuple[object, ...]:
    """The settings whose change needs a new engine."""
    from lsp_codegen.engine.factory import engine_key

    return engine_key(settings)


class ModelHost:
    """Owns the current engine and its loading state."""

    def __init__(self, server: Any, factory: EngineFactory = load_engine) -> None:
        self._server = server
        self._factory = factory
        self._loading: asyncio.Future[Engine] | None = None
        self._key: tuple[object, ...] | None = None
        self.error: str | None = None

    def ensure_loaded(self, settings: Settings) -> None:
        """Start loading the model `settings` name, unless it is loaded or loading."""
        key = model_key(settings)
        if key == self._key:
            return
        self._key = key
        previous = self._loading
        self._loading = asyncio.get_running_loop().create_future()
        self.error = None
        self._server.tasks.spawn(self._load(settings, self._loading, previous), "load-model")

    async def engine(self) -> Engine:
        """The ready engine; waits while it loads; raises an LSP error if loading failed."""
        if self._loading is None:
            raise request_failed("no model is configured yet; the server was not initialized")
        try:
            return await asyncio.shield(self._loading)
        except EngineError as error:
            raise request_failed(f"the model is not available: {error}") from error

    def engine_failed(self, engine: Engine, error: BaseException) -> None:
        """`engine` broke mid-generation: load a fresh one (the broken one is closed after)."""
        if self.current() is not engine or self._server.closing:
            return  # already being replaced, or shutting down
        self._server.notify_user(
            f"lsp-codegen: the model failed ({error}); restarting it", error=True
        )
        self._key = None
        self.ensure_loaded(self._server.settings)

    def current(self) -> Engine | None:
        """The engine if it is ready now, else None (never waits)."""
        loading = self._loading
        if loading is None or not loading.done() or loading.exception() is not None:
            return None
        return loading.result()

    async def _load(
        self,
        settings: Settings,
        result: asyncio.Future[Engine],
        previous: asyncio.Future[Engine] | None,
    ) -> None:
        name = display_name(settings.model)
        progress = WorkProgress(self._server, f"lsp-codegen: {name}")
        started = time.monotonic()
        await progress.begin(f"Loading {name}…")
        loop = asyncio.get_running_loop()

        def report(message: str) -> None:
            elapsed = time.monotonic() - started
            loop.call_soon_threadsafe(progress.report, f"{message} {elapsed:.1f} s")

        try:
            engine = await asyncio.to_thread(self._factory, settings, report)
        except Exception as error:
            self._fail(result, progress, error)
            return
        _close_previous(previous)
        self._watch(engine)
        result.set_result(engine)
        seconds = time.monotonic() - started
        log.info("loaded %s in %.1f s: %s", name, seconds, engine.info())
        progress.end(f"Loaded {name} in {seconds:.1f} s")

    def _watch(self, engine: Engine) -> None:
        """Show the user, once per change, when a model server fails or recovers."""
        from lsp_codegen.engine.factory import watch_health

        def tell(message: str, is_error: bool) -> None:
            if not self._server.closing:
                self._server.notify_user(message, error=is_error)

        watch_health(engine, tell)

    def _fail(
        self, result: asyncio.Future[Engine], progress: WorkProgress, error: Exception
    ) -> None:
        message = (
            str(error) if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"
        )
        self.error = message
        log.error("model failed to load: %s", message)
        result.set_exception(error if isinstance(error, EngineError) else EngineError(message))
        result.exception()  # retrieved here: waiters re-raise it; none is needed to log it
        progress.end(f"Failed: {message}")
        self._server.notify_user(message, error=True)

    def close(self) -> None:
        """Release the engine, if any."""
        engine = self.current()
        if engine is not None:
            engine.close()


def _close_previous(previous: asyncio.Future[Engine] | None) -> None:
    if previous is not None and previous.done() and previous.exception() is None:
        previous.result().close()
