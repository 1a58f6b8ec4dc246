"""What an OpenAI-compatible server supports, found by asking it (`lsp-codegen doctor --remote`).

Every check is a real request through the remote engine's own connection and
stream reader (stream.py), with the bodies it sends (wire.py):

1. GET /models: the models, and the context length where the entry says it (vLLM's
   `max_model_len`); else llama.cpp's GET /props; else unknown.
2. The FIM family: each FIM family's tokens are tokenized (vLLM and llama.cpp:
   POST /tokenize; llama-cpp-python: POST /extras/tokenize) and those that are one
   token, as one letter is, form the vocabulary `context.fim.detect_fim` reads.
3. One greedy stream without logprobs (after a one-token warm-up request): does text
   arrive before the end (streaming), first-token latency and tokens/s.
4. The same stream asking for logprobs: does every chunk carry them.
5. The same stream with a `suffix`: refused, ignored (the same text) or changes the answer.
6. One request with `n` = 2: distinct choice indices, or one.
7. Two streams at once: do they overlap (the server runs requests in parallel), or
   does the second cut the first short.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import httpx2

from lsp_codegen.config import RemoteSettings
from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.health import RemoteError
from lsp_codegen.engine.remote.stream import (
    Connection,
    Refused,
    n_support,
    read_stream,
    refused,
    transport_error,
)
from lsp_codegen.engine.remote.wire import Chunk, fim_families, request_body, template_vocabulary

# A prompt every model continues the same way for as long as it may.
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"
# A model that fills the middle writes " 13," and ends; one that ignores it counts on.
COUNTING_SUFFIX = " 14, 15, 16, 17, 18, 19, 20\n"
SPEED_TOKENS = 16
SCORED_TOKENS = 8
# (name, path below the server's root, field holding the text) of the tokenize
# endpoints: vLLM, llama.cpp's server, llama-cpp-python's server.
_TOKENIZERS = (
    ("POST /tokenize", "/tokenize", "prompt"),
    ("POST /tokenize", "/tokenize", "content"),
    ("POST /extras/tokenize", "/extras/tokenize", "input"),
)
_CONTEXT_KEYS = ("max_model_len", "context_length", "context_window", "max_context_length")


@dataclass(frozen=True)
class Sample:
    """One stream as it arrived: (seconds since the request, chunk) per event."""

    arrivals: tuple[tuple[float, Chunk], ...]
    total_s: float
    started: float  # time.monotonic() when the request was sent

    @property
    def texts(self) -> list[tuple[float, Chunk]]:
        """The events that carried text."""
        return [(at, chunk) for at, chunk in self.arrivals if chunk.pieces]

    @property
    def text(self) -> str:
        """Everything the stream wrote."""
        return "".join(piece.text for _, chunk in self.arrivals for piece in chunk.pieces)

    def streamed(self) -> bool:
        """Text came in several events spread over the answer, not in one burst at its end."""
        texts = self.texts
        return len(texts) >= 2 and texts[-1][0] - texts[0][0] >= 0.1 * self.total_s

    def speed(self, asked: int) -> Speed:
        """First-token latency and decode rate (`asked` tokens when the budget ended it)."""
        texts = self.texts
        if not texts:
            return Speed(self.total_s, 0.0, 0)
        finished = self.arrivals[-1][1].finish_reason
        tokens = asked if finished == "length" else sum(len(c.pieces) for _, c in texts)
        first, last = texts[0][0], texts[-1][0]
        # A burst at the end (some servers send everything at once) has no decode rate of
        # its own: then the rate over the whole answer.
        spread = self.streamed() and last > first
        rate = (tokens - 1) / (last - first) if spread else tokens / self.total_s
        return Speed(first, rate, tokens)


@dataclass(frozen=True)
class Speed:
    """How fast one stream was."""

    first_token_s: float
    tokens_per_s: float
    tokens: int


@dataclass(frozen=True)
class Findings:
    """What the server at `url` supports; `doctor --remote` prints it."""

    url: str
    models: tuple[str, ...] | None  # None: the server has no GET /models
    model: str
    context_length: int | None
    context_source: str  # where the length came from, or where it was looked for
    streams: bool
    events: int  # events that carried text in the stream without logprobs
    speed: Speed
    logprobs: bool  # every chunk of a stream carried per-token log-probabilities
    logprobs_refused: bool  # the server refused them (rather than leaving them out)
    logprobs_speed: Speed | None
    n: str  # "honoured", "ignored" or "refused"
    parallel: bool  # two streams at once overlapped
    interrupts: bool  # a second request cut the running stream short
    suffix: str  # "refused", "ignored" or "changes the answer"
    tokenizer: str | None  # the tokenize endpoint used; None: the server has none
    fim_family: str | None  # detect_fim's family name; None: no FIM tokens (or unknown)
    fim_template: str  # the `remote.promptTemplate` for that family; "" for none


async def probe(settings: RemoteSettings, api_key: str | None) -> Findings:
    """Ask the server at `settings.url` what it supports.

    Raises `RemoteError` with the engine's own one-line messages: the server is
    down, refuses the key, does not serve `remote.model`, is slower than
    `remote.timeoutMs`, or does not speak OpenAI's streaming format.
    """
    connection = Connection(settings, api_key)
    try:
        return await _probe(connection)
    except httpx2.HTTPError as error:
        raise transport_error(error, settings) from error


async def _probe(connection: Connection) -> Findings:
    entries = await connection.list_models()
    model = connection.choose_model(entries)
    # Completions first: a server that is not OpenAI's fails here with the clearest
    # message, before the endpoints only some servers have are tried.
    # A first request may load or warm the model: not part of the latency measured.
    await _sample(connection, {**_body(model, logprobs=False, tokens=1), "prompt": "def"})
    plain = await _sample(connection, _body(model, logprobs=False))
    scored = await _scored(connection, model)
    suffix = await _suffix(connection, model, plain.text)
    n = await _n(connection, model)
    parallel, interrupts = await _concurrency(connection, model)
    tokenizer, vocabulary = await _fim_vocabulary(connection, model)
    context, source = await _context_length(connection, entries, model)
    from lsp_codegen.context.fim import detect_fim  # engine/factory.py does the same

    fim = detect_fim(vocabulary)
    return Findings(
        url=connection.settings.url,
        models=None if entries is None else tuple(str(entry["id"]) for entry in entries),
        model=model,
        context_length=context,
        context_source=source,
        streams=plain.streamed(),
        events=len(plain.texts),
        speed=plain.speed(SPEED_TOKENS),
        logprobs=scored is not None and bool(scored.texts) and _all_scored(scored),
        logprobs_refused=scored is None,
        logprobs_speed=None if scored is None else scored.speed(SCORED_TOKENS),
        n=n,
        parallel=parallel,
        interrupts=interrupts,
        suffix=suffix,
        tokenizer=tokenizer,
        fim_family=fim.family if fim is not None else None,
        fim_template=template_for(vocabulary),
    )


def template_for(vocabulary: set[str]) -> str:
    """The `remote.promptTemplate` FIM family whose tokens `vocabulary` holds ("" for none).

    The family is the one `detect_fim` finds; among the template names that write it
    (qwen and codegemma write the same one), the one whose end tokens are there too.
    """
    from lsp_codegen.context.fim import detect_fim

    found = detect_fim(vocabulary)
    if found is None:
        return ""
    same = [
        name
        for name in fim_families()
        if (fim := detect_fim(template_vocabulary(name))) is not None and fim.family == found.family
    ]
    complete = [name for name in same if template_vocabulary(name) <= vocabulary]
    return (complete or same or [""])[0]


def _all_scored(sample: Sample) -> bool:
    return all(chunk.scored for _, chunk in sample.texts)


def _body(model: str, *, logprobs: bool, tokens: int = SPEED_TOKENS) -> dict[str, Any]:
    """The engine's body for a greedy candidate that counts for `tokens` tokens."""
    request = GenerationRequest(COUNTING, num_candidates=1, max_new_tokens=tokens, heal=False)
    return request_body(model, request, 0, "", logprobs)


async def _sample(connection: Connection, body: dict[str, Any]) -> Sample:
    """Stream `body` to its end, noting when each event arrived."""
    started = time.monotonic()
    arrivals: list[tuple[float, Chunk]] = []
    async with aclosing(read_stream(connection, "/completions", body, chat=False)) as chunks:
        async for chunk in chunks:
            arrivals.append((time.monotonic() - started, chunk))
    return Sample(tuple(arrivals), time.monotonic() - started, started)


async def _scored(connection: Connection, model: str) -> Sample | None:
    """A stream asking for logprobs; None when the server refused them."""
    # Fewer tokens: llama-cpp-python's server computes logprobs slowly.
    try:
        return await _sample(connection, _body(model, logprobs=True, tokens=SCORED_TOKENS))
    except Refused:
        # llama-cpp-python's server closes the kept-alive connection after refusing
        # them: the next request gets a new one.
        connection.close()
        return None


async def _unless_refused(connection: Connection, body: dict[str, Any]) -> Sample | None:
    """A stream of `body`; None when the server refuses it (an optional field it rejects)."""
    try:
        return await _sample(connection, body)
    except RemoteError as error:
        if refused(error):
            return None
        raise


async def _n(connection: Connection, model: str) -> str:
    """Whether one request with `n` = 2 streams two choices (the engine asks the same)."""
    body = {**_body(model, logprobs=False, tokens=4), "temperature": 1.0}
    return await n_support(connection, "/completions", body, chat=False)


async def _concurrency(connection: Connection, model: str) -> tuple[bool, bool]:
    """(parallel, interrupts): whether two streams sent at once overlap (one writes
    before the other ends), and whether one was cut short, ending without a finish
    reason (llama-cpp-python's server unless started with --interrupt_requests false)."""
    body = _body(model, logprobs=False, tokens=8)
    samples = await asyncio.gather(_sample(connection, body), _sample(connection, body))
    if any(not s.arrivals or s.arrivals[-1][1].finish_reason is None for s in samples):
        return False, True
    spans = [_span(sample) for sample in samples]
    return max(start for start, _ in spans) < min(end for _, end in spans), False


def _span(sample: Sample) -> tuple[float, float]:
    """When (time.monotonic()) the stream's first and last text arrived."""
    texts = sample.texts or [(sample.total_s, Chunk((), None))]
    return sample.started + texts[0][0], sample.started + texts[-1][0]


async def _suffix(connection: Connection, model: str, plain: str) -> str:
    """Whether the `suffix` field changes the greedy answer (`plain` is the one without)."""
    body = {**_body(model, logprobs=False), "suffix": COUNTING_SUFFIX}
    sample = await _unless_refused(connection, body)
    if sample is None:
        return "refused"
    return "ignored" if sample.text == plain else "changes the answer"


async def _fim_vocabulary(connection: Connection, model: str) -> tuple[str | None, set[str]]:
    """The tokenize endpoint, and the FIM families' tokens that are one token to it."""
    for name, path, field in _TOKENIZERS:
        single = await _count(connection, path, {"model": model, field: "x"})
        if single is None:
            continue
        vocabulary: set[str] = set()
        for token in sorted({t for f in fim_families() for t in template_vocabulary(f)}):
            # SentencePiece stores CodeLlama's tokens with a "▁" that prompts spell as " ".
            for spelling in {token, token.lstrip("▁")}:
                if await _count(connection, path, {"model": model, field: spelling}) == single:
                    vocabulary.add(token)
        return name, vocabulary
    return None, set()


async def _count(connection: Connection, path: str, body: dict[str, Any]) -> int | None:
    """How many tokens the endpoint at `path` makes of the text; None when it cannot."""
    response = await connection.client().post(_root(connection.settings.url) + path, json=body)
    if response.status_code != 200:
        return None
    tokens = _json(response).get("tokens")
    return len(tokens) if isinstance(tokens, list) and tokens else None


async def _context_length(
    connection: Connection, entries: list[dict[str, Any]] | None, model: str
) -> tuple[int | None, str]:
    """The served context length and where it was found; (None, where it was looked for)."""
    entry = next((e for e in entries or [] if str(e["id"]) == model), {})
    for key in _CONTEXT_KEYS:
        if _is_length(entry.get(key)):
            return entry[key], f"GET /models {key}"
    response = await connection.client().get(_root(connection.settings.url) + "/props")
    props = _json(response) if response.status_code == 200 else {}
    settings = props.get("default_generation_settings")
    for found in (
        settings.get("n_ctx") if isinstance(settings, dict) else None,
        props.get("n_ctx"),
    ):
        if _is_length(found):
            return found, "GET /props n_ctx"
    meta = entry.get("meta")
    trained = meta.get("n_ctx_train") if isinstance(meta, dict) else None
    if _is_length(trained):
        return trained, "GET /models meta.n_ctx_train (the length the model was trained for)"
    return None, "neither GET /models nor GET /props says it"


def _is_length(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _json(response: httpx2.Response) -> dict[str, Any]:
    """The body as a JSON object; {} for anything else."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _root(url: str) -> str:
    """The server's root: `remote.url` without its /v1 (where /tokenize and /props live)."""
    url = url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url
