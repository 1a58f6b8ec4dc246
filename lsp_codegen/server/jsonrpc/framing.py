"""LSP base-protocol framing: header lines, Content-Length, and what to do when they are wrong.

A frame is `Name: value\\r\\n` header lines, an empty line, then exactly
Content-Length bytes of body. A body we can still skip (too large) is reported
and skipped; a header we cannot trust (missing, negative or non-numeric
Content-Length, a line that is not a header) means the stream is
desynchronised, and the connection must end rather than answer the wrong bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024 * 1024
_MAX_HEADER_LINE = 8 * 1024
_MAX_HEADER_LINES = 32
_DISCARD_CHUNK = 1024 * 1024
# RFC 7230 token characters for a header name.
_HEADER = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*\r?\n")


class ByteReader(Protocol):
    """An async source of bytes (stdin through a thread, or a socket)."""

    async def readline(self, limit: int) -> bytes:
        """Bytes up to and including b"\\n", at most `limit` bytes; b"" at end of stream."""
        ...

    async def read(self, size: int) -> bytes:
        """Exactly `size` bytes, fewer only at end of stream."""
        ...


class StreamDesynchronised(Exception):
    """The framing cannot be trusted any more; the connection must be closed."""


@dataclass(frozen=True)
class Body:
    """One complete message body."""

    data: bytes


@dataclass(frozen=True)
class Skipped:
    """A well-framed message that was read and dropped because it is too large."""

    content_length: int
    limit: int


Frame = Body | Skipped


async def read_frame(reader: ByteReader, max_content_length: int) -> Frame | None:
    """The next frame, or None at the end of the stream (between messages).

    Raises StreamDesynchronised when the headers are malformed or the stream
    ends inside a message.
    """
    headers = await _read_headers(reader)
    if headers is None:
        return None
    length = _content_length(headers)
    if length > max_content_length:
        await _discard(reader, length)
        return Skipped(length, max_content_length)
    data = await reader.read(length)
    if len(data) < length:
        raise StreamDesynchronised(
            f"the stream ended {length - len(data)} bytes short of the announced Content-Length"
        )
    return Body(data)


async def _read_headers(reader: ByteReader) -> dict[str, bytes] | None:
    headers: dict[str, bytes] = {}
    for _ in range(_MAX_HEADER_LINES + 1):
        line = await reader.readline(_MAX_HEADER_LINE)
        if not line:
            if not headers:
                return None
            raise StreamDesynchronised("the stream ended inside a message header")
        if line in (b"\r\n", b"\n"):
            if headers:
                return headers
            continue  # tolerate blank lines between messages
        headers.update(_header(line))
    raise StreamDesynchronised(f"more than {_MAX_HEADER_LINES} header lines")


def _header(line: bytes) -> dict[str, bytes]:
    if len(line) > _MAX_HEADER_LINE or not line.endswith(b"\n"):
        raise StreamDesynchronised(f"a header line longer than {_MAX_HEADER_LINE} bytes")
    match = _HEADER.fullmatch(line)
    if match is None:
        raise StreamDesynchronised(f"not a header line: {_preview(line)}")
    return {match.group(1).decode("ascii").lower(): match.group(2)}


def _content_length(headers: dict[str, bytes]) -> int:
    value = headers.get("content-length")
    if value is None:
        raise StreamDesynchronised("a message without a Content-Length header")
    if not value.isdigit() or len(value) > 18:
        raise StreamDesynchronised(
            f"Content-Length is not a non-negative integer: {_preview(value)}"
        )
    return int(value)


async def _discard(reader: ByteReader, length: int) -> None:
    left = length
    while left:
        chunk = await reader.read(min(left, _DISCARD_CHUNK))
        if not chunk:
            raise StreamDesynchronised("the stream ended inside an oversized message")
        left -= len(chunk)


def _preview(data: bytes) -> str:
    text = repr(data[:60])
    return text + ("…" if len(data) > 60 else "")
