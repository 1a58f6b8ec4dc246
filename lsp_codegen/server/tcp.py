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
import threading
from collections.abc import Callable

from pygls.io_ import run_async

from lsp_codegen.engine.shared import EnginePool
from lsp_codegen.server.app import CodegenServer, create_server
from lsp_codegen.server.model_host import EngineFactory, load_engine

log = logging.getLogger(__name__)

ServerFactory = Callable[[EngineFactory], CodegenServer]


def serve_tcp(host: str, port: int, engine_factory: EngineFactory = load_engine) -> int:
    """Accept clients on host:port until interrupted; the process exit code."""
    pool = EnginePool(engine_factory)
    try:
        asyncio.run(_listen(host, port, pool))
    except KeyboardInterrupt:
        log.info("interrupted")
    finally:
        pool.close()
    return 0


async def _listen(host: str, port: int, pool: EnginePool) -> None:
    numbers = itertools.count(1)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_connection(reader, writer, pool, f"client-{next(numbers)}")

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
    make_server: ServerFactory = create_server,
) -> None:
    """One client's whole session: its own server object, the pool's engines."""
    server = make_server(pool.factory_for(client))
    server.protocol.set_writer(writer)
    stop = threading.Event()
    log.info("%s connected from %s", client, writer.get_extra_info("peername"))
    try:
        await run_async(
            stop_event=stop,
            reader=reader,
            protocol=server.protocol,
            logger=log,
            error_handler=server.report_server_error,
        )
    except SystemExit:
        pass  # the client's `exit`: pygls calls sys.exit; here it ends this session only
    except (asyncio.IncompleteReadError, ConnectionError) as error:
        log.warning("%s: connection lost (%s)", client, error)
    finally:
        await _release(server)
        writer.close()
        log.info("%s disconnected", client)


async def _release(server: CodegenServer) -> None:
    """What `shutdown` does, for clients that vanished without sending it."""
    server.closing = True
    server.tasks.cancel_all()
    server.models.close()
    await server.sandboxes.close()
