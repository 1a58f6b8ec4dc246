"""User settings: one typed, fully defaulted tree, read from camelCase JSON.

Every field carries its wire name and its `Rule` in dataclass metadata, so the
constraints live next to the defaults and parsing is one generic loop.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Device = Literal["auto", "cpu", "cuda", "mps"]
Dtype = Literal["auto", "float32", "bfloat16", "float16"]
Quantize = Literal["none", "int8"]
EngineKind = Literal["auto", "local", "llamacpp", "remote"]

_PREFIX = "lsp-codegen: "
_SECTION_KEYS = ("lspCodegen", "lsp-codegen")


class _Invalid(ValueError):
    """A value that does not fit its rule."""


@dataclass(frozen=True)
class Rule:
    """What one setting accepts: a phrase for messages and a checking converter."""

    expected: str  # completes "expected ...", e.g. "an integer from 1 to 16"
    convert: Callable[[object], object]  # returns the value to store, raises _Invalid


def _fmt(number: float) -> str:
    return f"{number:g}"


def _integer(low: int, high: int) -> Rule:
    def convert(value: object) -> object:
        # bool is an int subclass; `true` is never meant as 1.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid
        return value

    return Rule(f"an integer from {low} to {high}", convert)


def _number(low: float, high: float, *, low_open: bool = False) -> Rule:
    def convert(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid
        number = float(value)
        above = number > low if low_open else number >= low
        if not (above and number <= high):  # also rejects NaN
            raise _Invalid
        return number

    if low_open:
        return Rule(f"a number greater than {_fmt(low)} and at most {_fmt(high)}", convert)
    return Rule(f"a number from {_fmt(low)} to {_fmt(high)}", convert)


def _choice(*choices: str) -> Rule:
    def convert(value: object) -> object:
        if value not in choices or not isinstance(value, str):
            raise _Invalid
        return value

    return Rule("one of " + ", ".join(repr(c) for c in choices), convert)


def _text() -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            raise _Invalid
        return value.strip()

    return Rule("a non-empty string", convert)


def _path() -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, str):
            raise _Invalid
        return value.strip()

    return Rule('a path, or "" to find it automatically', convert)


def _section(example: str) -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, Mapping):
            raise _Invalid
        return value

    return Rule(f"an object like {example}", convert)


def _flag() -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, bool):
            raise _Invalid
        return value

    return Rule("true or false", convert)


def _auto_flag() -> Rule:
    def convert(value: object) -> object:
        if value != "auto" and not isinstance(value, bool):
            raise _Invalid
        return value

    return Rule('"auto", true or false', convert)


def _string(expected: str) -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, str):
            raise _Invalid
        return value.strip()

    return Rule(expected, convert)


def _url() -> Rule:
    def convert(value: object) -> object:
        if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
            raise _Invalid
        return value.strip().rstrip("/")

    return Rule('an http(s) URL like "http://127.0.0.1:8080/v1"', convert)


_T = TypeVar("_T")


def _setting(default: _T, wire: str, rule: Rule) -> _T:
    result: _T = field(default=default, metadata={"wire": wire, "rule": rule})
    return result


def _nested(factory: Callable[[], _T], wire: str, example: str) -> _T:
    """A section of settings (an object on the wire), e.g. `inline`."""
    result: _T = field(default_factory=factory, metadata={"wire": wire, "rule": _section(example)})
    return result


@dataclass(frozen=True)
class InlineSettings:
    """Inline (ghost text) completions."""

    enabled: bool = _setting(True, "enabled", _flag())
    # Longest an inline or completion request may generate; then whole lines are shown.
    max_time_ms: int = _setting(5000, "maxTimeMs", _integer(100, 600000))
    # An inline request sent while the user types answers this long after it arrived
    # with the whole lines written so far (at the first one after it), and the generation
    # goes on for the rest, which typing into or accepting the suggestion joins. 0 = wait.
    answer_ms: int = _setting(300, "answerMs", _integer(0, 600000))
    # After a suggestion is shown, generate the lines that follow accepting it (on:
    # bench/latency.py measured Enter -> next suggestion 3.3-5.4 s -> 2 ms on a CPU).
    speculative: bool = _setting(True, "speculative", _flag())
    # Candidates of an inline request the editor sent while the user types; 0 = all
    # (`numCandidates`): every engine decodes a request's candidates together.
    num_candidates: int = _setting(0, "numCandidates", _integer(0, 16))


@dataclass(frozen=True)
class PythonSettings:
    """Where candidates and examples run: the workspace's own interpreter."""

    # "" = the workspace's .venv/venv, else the server's own interpreter.
    interpreter: str = _setting("", "interpreter", _path())


@dataclass(frozen=True)
class NodeSettings:
    """Where JavaScript and TypeScript candidates and examples run: the workspace's Node."""

    # "" = `node` on PATH.
    executable: str = _setting("", "executable", _path())


@dataclass(frozen=True)
class ContextSettings:
    """What the prompt holds besides the current file: other open documents, examples."""

    # The most other documents to take a snippet from (0 = none), same language first.
    other_files: int = _setting(3, "otherFiles", _integer(0, 16))
    # Their share of `contextTokens`; fixed, so typing never changes them (KV reuse).
    other_files_share: float = _setting(0.25, "otherFilesShare", _number(0, 0.5))
    # Short finished functions before the document (workspace's nearest, else a built-in):
    # bench/problems without examples, N = 8: pass@8 17 vs 13 of 43 (docs/benchmarks.md).
    in_context_examples: int = _setting(1, "inContextExamples", _integer(0, 2))
    # The `#` comment above an empty `def` restated as its docstring in the prompt.
    docstring_from_comment: bool = _setting(False, "docstringFromComment", _flag())
    # A long Python file's cut-off start, as its imports and the definitions mentioned;
    # off: no gain measured on the embedded model (docs/benchmarks.md, "File header").
    file_header: bool = _setting(False, "fileHeader", _flag())


@dataclass(frozen=True)
class StatsSettings:
    """Local acceptance statistics (shown, accepted, partial accepts, latency)."""

    # Written under the user cache dir, never sent anywhere; $LSP_CODEGEN_STATS=off also stops it.
    enabled: bool = _setting(True, "enabled", _flag())


@dataclass(frozen=True)
class ExplainSettings:
    """The "Explain" code action."""

    # true: insert the explanation as comment lines above the code; false: show it only.
    insert: bool = _setting(True, "insert", _flag())


@dataclass(frozen=True)
class RemoteSettings:
    """An OpenAI-compatible server (vLLM, TGI, llama.cpp's server, Ollama) for `engine: remote`."""

    url: str = _setting("http://127.0.0.1:8080/v1", "url", _url())
    # "" = the first model the server lists at /models.
    model: str = _setting("", "model", _string('a model name, or "" for the server\'s first'))
    # The NAME of an environment variable holding the API key; the key itself never
    # appears in settings or logs. "" = no key.
    api_key_env: str = _setting("", "apiKeyEnv", _string('an environment variable name, or ""'))
    # "" = the prompt as built (prefix only unless the model has FIM tokens); a FIM
    # family ("starcoder", "codellama", ...); "suffix" = the server's `suffix` field;
    # a template with {prefix} and {suffix}; "chat" = /chat/completions.
    prompt_template: str = _setting(
        "", "promptTemplate", _string('"", "chat", "suffix", a FIM family or a template')
    )
    timeout_ms: int = _setting(10000, "timeoutMs", _integer(100, 600000))
    max_concurrent: int = _setting(4, "maxConcurrent", _integer(1, 256))
    # Ask for per-token log-probabilities (used to rank). Cheap on vLLM, TGI and
    # llama.cpp's C++ server; llama-cpp-python's server sorts the whole vocabulary
    # in Python per token for them: set false there.
    logprobs: bool = _setting(True, "logprobs", _flag())
    # A request's sampled candidates as the choices of one request (`n`), which vLLM
    # decodes together from one read of the prompt; the first, greedy one is its own
    # request. "auto": when a one-token request with `n` = 2 (sent once) gets two
    # choices back; false: one request per candidate (spread over replicas behind a
    # load balancer; llama.cpp's servers ignore `n`).
    batched_n: bool | Literal["auto"] = _setting("auto", "batchedN", _auto_flag())


@dataclass(frozen=True)
class Settings:
    """Everything a user can configure; every field has a working default."""

    model: str = _setting("default", "model", _text())
    # auto: llama.cpp for a GGUF model on the CPU when the `llamacpp` extra is
    # installed, transformers ("local") otherwise.
    engine: EngineKind = _setting("auto", "engine", _choice("auto", "local", "llamacpp", "remote"))
    device: Device = _setting("auto", "device", _choice("auto", "cpu", "cuda", "mps"))
    dtype: Dtype = _setting("auto", "dtype", _choice("auto", "float32", "bfloat16", "float16"))
    # int8: every Linear int8 (CPU, transformers engine): ~2x faster decoding, output
    # drifts from float32's, so off by default.
    quantize: Quantize = _setting("none", "quantize", _choice("none", "int8"))
    max_new_tokens: int = _setting(128, "maxNewTokens", _integer(1, 4096))
    temperature: float = _setting(0.8, "temperature", _number(0, 2))
    # Sampled candidates spread over temperature × (1 ± this), lowest first: more
    # distinct candidates than one temperature for all (engine/schedule.py).
    temperature_spread: float = _setting(0.0, "temperatureSpread", _number(0, 1))
    top_p: float = _setting(0.95, "topP", _number(0, 1, low_open=True))
    num_candidates: int = _setting(4, "numCandidates", _integer(1, 16))
    context_tokens: int = _setting(1024, "contextTokens", _integer(64, 131072))
    max_time_ms: int = _setting(30000, "maxTimeMs", _integer(100, 600000))
    # Token healing: the model writes the prompt's last token again, so text that ends
    # inside a token (`wor`, a trailing space) continues as the model would write it.
    token_healing: bool = _setting(True, "tokenHealing", _flag())
    inline: InlineSettings = _nested(InlineSettings, "inline", '{"enabled": true}')
    python: PythonSettings = _nested(PythonSettings, "python", '{"interpreter": "/path/to/python"}')
    node: NodeSettings = _nested(NodeSettings, "node", '{"executable": "/path/to/node"}')
    remote: RemoteSettings = _nested(
        RemoteSettings, "remote", '{"url": "http://127.0.0.1:8080/v1"}'
    )
    context: ContextSettings = _nested(
        ContextSettings, "context", '{"otherFiles": 3, "otherFilesShare": 0.25}'
    )
    stats: StatsSettings = _nested(StatsSettings, "stats", '{"enabled": false}')
    explain: ExplainSettings = _nested(ExplainSettings, "explain", '{"insert": false}')


_Section = TypeVar("_Section", bound="DataclassInstance")


def parse_settings(raw: object, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Overlay the camelCase keys present in `raw` onto `base` (defaults when None).

    Returns the new settings and one human-readable message per problem: an
    invalid value keeps the base value, an unknown key is ignored. A `null`
    value counts as "not set". Never raises.
    """
    settings = Settings() if base is None else base
    if raw is None:
        return settings, []
    messages: list[str] = []
    if not isinstance(raw, Mapping):
        messages.append(
            f"{_PREFIX}settings must be an object, got {_show(raw)}; keeping the current settings"
        )
        return settings, messages
    return _overlay(settings, raw, "", messages), messages


def _overlay(base: _Section, raw: Mapping[Any, object], path: str, messages: list[str]) -> _Section:
    by_wire = {f.metadata["wire"]: f for f in dataclasses.fields(base)}
    changes: dict[str, object] = {}
    for key, value in raw.items():
        wire = f"{path}{key}"
        spec = by_wire.get(key)
        if spec is None:
            messages.append(f"{_PREFIX}unknown setting `{wire}` ignored")
            continue
        if value is None:
            continue
        current = getattr(base, spec.name)
        rule: Rule = spec.metadata["rule"]
        try:
            checked = rule.convert(value)
        except _Invalid:
            messages.append(
                f"{_PREFIX}setting `{wire}` = {_show(value)} is invalid "
                f"(expected {rule.expected}); using {_show(current)}"
            )
            continue
        if isinstance(checked, Mapping):
            checked = _overlay(current, checked, f"{wire}.", messages)
        changes[spec.name] = checked
    return dataclasses.replace(base, **changes)


def _show(value: object) -> str:
    """A short JSON-flavoured rendering of a value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = _wire_of(value)
    text = json.dumps(value, default=repr) if isinstance(value, dict | list) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def settings_section(raw: object) -> object:
    """The lsp-codegen part of a workspace/didChangeConfiguration payload.

    Clients send either our section itself or the whole settings object with
    our section under "lspCodegen" (or "lsp-codegen").
    """
    if isinstance(raw, Mapping):
        for key in _SECTION_KEYS:
            if key in raw:
                return raw[key]
    return raw


def to_wire(settings: Settings) -> dict[str, object]:
    """The settings as a camelCase dict that `parse_settings` reads back unchanged."""
    return _wire_of(settings)


def _wire_of(section: DataclassInstance) -> dict[str, object]:
    wire: dict[str, object] = {}
    for spec in dataclasses.fields(section):
        value = getattr(section, spec.name)
        is_section = dataclasses.is_dataclass(value) and not isinstance(value, type)
        wire[spec.metadata["wire"]] = _wire_of(value) if is_section else value
    return wire
