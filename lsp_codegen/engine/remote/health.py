"""How the remote engine explains failures, says each one once, and backs off.

A server that is down would otherwise fail every keystroke's request with the
same message and the same wait. Here the first failure of a kind is logged as
an error; repeats are logged quietly; while backing off, requests fail at once
with the last message instead of waiting for another timeout; the first success
afterwards is logged as a recovery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lsp_codegen.engine.base import EngineError

log = logging.getLogger(__name__)

FIRST_BACKOFF_S = 0.25
MAX_BACKOFF_S = 8.0

# Told once per change of state: (message, is_error). The server shows it to the user.
HealthListener = Callable[[str, bool], None]


class RemoteError(EngineError):
    """A remote failure with a stable `kind` ("down", "auth", "model", "timeout", ...)."""

    def __init__(self, kind: str, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry = retry  # False: the settings must change (a wrong key or model)


@dataclass
class Health:
    """The remote server's state as requests have seen it."""

    failures: int = 0
    last_error: RemoteError | None = None
    retry_at: float = 0.0
    reported: str | None = None  # message already logged as an error
    listeners: list[HealthListener] = field(default_factory=list)

    def check(self) -> None:
        """Raise the last error at once while backing off (no request is sent)."""
        error = self.last_error
        if error is not None and time.monotonic() < self.retry_at:
            raise RemoteError(error.kind, f"{error} (retrying in {self.wait_s():.1f} s)")

    def wait_s(self) -> float:
        """Seconds until the next request may reach the server."""
        return max(0.0, self.retry_at - time.monotonic())

    def failed(self, error: RemoteError) -> None:
        """Record a failure: log it once, and back off exponentially."""
        self.failures += 1
        self.last_error = error
        delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (self.failures - 1))
        self.retry_at = time.monotonic() + delay
        message = str(error)
        if message != self.reported:
            self.reported = message
            log.error("remote engine: %s", message)
            self._tell(f"lsp-codegen: {message}", True)
        else:
            log.debug("remote engine (again): %s", message)

    def succeeded(self) -> None:
        """Record a success; log the recovery when the server had been failing."""
        if self.last_error is not None:
            log.warning("remote engine: the server answers again after %d failures", self.failures)
            self._tell("lsp-codegen: the model server answers again", False)
        self.failures = 0
        self.last_error = None
        self.reported = None
        self.retry_at = 0.0

    def _tell(self, message: str, is_error: bool) -> None:
        for listener in list(self.listeners):
            try:
                listener(message, is_error)
            except Exception:  # a listener whose editor has gone must not break requests
                log.debug("health listener failed", exc_info=True)

    @property
    def error(self) -> str | None:
        """The message of the failure the server is in, or None when healthy."""
        return str(self.last_error) if self.last_error is not None else None


def http_error(status: int, body: str, url: str, model: str, key_env: str) -> RemoteError:
    """A user-facing error for a non-2xx answer; never includes the API key."""
    detail = _short(body)
    if status in (401, 403):
        where = (
            f"the key in ${key_env} (named by `remote.apiKeyEnv`)"
            if key_env
            else "no key: set `remote.apiKeyEnv` to the name of an environment variable holding it"
        )
        return RemoteError(
            "auth", f"{url} refused the request (HTTP {status}): check {where}", retry=False
        )
    if status == 404 and "model" in body.lower():
        return RemoteError(
            "model",
            f"{url} does not serve model {model!r} (HTTP 404: {detail}); set `remote.model`",
            retry=False,
        )
    if status == 404:
        return RemoteError(
            "url", f"{url} has no such endpoint (HTTP 404); `remote.url` should end in /v1"
        )
    return RemoteError("http", f"{url} answered HTTP {status}: {detail}")


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 200 else flat[:197] + "..."
