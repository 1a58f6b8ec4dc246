"""The LSP features, one module per request or command family, each with `register`.

Features import the server's state (`server.app`) and the shared parts of the
edge (`server.code_actions`, `server.command_ids`, `server.generation`), never each
other; `server.build` registers them all.
"""
