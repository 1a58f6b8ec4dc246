"""Where the server is put together: the state object and every feature's handlers."""

from __future__ import annotations

from lsp_codegen.engine.factory import EngineFactory, load_engine
from lsp_codegen.server.app import CodegenServer
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
    why,
)

FEATURES = (
    lifecycle,
    documents,
    inline,
    completion,
    code_actions,
    commands,
    run_selection,
    function_actions,
    prompt_command,
    why,
)


def create_server(engine_factory: EngineFactory = load_engine) -> CodegenServer:
    """A server with every feature registered."""
    server = CodegenServer(engine_factory)
    for feature in FEATURES:
        feature.register(server)
    return server
