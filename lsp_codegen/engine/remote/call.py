"""One streamed request for one candidate, or for several as the choices of one request (`n`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import aclosing
from typing import Any

import httpx2

from lsp_codegen.engine.base import CancelToken, CandidateUpdate, GenerationRequest
from lsp_codegen.engine.remote.stream import Connection, Refused, read_stream, transport_error
from lsp_codegen.engine.remote.wire import (
    CHAT,
    Chunk,
    Piece,
    completions_path,
    healing_cut,
    request_body,
)
from lsp_codegen.engine.stops import stop_index

CONNECT_RETRIES = (0.1, 0.3)  # seconds to wait before retrying a refused connection
_FINISH = {"stop": "stop", "length": "length", "eos": "eos"}

Put = Callable[[CandidateUpdate], None]
Count = Callable[[CancelToken], None]


class StreamCall:
    """One request for candidates `first` to `first + n - 1`: open the stream, read its
    events, emit each choice's updates as its candidate's (choice `i` is candidate
    `first + i`)."""

    def __init__(
        self,
        connection: Connection,
        model: str,
        request: GenerationRequest,
        first: int,
        n: int,
        count: Count,
    ) -> None:
        self._connection = connection
        self._model = model
        self._request = request
        self._first = first
        self._n = n
        template = connection.settings.prompt_template
        self._chat = template == CHAT
        self._path = completions_path(template)
        self._candidates = [
            _Candidate(first + i, request, healing_cut(request, template), count) for i in range(n)
        ]
        self._started = False  # an event arrived: a broken connection is not retried
        self.requests = 0  # HTTP requests this call sent (retries included)
        self.seen: set[int] = set()  # the choice indices that came back

    async def run(self, put: Put, cancel: CancelToken) -> None:
        """Stream the candidates to their end, retrying a connection that fails before it
        answers."""
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
        """One request, and again without each optional field the server refuses
        (`logprobs`, then `stream_options`: each is refused at most once)."""
        for _ in range(2):
            try:
                await self._stream(put, cancel)
                return
            except Refused as error:
                self._connection.drop(error.optional)
        await self._stream(put, cancel)

    async def _stream(self, put: Put, cancel: CancelToken) -> None:
        """One request: turn events into updates until every candidate has finished."""
        self.requests += 1
        async with aclosing(
            read_stream(self._connection, self._path, self._body(), self._chat)
        ) as chunks:
            async for chunk in chunks:
                self._started = True
                if self._take(chunk, put, cancel):
                    return
        # [DONE] (or the end of the body) without a finish reason: the token budget.
        for candidate in self._candidates:
            if not candidate.done:
                candidate.finish("length", put)

    def _take(self, chunk: Chunk, put: Put, cancel: CancelToken) -> bool:
        """Emit one chunk; True when the stream is not needed any more: every candidate
        has finished, the last one cut by a stop (the server would write on)."""
        if chunk.usage is not None:
            self._connection.stats.add_usage(chunk.usage)
        if not 0 <= chunk.index < self._n:
            return False  # a choice not asked for; the usage event is index 0 and empty
        candidate = self._candidates[chunk.index]
        if candidate.done or not (chunk.pieces or chunk.finish_reason):
            return False
        self.seen.add(chunk.index)
        candidate.emit(chunk.pieces, chunk.finish_reason, put, cancel)
        # A finish the server sent is followed by [DONE] (and the usage): read them.
        return candidate.cut and all(c.done for c in self._candidates)

    def _body(self) -> dict[str, Any]:
        return request_body(
            self._model,
            self._request,
            self._first,
            self._connection.settings.prompt_template,
            self._connection.logprobs,
            n=self._n,
            usage=self._connection.include_usage,
        )


class _Candidate:
    """One candidate's text as it streams: what token healing hides, and its stops."""

    def __init__(self, index: int, request: GenerationRequest, hidden: str, count: Count) -> None:
        self.index = index
        self._request = request
        # What was cut from the prompt's end (healing_cut): the model writes it again
        # first, and that is not shown.
        self._hidden = hidden
        self._count = count
        self._text = ""
        self.done = False
        self.cut = False  # a stop string or rule ended it, not the server

    def emit(
        self, pieces: tuple[Piece, ...], finish: str | None, put: Put, cancel: CancelToken
    ) -> None:
        """Emit one update per piece, and the last one when the candidate finishes."""
        for piece in pieces:
            self._count(cancel)
            text = self._shown(piece.text)
            self._text += text
            cut = stop_index(self._text, len(text), self._request)
            if cut is not None:
                put(CandidateUpdate(self.index, text, piece.logprob, True, "stop", cut))
                self.done = self.cut = True
                return
            put(CandidateUpdate(self.index, text, piece.logprob))
        if finish is not None:
            self.finish(_FINISH.get(finish, finish), put)

    def finish(self, reason: str, put: Put) -> None:
        """The candidate's last update."""
        put(CandidateUpdate(self.index, "", 0.0, done=True, finish_reason=reason))
        self.done = True

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
