"""`lsp-codegen.lastCompletion`: why the last request for a document showed what it showed."""

from __future__ import annotations

from typing import Any

from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.command_ids import LAST_COMPLETION
from lsp_codegen.server.errors import invalid_params
from lsp_codegen.tracing.render import render

_KINDS = ("inline", "completion", "codeAction")


def register(server: CodegenServer) -> None:
    """Register the trace command (advertised in executeCommandProvider)."""

    @server.command(LAST_COMPLETION)
    def last_completion(ls: CodegenServer, *arguments: Any) -> dict[str, object] | None:
        # [{"uri": ..., "kind"?: "inline" | "completion" | "codeAction", "all"?: true}]
        uri, kind, every = _parse(arguments)
        traces = ls.traces.recent(uri, kind)
        if every:
            return {"traces": [trace.as_json() for trace in traces]}
        if not traces:
            return None
        found = traces[-1].as_json()
        found["text"] = render(found)
        return found


def _parse(arguments: tuple[Any, ...]) -> tuple[str, str | None, bool]:
    options = arguments[0] if arguments else None
    if isinstance(options, str):  # a bare URI, as some clients send it
        options = {"uri": options}
    if not isinstance(options, dict) or not isinstance(options.get("uri"), str):
        raise invalid_params(
            f'{LAST_COMPLETION} takes [{{"uri": string, "kind"?: string, "all"?: boolean}}]'
        )
    kind = options.get("kind")
    if kind is not None and kind not in _KINDS:
        raise invalid_params(f"{LAST_COMPLETION}: kind must be one of {', '.join(_KINDS)}")
    return options["uri"], kind, options.get("all") is True
