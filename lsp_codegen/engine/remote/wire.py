"""What goes over the wire to an OpenAI-compatible server, and what comes back.

Pure functions: request bodies for /completions and /chat/completions, prompt
templates (FIM for servers whose tokenizer we cannot see), and the parsing of
one server-sent event into text pieces with their log-probabilities.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.schedule import candidate_temperature

# The remote tokenizer is not visible; a code token averages 3-4 characters, so
# counting one token per 3 characters keeps prompts inside the budget.
CHARS_PER_TOKEN = 3
# OpenAI accepts at most four stop strings; the rest are applied client-side.
MAX_SERVER_STOPS = 4

CHAT = "chat"
SUFFIX = "suffix"
# The markers the prompt builder writes when the vocabulary offers StarCoder FIM;
# "suffix" and custom templates split the prompt on them again.
_MARKERS = ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
_FAMILIES: dict[str, frozenset[str]] = {
    "starcoder": frozenset({"<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<|endoftext|>"}),
    "qwen": frozenset({"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|endoftext|>"}),
    "codegemma": frozenset(
        {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_separator|>"}
    ),
    "deepseek": frozenset({"<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"}),
    "codellama": frozenset({"▁<PRE>", "▁<SUF>", "▁<MID>", "▁<EOT>"}),
    "codestral": frozenset({"[SUFFIX]", "[PREFIX]", "</s>"}),
}
_CHAT_SYSTEM = (
    "You complete code. Reply with only the code that continues the user's text "
    "exactly where it ends: no explanation and no Markdown fences."
)


def template_problem(template: str) -> str | None:
    """Why `remote.promptTemplate` is unusable, or None when it is fine."""
    if template in ("", CHAT, SUFFIX) or template in _FAMILIES:
        return None
    if "{prefix}" in template:
        return None
    families = ", ".join(repr(name) for name in _FAMILIES)
    return (
        f"`remote.promptTemplate` {template!r} is neither a FIM family ({families}), "
        '"chat", "suffix", nor a template containing {prefix} (and optionally {suffix})'
    )


def fim_families() -> tuple[str, ...]:
    """The FIM family names `remote.promptTemplate` accepts, in the order they are tried."""
    return tuple(_FAMILIES)


def template_vocabulary(template: str) -> set[str]:
    """The special tokens to report as the remote tokenizer's, so the prompt builder
    writes the FIM form this template needs (none: prefix-only prompts)."""
    if template in _FAMILIES:
        return set(_FAMILIES[template])
    if template == SUFFIX or "{prefix}" in template:
        return set(_MARKERS)
    return set()


def split_fim(prompt: str) -> tuple[str, str] | None:
    """(prefix, suffix) of a StarCoder-form FIM prompt, or None when it is not one."""
    start, hole, end = _MARKERS
    if not (prompt.startswith(start) and prompt.endswith(end)):
        return None
    body = prompt[len(start) : -len(end)]
    cut = body.rfind(hole)
    if cut < 0:
        return None
    return body[:cut], body[cut + len(hole) :]


def render_prompt(template: str, prompt: str) -> tuple[str, str | None]:
    """The prompt to send and the `suffix` field (None: not sent) for `template`."""
    if template != SUFFIX and "{prefix}" not in template:
        return prompt, None
    parts = split_fim(prompt)
    if parts is None:
        return prompt, None
    prefix, suffix = parts
    if template == SUFFIX:
        return prefix, suffix
    return template.replace("{prefix}", prefix).replace("{suffix}", suffix), None


def completions_path(template: str) -> str:
    """The endpoint a template's requests go to, below `remote.url`."""
    return "/chat/completions" if template == CHAT else "/completions"


def healing_cut(request: GenerationRequest, template: str) -> str:
    """The spaces and tabs cut from the end of the prompt sent: token healing without the
    server's tokenizer. The model then writes them again with its next token (` =`),
    instead of continuing after a lone space token as if it were not there (`1 = []`
    after `words `). Only after text on the same line: indentation is left as typed."""
    if not request.heal or template == CHAT:
        return ""
    prompt, _ = render_prompt(template, request.prompt)
    kept = prompt.rstrip(" \t")
    if not kept or kept.endswith(("\n", "\r")):
        return ""
    return prompt[len(kept) :]


def request_body(
    model: str,
    request: GenerationRequest,
    index: int,
    template: str,
    logprobs: bool,
    *,
    n: int = 1,
    usage: bool = False,
) -> dict[str, Any]:
    """The JSON body asking for candidates `index` to `index + n - 1` (the first
    candidate is greedy, the others sampled: one alone at its own temperature of the
    schedule, several in one request at the schedule's mean, `request.temperature`).

    `n` > 1 asks for them as the choices of one request (vLLM shares the prompt's
    work between them); servers that ignore `n` (llama.cpp's, Ollama) get one
    request per candidate instead (engine.py decides). With `usage` the last event
    counts the tokens (OpenAI's `stream_options`).
    """
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": request.max_new_tokens,
        "temperature": candidate_temperature(request, index) if n == 1 else request.temperature,
        "top_p": request.top_p,
        "stream": True,
    }
    if n > 1:
        body["n"] = n  # vLLM seeds its choices seed, seed + 1, ... as separate requests get
    if usage:
        body["stream_options"] = {"include_usage": True}
    if request.stop:
        body["stop"] = list(request.stop[:MAX_SERVER_STOPS])
    if request.seed is not None:
        body["seed"] = request.seed + index
    if template == CHAT:
        body["messages"] = [
            {"role": "system", "content": _CHAT_SYSTEM},
            {"role": "user", "content": request.prompt},
        ]
        if logprobs:
            body["logprobs"] = True
        return body
    prompt, suffix = render_prompt(template, request.prompt)
    body["prompt"] = prompt[: len(prompt) - len(healing_cut(request, template))]
    if suffix is not None:
        body["suffix"] = suffix
    if logprobs:
        body["logprobs"] = 1
    return body


@dataclass(frozen=True)
class Piece:
    """Text one event added to a candidate, and its log-probability (0.0 when unknown)."""

    text: str
    logprob: float


@dataclass(frozen=True)
class Usage:
    """The tokens a request read and wrote, all its choices together."""

    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Chunk:
    """One choice of one parsed event: new pieces, and the finish reason once the server
    gives one; or the token counts alone (`usage`)."""

    pieces: tuple[Piece, ...]
    finish_reason: str | None
    index: int = 0  # the choice's `index` (distinct values: the server honours `n`)
    scored: bool = False  # the event carried per-token log-probabilities
    usage: Usage | None = None  # the token counts of the last event (`stream_options`)


class MalformedStream(ValueError):
    """An event that is not the JSON an OpenAI-compatible server sends."""


def parse_events(data: str, chat: bool) -> tuple[Chunk, ...] | None:
    """Parse one event's data: a chunk per choice it carries (a server honouring `n`
    may put several in one event), one with only `usage` for the token counts that
    end a stream; None for the final "[DONE]"."""
    if data.strip() == "[DONE]":
        return None
    try:
        event = json.loads(data)
    except json.JSONDecodeError as error:
        raise MalformedStream(f"an event is not JSON: {data[:80]!r}") from error
    if not isinstance(event, Mapping):
        raise MalformedStream(f"an event is not a JSON object: {data[:80]!r}")
    if "error" in event:
        raise MalformedStream(f"the server reported an error mid-stream: {event['error']}")
    choices = event.get("choices")
    if not isinstance(choices, list):
        raise MalformedStream(f"an event has no `choices` list: {data[:80]!r}")
    chunks = [_parse_choice(choice, chat, data) for choice in choices]
    usage = _usage(event.get("usage"))
    if usage is not None or not chunks:  # usage-only events, and empty ones
        chunks.append(Chunk((), None, usage=usage))
    return tuple(chunks)


def _parse_choice(choice: object, chat: bool, data: str) -> Chunk:
    if not isinstance(choice, Mapping):
        raise MalformedStream(f"a choice is not an object: {data[:80]!r}")
    text = _choice_text(choice, chat)
    finish = choice.get("finish_reason")
    tokens, values = _token_logprobs(choice.get("logprobs"), chat)
    index = choice.get("index")
    return Chunk(
        _pieces(text, tokens, values),
        finish if finish else None,
        index if _is_count(index) else 0,
        bool(tokens) and len(tokens) == len(values),
    )


def _usage(usage: object) -> Usage | None:
    if not isinstance(usage, Mapping):
        return None
    read, wrote = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not (_is_count(read) and _is_count(wrote)):
        return None
    return Usage(read, wrote)


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _choice_text(choice: Mapping[str, Any], chat: bool) -> str:
    if chat:
        delta = choice.get("delta")
        content = delta.get("content") if isinstance(delta, Mapping) else None
    else:
        content = choice.get("text")
    if content is None:
        return ""
    if not isinstance(content, str):
        raise MalformedStream(f"a choice's text is not a string: {content!r}")
    return content


def _pieces(text: str, tokens: list[str], values: list[float]) -> tuple[Piece, ...]:
    """One piece per token when the server sent per-token log-probabilities whose
    tokens spell the text; else the whole text as one piece scored 0.0."""
    if tokens and len(tokens) == len(values) and "".join(tokens) == text:
        return tuple(Piece(t, v) for t, v in zip(tokens, values, strict=True))
    if not text:
        return ()
    total = sum(values) if values and len(values) == len(tokens) else 0.0
    return (Piece(text, total),)


def _token_logprobs(logprobs: object, chat: bool) -> tuple[list[str], list[float]]:
    if not isinstance(logprobs, Mapping):
        return [], []
    if chat:
        content = logprobs.get("content")
        if not isinstance(content, list):
            return [], []
        entries = [e for e in content if isinstance(e, Mapping)]
        return [str(e.get("token", "")) for e in entries], [
            _float(e.get("logprob")) for e in entries
        ]
    texts = logprobs.get("tokens")
    values = logprobs.get("token_logprobs")
    if not isinstance(texts, list) or not isinstance(values, list):
        return [], []
    return [str(t) for t in texts], [_float(v) for v in values]


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
