"""Frame reading over an in-memory byte stream."""

from __future__ import annotations

import asyncio

import pytest

from lsp_codegen.server.jsonrpc.framing import Body, Skipped, StreamDesynchronised, read_frame
from lsp_codegen.server.jsonrpc.transport import StreamBytes


def _reader(data: bytes) -> StreamBytes:
    stream = asyncio.StreamReader()
    stream.feed_data(data)
    stream.feed_eof()
    return StreamBytes(stream)


async def _frames(data: bytes, limit: int = 1000) -> list[Body | Skipped]:
    reader, frames = _reader(data), []
    while (frame := await read_frame(reader, limit)) is not None:
        frames.append(frame)
    return frames


async def test_headers_are_case_insensitive_and_content_type_is_allowed() -> None:
    data = b"content-length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}"
    data += b"Content-Length: 3\n\n[1]"  # bare LF line ends are tolerated
    assert await _frames(data) == [Body(b"{}"), Body(b"[1]")]


async def test_a_body_over_the_limit_is_skipped_and_the_next_one_read() -> None:
    data = b"Content-Length: 2000\r\n\r\n" + b"x" * 2000 + b"Content-Length: 2\r\n\r\n{}"
    assert await _frames(data) == [Skipped(2000, 1000), Body(b"{}")]


@pytest.mark.parametrize(
    "data",
    [
        b"Content-Length: 5\r\n\r\n{}",  # ends 3 bytes short
        b"Content-Length: -1\r\n\r\n",
        b"Content-Length: 1e3\r\n\r\n",
        b"Content-Length: " + b"9" * 40 + b"\r\n\r\n",
        b"X-Other: 1\r\n\r\n{}",
        b'{"jsonrpc": "2.0"}\r\n\r\n',
        b"Content-Length: 2\r\n",  # ends inside the header
        b"Content-Length: 2\r\n" * 40 + b"\r\n{}",
        b"X: " + b"a" * 10_000 + b"\r\n\r\n",
    ],
    ids=[
        "short-body",
        "negative",
        "float",
        "too-many-digits",
        "missing",
        "json-as-header",
        "eof-in-header",
        "too-many-headers",
        "long-header",
    ],
)
async def test_unframeable_input_is_a_desynchronised_stream(data: bytes) -> None:
    with pytest.raises(StreamDesynchronised):
        await _frames(data)


async def test_end_of_stream_between_messages_is_not_an_error() -> None:
    assert await _frames(b"") == []
    assert await _frames(b"Content-Length: 2\r\n\r\n{}\r\n") == [Body(b"{}")]
