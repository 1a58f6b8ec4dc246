"""One HTTP connection pool per event loop, and one candidate's SSE stream over it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any

import httpx2

from lsp_codegen.config import RemoteSettings
from lsp_codegen.engine.base import CancelToken, CandidateUpdate, GenerationRequest
from lsp_codegen.engine.remote.health import RemoteError, http_error
from lsp_codegen.engine.remote.wire import (
    CHAT,
    Chunk,
    MalformedStream,
    healing_cut,
    parse_event,
    request_body,
)
from lsp_codegen.engine.stops import stop_index

log = logging.getLogger(__name__)

CONNECT_RETRIES = (0.1, 0.3)  # seconds to wait before retrying a refused connection
_FINISH = {"stop": "stop", "length": "length", "eos": "eos"}

Put = Callable[[CandidateUpdate], None]
Count = Callable[[CancelToken], None]


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

    def drop_logprobs(self) -> None:
        """Stop asking for logprobs; warn once, although every open candidate is refused."""
        if self.logprobs:
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


class LogprobsRefused(Exception):
    """The server refused the log-probabilities a request asked for."""


async def read_stream(
    connection: Connection, path: str, body: dict[str, Any], chat: bool
) -> AsyncGenerator[Chunk, None]:
    """POST `body` to `path` and yield each event's chunk until the stream ends.

    Raises `RemoteError` for an HTTP error or a malformed stream, and
    `LogprobsRefused` when the body asked for logprobs and the server refused them:
    with an error naming them, or (llama-cpp-python's server when streaming) with
    200 and no events at all, not even [DONE]. Transport errors are httpx2's.
    Close it early with `contextlib.aclosing` so the HTTP stream closes at once.
    """
    asked = "logprobs" in body
    started = False
    async with connection.client().stream("POST", path, json=body) as response:
        if response.status_code >= 400:
            text = (await response.aread()).decode("utf-8", "replace")
            if asked and "logprob" in text.lower():
                raise LogprobsRefused(text)
            raise connection.status_error(response.status_code, text)
        try:
            async for event in httpx2.EventSource(response):
                started = True
                chunk = parse_event(event.data, chat)
                if chunk is None:
                    return
                yield chunk
        except (MalformedStream, httpx2.SSEError) as error:
            raise RemoteError(
                "malformed",
                f"{connection.settings.url} sent a malformed stream ({error}); is "
                "`remote.url` an OpenAI-compatible server?",
            ) from error
    if asked and not started:
        raise LogprobsRefused("an empty stream")


class CandidateCall:
    """One candidate's request: open the stream, read events, emit updates."""

    def __init__(
        self,
        connection: Connection,
        model: str,
        request: GenerationRequest,
        index: int,
        count: Count,
    ) -> None:
        self._connection = connection
        self._model = model
        self._request = request
        self._index = index
        self._count = count
        self._chat = connection.settings.prompt_template == CHAT
        # What was cut from the prompt's end (healing_cut): the model writes it again
        # first, and that is not shown.
        self._hidden = healing_cut(request, connection.settings.prompt_template)
        self._text = ""
        self._started = False  # an event arrived: a broken connection is not retried

    async def run(self, put: Put, cancel: CancelToken) -> None:
        """Stream the candidate to its end, retrying a connection that fails before it answers."""
        async with self._connection.slots():
            for delay in (*CONNECT_RETRIES, None):
                try:
                    await self._attempt(put, cancel)
                    return
                except (httpx2.NetworkError, httpx2.RemoteProtocolError) as error:
                    if delay is None or cancel.cancelled or not self._retryable(error):
                        raise transport_error(error, self._connection.settings) from error
                    await asyncio.sleep(delay)
                except httpx2.HTTPError as error:
                    raise transport_error(error, self._connection.settings) from error

    def _retryable(self, error: httpx2.HTTPError) -> bool:
        """A refused connection, or a kept-alive one the server closed before answering
        (llama-cpp-python's server closes it after a failed stream, any server when its
        keep-alive ends as the request leaves); never once the stream has begun."""
        return isinstance(error, httpx2.ConnectError) or not self._started

    async def _attempt(self, put: Put, cancel: CancelToken) -> None:
        """One request, and once more without logprobs if the server refused them."""
        try:
            await self._stream(put, cancel)
        except LogprobsRefused:
            self._connection.drop_logprobs()
            await self._stream(put, cancel)

    async def _stream(self, put: Put, cancel: CancelToken) -> None:
        """One request: turn events into updates until the candidate finishes."""
        path = "/chat/completions" if self._chat else "/completions"
        async with aclosing(
            read_stream(self._connection, path, self._body(), self._chat)
        ) as chunks:
            async for chunk in chunks:
                self._started = True
                if self._emit(chunk.pieces, chunk.finish_reason, put, cancel):
                    return
        # [DONE] (or the end of the body) without a finish reason: the token budget.
        put(CandidateUpdate(self._index, "", 0.0, done=True, finish_reason="length"))

    def _body(self) -> dict[str, Any]:
        return request_body(
            self._model,
            self._request,
            self._index,
            self._connection.settings.prompt_template,
            self._connection.logprobs,
        )

    def _shown(self, text: str) -> str:
        """`text` without what the model wrote again of the cut prompt end."""
        hidden = self._hidden
        if not hidden:
            return text
        if text.startswith(hidden):
            self._hidden = ""
            return text[len(hidden) :]
        if hidden.startswith(text):
            self._hidden = hidden[len(text) :]
            return ""
        # The model did not write the cut spaces again: the user's own spaces stay, and
        # its text follows them as written.
        self._hidden = ""
        return text

    def _emit(self, pieces: Any, finish: str | None, put: Put, cancel: CancelToken) -> bool:
        """Emit one update per piece; True once the candidate is done."""
        for piece in pieces:
            self._count(cancel)
            text = self._shown(piece.text)
            self._text += text
            cut = stop_index(self._text, len(text), self._request)
            if cut is not None:
                put(CandidateUpdate(self._index, text, piece.logprob, True, "stop", cut))
                return True
            put(CandidateUpdate(self._index, text, piece.logprob))
        if finish is None:
            return False
        put(
            CandidateUpdate(
                self._index, "", 0.0, done=True, finish_reason=_FINISH.get(finish, finish)
            )
        )
        return True
