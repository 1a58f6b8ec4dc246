"""The "Run selection" command: the selection, or the function under the cursor with the
examples from its comment, run in the sandbox (see code_actions.run)."""

from __future__ import annotations

from typing import Any

from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.code_actions.run import run_selection
from lsp_codegen.server.command_ids import RUN_SELECTION


def register(server: CodegenServer) -> None:
    """Register the "Run selection" command."""

    @server.command(RUN_SELECTION)
    async def run(ls: CodegenServer, *arguments: Any) -> dict[str, object]:
        return await run_selection(ls, arguments[0] if arguments else None)
