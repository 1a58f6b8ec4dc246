"""`serve --tcp`: many editors on one server, each with its own session, one engine.

pygls' own `start_tcp` gives every connection the same protocol object (a
second client takes over the first one's writer) and stops the server when the
first client leaves. Here each connection gets its own `CodegenServer` — its
own documents, settings, tasks and sandboxes — and all of them load their
engine through one `EnginePool`: clients whose settings name the same engine
share one loaded model and take fair turns on it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

from lsp_codegen.engine.factory import EngineFactory, load_engine
from lsp_codegen.engine.shared import EnginePool
from lsp_codegen.server.app import CodegenServer
from lsp_codegen.server.build import create_server
from lsp_codegen.server.jsonrpc.framing import DEFAULT_MAX_CONTENT_LENGTH
from lsp_codegen.server.jsonrpc.transport import StreamBytes, serve_stream

log = logging.getLogger(__name__)

ServerFactory = Callable[[EngineFactory], CodegenServer]


def serve_tcp(
    host: str,
    port: int,
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH,
    engine_factory: EngineFactory = load_engine,
) -> int:
    """Accept clients on host:port until interrupted; the process exit code."""
    pool = EnginePool(engine_factory)
    try:
        asyncio.run(_listen(host, port, pool, max_content_length))
    except KeyboardInterrupt:
        log.info("interrupted")
    finally:
        pool.close()
    return 0


async def _listen(host: str, port: int, pool: EnginePool, max_content_length: int) -> None:
    numbers = itertools.count(1)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = f"client-{next(numbers)}"
        await serve_connection(reader, writer, pool, client, max_content_length)

    listener = await asyncio.start_server(connection, host, port)
    addresses = ", ".join(str(sock.getsockname()) for sock in listener.sockets)
    log.info("serving LSP on %s (several clients at once)", addresses)
    async with listener:
        await listener.serve_forever()


async def serve_connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    pool: EnginePool,
    client: str,
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH,
    make_server: ServerFactory = create_server,
) -> None:
    """One client's whole session (strict framing, as on stdio): its own server object,
    the pool's engines."""
    server = make_server(pool.factory_for(client))
    server.protocol.set_writer(writer)
    log.info("%s connected from %s", client, writer.get_extra_info("peername"))
    try:
        await serve_stream(server, StreamBytes(reader), max_content_length)
    except SystemExit:
        pass  # the client's `exit`: pygls calls sys.exit; here it ends this session only
    except (asyncio.IncompleteReadError, ConnectionError) as error:
        log.warning("%s: connection lost (%s)", client, error)
    finally:
        await server.release()  # as at shutdown; also for clients that vanished without it
        writer.close()
        log.info("%s disconnected", client)
