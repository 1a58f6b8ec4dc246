"""Reading LSP messages from a byte stream with strict framing, and serving stdio with it.

pygls' own loop trusts every header: a body shorter than its Content-Length
silently swallows the next message, and a bad header is skipped line by line
until something parses. Here framing errors end the connection with a log line
and a non-zero exit code; oversized messages are skipped and reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
from typing import Any, BinaryIO, NoReturn, Protocol

from lsprotocol import types
from pygls.io_ import StdoutWriter, WebSocketWriter

from lsp_codegen.server.jsonrpc.framing import (
    DEFAULT_MAX_CONTENT_LENGTH,
    Skipped,
    StreamDesynchronised,
    read_frame,
)
from lsp_codegen.server.jsonrpc.protocol import CodegenProtocol

log = logging.getLogger(__name__)

EXIT_DESYNCHRONISED = 3
_READ_SIZE = 64 * 1024


class Session(Protocol):
    """The server a transport serves (a `CodegenServer`): its protocol, and release."""

    @property
    def protocol(self) -> Any:
        """The pygls protocol object (a `CodegenProtocol`)."""
        ...

    async def release(self) -> None:
        """Stop background work and free the model (the stream ended)."""
        ...

    def window_log_message(self, params: types.LogMessageParams) -> None:
        """Send window/logMessage."""
        ...


class StreamBytes:
    """An asyncio.StreamReader seen as the framing's ByteReader."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    async def readline(self, limit: int) -> bytes:
        """Bytes up to and including b"\\n"; a longer line comes back cut, without it."""
        try:
            return await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as error:
            return error.partial
        except asyncio.LimitOverrunError:
            return await self._reader.read(limit)

    async def read(self, size: int) -> bytes:
        """Exactly `size` bytes, fewer only at end of stream."""
        try:
            return await self._reader.readexactly(size)
        except asyncio.IncompleteReadError as error:
            return error.partial


def pipe_into(source: BinaryIO, reader: asyncio.StreamReader) -> None:
    """Copy `source` into `reader` from a daemon thread (it never blocks the process's exit)."""
    loop = asyncio.get_running_loop()
    fd = source.fileno()

    def pump() -> None:
        while chunk := os.read(fd, _READ_SIZE):
            loop.call_soon_threadsafe(reader.feed_data, chunk)
        loop.call_soon_threadsafe(reader.feed_eof)

    threading.Thread(target=pump, name="lsp-stdin", daemon=True).start()


async def serve_stream(server: Session, source: StreamBytes, max_content_length: int) -> int:
    """Read and dispatch messages until the stream ends; the exit code to use."""
    protocol = server.protocol
    assert isinstance(protocol, CodegenProtocol)
    while True:
        try:
            frame = await read_frame(source, max_content_length)
        except StreamDesynchronised as error:
            _report(server, f"closing the connection, the LSP stream is unreadable: {error}")
            await server.release()
            return EXIT_DESYNCHRONISED
        if frame is None:
            return 0
        if isinstance(frame, Skipped):
            _report(
                server,
                f"skipped a {frame.content_length}-byte message: larger than the "
                f"{frame.limit}-byte limit (serve --max-message-bytes)",
            )
            continue
        try:
            protocol.receive(frame.data)
        except SystemExit as request:  # the client's `exit` (pygls calls sys.exit)
            await server.release()
            return request.code if isinstance(request.code, int) else 0
        except Exception:
            log.exception("unhandled error while dispatching a message")


def serve_stdio(server: Session, max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH) -> NoReturn:
    """Serve one client on stdin/stdout, then end the process with the session's exit code."""
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))

    async def run() -> NoReturn:
        reader = asyncio.StreamReader(limit=2**20)
        pipe_into(sys.stdin.buffer, reader)
        try:
            code = await serve_stream(server, StreamBytes(reader), max_content_length)
        except BrokenPipeError:
            log.error("the client closed its end of the connection")
            code = 1
        # From inside the loop: asyncio.run would first wait for worker threads
        # (a model still loading) that the finished session no longer needs.
        exit_now(code)

    asyncio.run(run())
    exit_now(0)  # not reached


def exit_now(code: int) -> NoReturn:
    """End the process at once with `code`, after flushing output and logs.

    The session is over and released; a worker thread still inside a model
    step or an import must not keep the process alive (editors wait for it).
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # stdout may be closed by `exit`
            stream.flush()
    logging.shutdown()
    os._exit(code)


def serve_websocket(
    server: Session,
    host: str,
    port: int,
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH,
) -> NoReturn:
    """Serve one WebSocket client, then end the process; one LSP message per frame."""
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed

    protocol = server.protocol
    assert isinstance(protocol, CodegenProtocol)

    async def connection(websocket: ServerConnection) -> None:
        protocol.set_writer(WebSocketWriter(websocket), include_headers=False)
        try:
            async for data in websocket:
                body = data.encode() if isinstance(data, str) else data
                protocol.receive(body)
        except ConnectionClosed:
            log.info("the WebSocket client disconnected")
        await server.release()
        stopped.set()

    async def run() -> NoReturn:
        async with serve(connection, host, port, max_size=max_content_length) as listener:
            log.info("serving LSP on ws://%s:%d", host, port)
            await stopped.wait()
            listener.close()
        exit_now(0)  # from inside the loop, as serve_stdio

    stopped = asyncio.Event()
    asyncio.run(run())
    exit_now(0)  # not reached


def _report(server: Session, message: str) -> None:
    log.error("%s", message)
    try:
        server.window_log_message(
            types.LogMessageParams(type=types.MessageType.Error, message=message)
        )
    except Exception:
        log.debug("could not tell the client", exc_info=True)
