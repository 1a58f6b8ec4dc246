"""initialize, settings changes and shutdown."""

from __future__ import annotations

from lsprotocol import types

from lsp_codegen.config import settings_section
from lsp_codegen.server.app import CodegenServer


def register(server: CodegenServer) -> None:
    """Register lifecycle handlers."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: CodegenServer, params: types.InitializeParams) -> None:
        # Settings are applied and the model starts loading in the background;
        # the InitializeResult goes out at once, whatever the settings say.
        ls.apply_settings(settings_section(params.initialization_options))

    @server.feature(types.INITIALIZED)
    def initialized(ls: CodegenServer, params: types.InitializedParams) -> None:
        ls.client_initialized.set()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: CodegenServer, params: types.DidChangeConfigurationParams
    ) -> None:
        ls.apply_settings(settings_section(params.settings))

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: CodegenServer, params: None) -> None:
        await ls.release()
