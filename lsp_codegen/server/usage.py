"""Recording local acceptance statistics from the server (see lsp_codegen/stats).

Only the document's language id, counts and latencies are written — never a URI,
a path or code. A statistics file that cannot be written is logged once and
never fails a request.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from lsp_codegen.context.document import DocumentStore
from lsp_codegen.server.traces import item_count
from lsp_codegen.stats.acceptance import Acceptance
from lsp_codegen.stats.records import Kind, Record
from lsp_codegen.stats.retention import AcceptedKind
from lsp_codegen.stats.store import StatsStore, default_path, disabled_by_environment

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")


class UsageLog:
    """Turns shown answers and accepts into statistics records in the local store."""

    def __init__(
        self,
        documents: DocumentStore,
        enabled: Callable[[], bool],
        store: StatsStore | None = None,
    ) -> None:
        self._documents = documents
        self._enabled = enabled  # reads the `stats.enabled` setting
        self._store = store  # None: the default file, opened on first use
        self._failed = False

    def shown(self, uri: str, kind: Kind, started: float, candidates: int) -> None:
        """An answer with `candidates` items went out `started` (time.monotonic()) ago."""
        latency = round((time.monotonic() - started) * 1000, 2)
        record = Record("shown", time.time(), self._language(uri), kind, latency, candidates)
        self._write(record)

    def accepted(self, acceptance: Acceptance, kind: AcceptedKind | None = None) -> None:
        """The user accepted a candidate (the item's command came back); `kind` when known."""
        language = self._language(acceptance.uri)
        record = Record(
            "accepted", time.time(), language, candidate=acceptance.candidate, accepted_kind=kind
        )
        self._write(record)

    def action_applied(self, uri: str) -> None:
        """A code action's edit was applied (seen in the document's changes)."""
        language = self._language(uri)
        self._write(Record("accepted", time.time(), language, accepted_kind="codeAction"))

    def retained(
        self,
        language: str,
        kind: AcceptedKind,
        after_seconds: float,
        accepted_chars: int,
        retained_chars: int,
        *,
        closed: bool = False,
    ) -> None:
        """`retained_chars` of an accept's `accepted_chars` were there `after_seconds` later
        (`closed`: counted when the document closed, before that checkpoint)."""
        record = Record(
            "retained",
            time.time(),
            language,
            accepted_kind=kind,
            after_seconds=after_seconds,
            accepted_chars=accepted_chars,
            retained_chars=retained_chars,
            closed=True if closed else None,
        )
        self._write(record)

    def recording(self) -> bool:
        """Whether records are written now (`stats.enabled` and `$LSP_CODEGEN_STATS`)."""
        return self._enabled() and not disabled_by_environment()

    def partially_accepted(self, acceptance: Acceptance) -> None:
        """The user accepted part of a candidate (a word or a line of it)."""
        record = Record(
            "partial",
            time.time(),
            self._language(acceptance.uri),
            candidate=acceptance.candidate,
            accepted_length=acceptance.accepted_length,
        )
        self._write(record)

    def _language(self, uri: str) -> str:
        document = self._documents.get(uri)
        return document.language_id if document is not None else "unknown"

    def _write(self, record: Record) -> None:
        if not self.recording():
            return
        store = self._store = self._store or StatsStore(default_path())
        try:
            store.append(record)
        except OSError as error:
            if not self._failed:  # once: a read-only cache must not flood the log
                log.warning("statistics not recorded in %s: %s", store.path, error)
            self._failed = True


Handler = Callable[Concatenate[Any, _P], Awaitable[_R]]


def records_shown(kind: Kind) -> Callable[[Handler[_P, _R]], Handler[_P, _R]]:
    """Decorate an inline/completion handler `(ls, params)` to record each answer it sends.

    The latency runs from the handler's start (the request's arrival, give or take
    dispatch) to its return; cancelled and failed requests, and `None` answers (the
    feature turned off), are not recorded.
    """

    def decorate(handler: Handler[_P, _R]) -> Handler[_P, _R]:
        @functools.wraps(handler)
        async def recorded(ls: Any, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            started = time.monotonic()
            result = await handler(ls, *args, **kwargs)
            if result is not None:  # None: the feature is off, nothing was answered
                params = args[0] if args else None
                uri = getattr(getattr(params, "text_document", None), "uri", "")
                ls.usage.shown(uri, kind, started, item_count(result))
                ls.retention.offered(uri, kind, result, ls.encoding)  # for an accept
            return result

        return recorded

    return decorate
