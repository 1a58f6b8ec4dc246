"""The remote engine: any OpenAI-compatible server (vLLM, TGI, llama.cpp's server, Ollama).

Candidates stream over server-sent events through httpx2's async client, at
most `remote.maxConcurrent` requests at a time: the first, greedy candidate is
one request; the sampled ones are the choices of one request (`n`) where the
server honours it (vLLM; asked once, with a one-token request), else one request
each (llama.cpp's servers ignore `n`). Cancellation closes the HTTP streams
within one poll (20 ms); the server sees the disconnect and stops generating.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx2

from lsp_codegen.config import RemoteSettings
from lsp_codegen.engine.base import (
    CancelToken,
    CandidateUpdate,
    EngineBase,
    EngineError,
    EngineInfo,
    GenerationRequest,
    interruption,
)
from lsp_codegen.engine.remote.call import StreamCall
from lsp_codegen.engine.remote.health import Health, HealthListener, RemoteError
from lsp_codegen.engine.remote.stream import Connection, RemoteStats, n_support
from lsp_codegen.engine.remote.wire import (
    CHARS_PER_TOKEN,
    CHAT,
    completions_path,
    request_body,
    template_problem,
    template_vocabulary,
)

log = logging.getLogger(__name__)

POLL_S = 0.02  # how often the merge loop looks at the cancel flag and the deadline
# After the last candidate's finish, how long its stream may take to send the token
# counts and [DONE] (vLLM sends them at once) before it is closed.
USAGE_GRACE_S = 0.05
DEFAULT_CONTEXT = 4096  # the server's context length is not part of the API


class RemoteTokenizer:
    """Prompt budgeting without the server's tokenizer: one token per 3 characters."""

    def __init__(self, template: str) -> None:
        self._vocabulary = template_vocabulary(template)

    def count(self, text: str) -> int:
        """An upper estimate of the tokens in `text`."""
        return -(-len(text) // CHARS_PER_TOKEN)

    def vocabulary(self) -> set[str]:
        """The FIM tokens of the configured prompt template (empty: prefix-only prompts)."""
        return set(self._vocabulary)


@dataclass
class _Merge:
    """The state of one generation's candidates while their streams are merged."""

    request: GenerationRequest
    cancel: CancelToken
    deadline: float
    queue: asyncio.Queue[CandidateUpdate | BaseException] = field(default_factory=asyncio.Queue)
    finished: set[int] = field(default_factory=set)
    requests: int = 0  # HTTP requests sent for it


class RemoteEngine(EngineBase):
    """Streams candidates from an OpenAI-compatible server."""

    def __init__(self, settings: RemoteSettings, api_key: str | None) -> None:
        self._settings = settings
        self._connection = Connection(settings, api_key)
        super().__init__(self.info(), RemoteTokenizer(settings.prompt_template))
        self._stats: RemoteStats = self._connection.stats
        self.health = Health()

    def info(self) -> EngineInfo:
        """The served model (once known), the server's URL and the prompt template."""
        template = self._settings.prompt_template
        return EngineInfo(
            model=self._connection.model or self._settings.model or "(the server's first model)",
            device=self._settings.url,
            dtype="remote",
            context_length=DEFAULT_CONTEXT,
            fim=template if template and template != "chat" else None,
            engine="remote",
        )

    @property
    def stats(self) -> RemoteStats:
        """Live counters, with the HTTP requests sent, whether the server honours `n`
        and the tokens it counted."""
        return self._stats

    async def stream(
        self, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        """Stream every candidate's updates; raises `RemoteError` with a clear message."""
        self._stats.generations += 1
        self._stats.active += 1
        try:
            self.health.check()
            try:
                model = await self._connection.resolve_model()
                async for update in self._merged(model, request, cancel):
                    yield update
            except RemoteError as error:
                self._connection.forget_model()
                self.health.failed(error)
                raise
            self.health.succeeded()
        finally:
            self._stats.active -= 1
            cancel.cancel()

    async def _merged(
        self, model: str, request: GenerationRequest, cancel: CancelToken
    ) -> AsyncIterator[CandidateUpdate]:
        merge = _Merge(request, cancel, time.monotonic() + request.max_time_s)
        calls = [asyncio.create_task(self._call(model, merge, 0, 1))]
        if request.num_candidates > 1:
            calls.append(asyncio.create_task(self._sampled(model, merge)))
        try:
            while len(merge.finished) < request.num_candidates:
                reason = interruption(cancel, merge.deadline)
                if reason is not None:
                    for update in await _interrupt(calls, merge, reason):
                        yield update
                    return
                try:
                    item = await asyncio.wait_for(merge.queue.get(), POLL_S)
                except TimeoutError:
                    continue
                if isinstance(item, BaseException):
                    raise item
                if item.done:
                    merge.finished.add(item.index)
                yield item
            await asyncio.wait(calls, timeout=USAGE_GRACE_S)
        finally:
            await _stop(calls)
            self._stats.requests_per_generation.append(merge.requests)

    async def _sampled(self, model: str, merge: _Merge) -> None:
        """Candidates 1 to N - 1: the choices of one request where the server honours
        `n`, else one request each."""
        count = merge.request.num_candidates - 1
        if count > 1 and await self._batches(model, merge):
            await self._call(model, merge, 1, count)
            return
        await asyncio.gather(*(self._call(model, merge, i, 1) for i in range(1, count + 1)))

    async def _batches(self, model: str, merge: _Merge) -> bool:
        """`remote.batchedN`, or for "auto" whether the server honours `n` (asked once;
        a question that fails is asked again next time, one request per candidate now)."""
        if self._settings.batched_n != "auto":
            return self._settings.batched_n
        if self._stats.n_honoured is None:
            merge.requests += 1
            try:
                found = await self._ask_n(model)
            except (RemoteError, httpx2.HTTPError) as error:
                log.info("%s: could not ask whether n > 1 works: %s", self._settings.url, error)
                return False
            self._stats.n_honoured = found == "honoured"
            log.info("%s: n > 1 in one request %s", self._settings.url, found)
        return self._stats.n_honoured

    async def _ask_n(self, model: str) -> str:
        """probe.py's question about `n`, on a prompt of one word for one token."""
        template = self._settings.prompt_template
        tiny = GenerationRequest("def", num_candidates=1, max_new_tokens=1, heal=False)
        body = request_body(model, tiny, 1, template, logprobs=False)
        async with self._connection.slots():
            return await n_support(
                self._connection, completions_path(template), body, template == CHAT
            )

    async def _call(self, model: str, merge: _Merge, first: int, n: int) -> None:
        """Stream candidates `first` to `first + n - 1` into the merge queue; failures go
        there too."""
        call = StreamCall(self._connection, model, merge.request, first, n, self._stats.count_step)
        try:
            await call.run(merge.queue.put_nowait, merge.cancel)
        except RemoteError as error:
            merge.queue.put_nowait(error)
        except Exception as error:  # a bug or an unforeseen transport error: say what
            log.exception("remote candidate %d failed", first)
            merge.queue.put_nowait(RemoteError("bug", f"{type(error).__name__}: {error}"))
        else:
            if n > 1 and len(call.seen) < n:
                # Some choices never came: a replica behind the URL ignores `n`. Ask again.
                self._stats.n_honoured = None
        finally:
            merge.requests += call.requests

    def add_health_listener(self, listener: HealthListener) -> None:
        """Be told (once per change) when the server starts failing and when it recovers."""
        self.health.listeners.append(listener)

    def close(self) -> None:
        """Drop pooled connections (the client is closed by its own event loop)."""
        self._connection.close()


async def _interrupt(
    calls: list[asyncio.Task[None]], merge: _Merge, reason: str
) -> list[CandidateUpdate]:
    """Close every open stream now; the final updates of the unfinished candidates."""
    await _stop(calls)
    pending = [i for i in range(merge.request.num_candidates) if i not in merge.finished]
    return [CandidateUpdate(i, "", 0.0, done=True, finish_reason=reason) for i in pending]


async def _stop(calls: list[asyncio.Task[None]]) -> None:
    """Cancel the candidate tasks: each closes its HTTP stream as it unwinds."""
    for task in calls:
        task.cancel()
    await asyncio.gather(*calls, return_exceptions=True)


def load_remote_engine(settings: RemoteSettings) -> RemoteEngine:
    """A remote engine for `settings`; configuration problems raise `EngineError`.

    No request is sent here: a server that is down now may be up at the first
    completion, and its errors are reported then.
    """
    problem = template_problem(settings.prompt_template)
    if problem is not None:
        raise EngineError(problem)
    return RemoteEngine(settings, api_key_for(settings))


def api_key_for(settings: RemoteSettings) -> str | None:
    """The API key from the variable `remote.apiKeyEnv` names (None: no key);
    `EngineError` when it names one that is not set."""
    if not settings.api_key_env:
        return None
    api_key = os.environ.get(settings.api_key_env)
    if not api_key:
        raise EngineError(
            f"`remote.apiKeyEnv` names ${settings.api_key_env}, which is not set in the "
            "server's environment; export it before starting the editor, or set "
            '`remote.apiKeyEnv` to ""'
        )
    return api_key
