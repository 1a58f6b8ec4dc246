"""LSP features, one module each; `register_all` wires them to a server."""

from __future__ import annotations

from lsp_codegen.server.app import CodegenServer


def register_all(server: CodegenServer) -> None:
    """Register every feature handler on `server`."""
    from lsp_codegen.server.features import (
        code_actions,
        commands,
        completion,
        documents,
        function_actions,
        inline,
        lifecycle,
        prompt_command,
        run_selection,
    )

    for module in (
        lifecycle,
        documents,
        inline,
        completion,
        code_actions,
        commands,
        run_selection,
        function_actions,
        prompt_command,
    ):
        module.register(server)
