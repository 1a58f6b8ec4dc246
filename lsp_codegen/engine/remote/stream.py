"""One HTTP connection pool per event loop, and a request's event stream over it.

call.py turns a stream into candidate updates; probe.py reads the same streams to
find out what a server supports.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

import httpx2

from lsp_codegen.config import RemoteSettings
from lsp_codegen.engine.base import EngineStats
from lsp_codegen.engine.remote.health import RemoteError, http_error
from lsp_codegen.engine.remote.wire import Chunk, MalformedStream, Usage, parse_events

log = logging.getLogger(__name__)

# The optional fields a server may refuse, and what its error message then says.
_OPTIONAL = {"logprobs": "logprob", "stream_options": "stream_options"}
_HISTORY = 500


@dataclass
class RemoteStats(EngineStats):
    """The engine's counters, and what only a remote engine has: the HTTP requests it
    sent, whether the server honours `n`, and the tokens the servers counted."""

    requests: int = 0  # completion requests sent (streams opened), probes included
    n_honoured: bool | None = None  # None: not asked yet
    # HTTP requests per generation (recent history): N streams, or 2 with `n`.
    requests_per_generation: deque[int] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    prompt_tokens: int = 0  # from `stream_options` usage, where the server gives it
    completion_tokens: int = 0

    def add_usage(self, usage: Usage) -> None:
        """Count the tokens one request read and wrote."""
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly copy."""
        return {
            **super().as_dict(),
            "requests": self.requests,
            "nHonoured": self.n_honoured,
            "requestsPerGeneration": list(self.requests_per_generation)[-50:],
            "promptTokens": self.prompt_tokens,
            "completionTokens": self.completion_tokens,
        }


class Connection:
    """The HTTP client (one per event loop), the resolved model name and the slots."""

    def __init__(self, settings: RemoteSettings, api_key: str | None) -> None:
        self.settings = settings
        self._api_key = api_key
        self._client: httpx2.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self.model: str | None = None
        self.logprobs = settings.logprobs  # also cleared when the server refuses them
        self.include_usage = True  # `stream_options`; cleared when the server refuses it
        self.stats = RemoteStats()

    def client(self) -> httpx2.AsyncClient:
        """The client for the running loop (a client cannot move between loops)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            self._client = httpx2.AsyncClient(
                base_url=self.settings.url,
                headers=headers,
                timeout=httpx2.Timeout(self.settings.timeout_ms / 1000),
                limits=httpx2.Limits(max_connections=self.settings.max_concurrent + 2),
            )
            self._slots = asyncio.Semaphore(self.settings.max_concurrent)
            self._loop = loop
        return self._client

    def slots(self) -> asyncio.Semaphore:
        """At most `remote.maxConcurrent` streams at once, across all requests."""
        self.client()
        assert self._slots is not None
        return self._slots

    async def resolve_model(self) -> str:
        """The model to ask for: `remote.model` checked against /models, or the first listed."""
        if self.model is None:
            self.model = self.choose_model(await self.list_models())
        return self.model

    def choose_model(self, entries: list[dict[str, Any]] | None) -> str:
        """`remote.model` checked against the entries of /models (None: the server has
        none, and the setting is trusted), or the first one listed."""
        wanted = self.settings.model
        if entries is None:
            return wanted or "default"
        listed = [str(entry["id"]) for entry in entries]
        if not wanted:
            if not listed:
                raise RemoteError("model", f"{self.settings.url}/models lists no models")
            return listed[0]
        if wanted not in listed:
            raise RemoteError(
                "model",
                f"{self.settings.url} does not serve model {wanted!r}; it serves "
                f"{', '.join(repr(m) for m in listed)}: set `remote.model` to one of them",
                retry=False,
            )
        return wanted

    def forget_model(self) -> None:
        """Check the model again on the next request (the server may have restarted)."""
        self.model = None

    async def list_models(self) -> list[dict[str, Any]] | None:
        """The entries of GET /models, each with an "id"; None when the server has no /models."""
        try:
            response = await self.client().get("/models")
        except httpx2.HTTPError as error:
            raise transport_error(error, self.settings) from error
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise self.status_error(response.status_code, response.text)
        try:
            entries = response.json()["data"]
            if all(isinstance(entry, dict) and "id" in entry for entry in entries):
                return list(entries)
        except (ValueError, KeyError, TypeError):
            pass
        raise RemoteError(
            "malformed", f"{self.settings.url}/models answered something other than a list"
        )

    def status_error(self, status: int, body: str) -> RemoteError:
        """The user-facing error for an HTTP status."""
        settings = self.settings
        wanted = self.model or settings.model
        return http_error(status, body, settings.url, wanted, settings.api_key_env)

    def drop(self, optional: str) -> None:
        """Stop sending the optional field the server refused (`logprobs`: warn once,
        although every open candidate is refused)."""
        if optional == "stream_options":
            log.info("%s refuses stream_options: no token counts", self.settings.url)
            self.include_usage = False
        elif self.logprobs:
            log.warning(
                "%s refuses logprobs (llama-cpp-python's server needs --logits_all true); "
                "continuing without them: candidates are ranked without model confidence",
                self.settings.url,
            )
            self.logprobs = False

    def close(self) -> None:
        """Forget the client; its sockets close with their event loop."""
        self._client = None


def transport_error(error: httpx2.HTTPError, settings: RemoteSettings) -> RemoteError:
    """A clear message for a connection, timeout or protocol failure."""
    url = settings.url
    if isinstance(error, httpx2.TimeoutException):
        return RemoteError(
            "timeout",
            f"{url} did not answer within {settings.timeout_ms} ms; the server is overloaded "
            "or too slow for this model: raise `remote.timeoutMs` or use a smaller model",
        )
    if isinstance(error, httpx2.ConnectError):
        return RemoteError(
            "down",
            f"cannot connect to {url} ({error or 'connection refused'}): start the server "
            "or fix `remote.url`",
        )
    if isinstance(error, httpx2.RemoteProtocolError | httpx2.ReadError):
        return RemoteError(
            "broken", f"the connection to {url} broke mid-stream ({error}): did the server stop?"
        )
    return RemoteError("transport", f"request to {url} failed: {type(error).__name__}: {error}")


class Refused(Exception):
    """The server refused an optional field the request sent (`logprobs`, `stream_options`)."""

    def __init__(self, optional: str, detail: str) -> None:
        super().__init__(f"{optional}: {detail}")
        self.optional = optional


def refused(error: RemoteError) -> bool:
    """The server rejected the request itself (an unknown field or value), not the model,
    the key or the connection."""
    return error.kind in ("http", "url")


async def read_stream(
    connection: Connection, path: str, body: dict[str, Any], chat: bool
) -> AsyncGenerator[Chunk, None]:
    """POST `body` to `path` and yield each choice's chunk of each event until the stream ends.

    Raises `RemoteError` for an HTTP error or a malformed stream, and `Refused`
    when the server refused an optional field of `body`: with an error naming it,
    or (llama-cpp-python's server refusing logprobs when streaming) with 200 and no
    events at all, not even [DONE]. Transport errors are httpx2's. Close it early
    with `contextlib.aclosing` so the HTTP stream closes at once.
    """
    asked = "logprobs" in body
    started = False
    connection.stats.requests += 1
    async with connection.client().stream("POST", path, json=body) as response:
        if response.status_code >= 400:
            text = (await response.aread()).decode("utf-8", "replace")
            for optional, named in _OPTIONAL.items():
                if optional in body and named in text.lower():
                    raise Refused(optional, text)
            raise connection.status_error(response.status_code, text)
        try:
            async for event in httpx2.EventSource(response):
                started = True
                chunks = parse_events(event.data, chat)
                if chunks is None:
                    return
                for chunk in chunks:
                    yield chunk
        except (MalformedStream, httpx2.SSEError) as error:
            raise RemoteError(
                "malformed",
                f"{connection.settings.url} sent a malformed stream ({error}); is "
                "`remote.url` an OpenAI-compatible server?",
            ) from error
    if asked and not started:
        raise Refused("logprobs", "an empty stream")


async def n_support(connection: Connection, path: str, body: dict[str, Any], chat: bool) -> str:
    """Whether one request for two choices (`body` with `n` = 2) streams both: "honoured",
    "ignored" (only choice 0 comes back: llama.cpp's servers) or "refused"."""
    indices: set[int] = set()
    try:
        async with aclosing(read_stream(connection, path, {**body, "n": 2}, chat)) as chunks:
            async for chunk in chunks:
                indices.add(chunk.index)
                if len(indices) > 1:
                    break
    except RemoteError as error:
        if refused(error):
            return "refused"
        raise
    return "honoured" if len(indices) > 1 else "ignored"
