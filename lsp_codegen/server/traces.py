"""The last requests' traces per document, and the decorator that records them.

In memory only, for the `lsp-codegen.lastCompletion` command; a closed document's
traces stay until evicted (the least recently traced document goes first).
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Concatenate, ParamSpec, TypeVar

from lsprotocol import types

from lsp_codegen.server.lru import Lru
from lsp_codegen.tracing.trace import RequestTrace

_P = ParamSpec("_P")
_R = TypeVar("_R")

PER_DOCUMENT = 20
_DOCUMENTS = 64

# The trace of the request the current task serves (set by `traced`).
_CURRENT: ContextVar[RequestTrace | None] = ContextVar("lsp_codegen_trace", default=None)


def current_trace() -> RequestTrace:
    """The trace of the request being handled; a detached one outside a traced handler."""
    trace = _CURRENT.get()
    return trace if trace is not None else RequestTrace(0, "untraced", "", 0, 0, "", 0)


class TraceLog:
    """The last `PER_DOCUMENT` traces of each document, newest last."""

    def __init__(self, per_document: int = PER_DOCUMENT, documents: int = _DOCUMENTS) -> None:
        self._per_document = per_document
        self._by_uri: Lru[str, deque[RequestTrace]] = Lru(documents)
        self._running: dict[tuple[str, str], RequestTrace] = {}
        self._next_id = 0

    def start(
        self, kind: str, uri: str, position: types.Position, trigger: str, version: int
    ) -> RequestTrace:
        """A new trace; a running one of the same kind for `uri` is marked superseded by it."""
        self._next_id += 1
        trace = RequestTrace(
            self._next_id, kind, uri, position.line, position.character, trigger, version
        )
        previous = self._running.get((kind, uri))
        if previous is not None and previous.outcome is None:
            previous.superseded_by = trace.id
        self._running[(kind, uri)] = trace
        return trace

    def keep(self, trace: RequestTrace) -> None:
        """Store `trace` among its document's recent ones."""
        kept = self._by_uri.get(trace.uri)
        if kept is None:
            kept = deque(maxlen=self._per_document)
        kept.append(trace)
        self._by_uri.put(trace.uri, kept)

    def ended(self, trace: RequestTrace) -> None:
        """`trace`'s request has answered (or was cancelled)."""
        key = (trace.kind, trace.uri)
        if self._running.get(key) is trace:
            del self._running[key]

    def recent(self, uri: str, kind: str | None = None) -> list[RequestTrace]:
        """The kept traces of `uri` (of `kind` when given), oldest first."""
        return [t for t in self._by_uri.get(uri, ()) if kind is None or t.kind == kind]


Handler = Callable[Concatenate[Any, _P], Awaitable[_R]]


def traced(
    kind: str, *, generating_only: bool = False
) -> Callable[[Handler[_P, _R]], Handler[_P, _R]]:
    """Decorate a request handler `(ls, params)` to trace each request: created on arrival,
    kept at once, ended with the answer's item count, the cancellation or the error.

    `generating_only` (code actions, asked at every cursor move): kept only when the
    request generated, and its items are the candidates, not the other actions."""

    def decorate(handler: Handler[_P, _R]) -> Handler[_P, _R]:
        @functools.wraps(handler)
        async def run(ls: Any, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            params = args[0] if args else None
            trace = _start(ls.traces, kind, ls, params)
            if not generating_only:
                ls.traces.keep(trace)
            token = _CURRENT.set(trace)
            try:
                result = await handler(ls, *args, **kwargs)
            except asyncio.CancelledError:
                trace.cancel(document_open=ls.documents.get(trace.uri) is not None)
                raise
            except Exception as error:
                trace.fail(str(error) or type(error).__name__)
                raise
            else:
                generated = trace.result
                if generating_only:  # its items are the candidates (none while written)
                    trace.answer(len(generated.candidates) if generated is not None else 0)
                else:
                    trace.answer(item_count(result))
            finally:
                _CURRENT.reset(token)
                ls.traces.ended(trace)
                if generating_only and trace.generation is not None:
                    ls.traces.keep(trace)
            return result

        return run

    return decorate


def _start(log: TraceLog, kind: str, ls: Any, params: object) -> RequestTrace:
    uri = getattr(getattr(params, "text_document", None), "uri", "")
    position = getattr(params, "position", None)
    if position is None:  # a code action: its range's start
        position = getattr(getattr(params, "range", None), "start", None)
    if not isinstance(position, types.Position):
        position = types.Position(0, 0)
    document = ls.documents.get(uri)
    version = document.version if document is not None else -1
    return log.start(kind, uri, position, _trigger(params), version)


def _trigger(params: object) -> str:
    """The trigger kind's name ("automatic", "invoked", "triggerCharacter"), or "requested"."""
    trigger = getattr(getattr(params, "context", None), "trigger_kind", None)
    name = getattr(trigger, "name", None)
    if not isinstance(name, str) or not name:
        return "requested"
    return name[0].lower() + name[1:]


def item_count(result: object) -> int:
    """How many items an inline, completion or code-action answer holds."""
    if isinstance(result, types.InlineCompletionList | types.CompletionList):
        return len(result.items)
    return len(result) if isinstance(result, list) else 0
