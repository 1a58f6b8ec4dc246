"""The command that runs a function action (Optimize, Explain, Write tests) and applies
its edit, for clients that do not resolve code actions."""

from __future__ import annotations

from typing import Any

from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.function import run_function_action
from lsp_codegen.server.command_ids import FUNCTION_ACTION


def register(server: CodegenServer) -> None:
    """Register the command that runs a function action and applies its edit."""

    @server.command(FUNCTION_ACTION)
    async def function_action(ls: CodegenServer, *arguments: Any) -> dict[str, object]:
        return await run_function_action(ls, arguments[0] if arguments else None)
