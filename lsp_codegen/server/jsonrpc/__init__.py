"""Our layer over pygls' JSON-RPC: strict framing, an answer to every request, transports.

pygls is pinned (pyproject.toml) because this package relies on its internals, not
only on its public API. Check each of these when upgrading pygls:

- `pygls.protocol.LanguageServerProtocol`: `structure_message` (raises
  `JsonRpcInvalidParams` with the cattrs error as `__cause__`), `handle_message`,
  `_send_data` (writes one response dict), the `_shutdown` flag, `set_writer(writer,
  include_headers=...)`, and `fm.features` (method -> user handler);
- `pygls.protocol.language_server.lsp_method` and the built-in handler names
  `lsp_text_document__did_open/_did_change/_did_close`, overridden so pygls keeps no
  second copy of each document; a built-in handler is a generator yielding
  `(handler, args, callback)`;
- `pygls.protocol.json_rpc.JsonRPCNotification` (what an answered bad request becomes);
- `pygls.io_.StdoutWriter` and `WebSocketWriter`;
- pygls calls `sys.exit` on the `exit` notification: the transports catch SystemExit.

Modules: `framing` reads Content-Length frames strictly, `envelope` checks a message's
JSON-RPC shape, `protocol` answers what pygls would leave unanswered, `transport`
serves stdio and WebSocket with them.
"""
