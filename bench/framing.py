"""Just enough HTTP/1.1 response parsing to know where one response ends.

The load client never looks at bodies: it needs the status code (to count errors), where the
response ends (to send the next request on the same connection) and whether the server is
closing the connection. Parsing more would put the client's own cost into the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

_HEADER_END = b"\r\n\r\n"
_NO_BODY_STATUSES = frozenset({204, 304})


class FramingError(Exception):
    """The bytes received are not a well-formed HTTP/1.1 response."""


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """What the client keeps of one complete response."""

    status: int
    end: int
    closes: bool


def find_response(buf: bytes | bytearray) -> ResponseHead | None:
    """Return the status and end offset of the first complete response in ``buf``, or ``None``
    while more bytes are needed. A response framed only by the server closing the connection
    (no Content-Length, not chunked) is reported as a :class:`FramingError`: servers under test
    must frame their responses to be usable over keep-alive."""
    head_end = buf.find(_HEADER_END)
    if head_end < 0:
        return None
    body_start = head_end + 4
    if buf[:5] != b"HTTP/" or len(buf) < 12:
        raise FramingError(f"not an HTTP response: {bytes(buf[:40])!r}")
    try:
        status = int(buf[9:12])
    except ValueError:
        raise FramingError(f"bad status line: {bytes(buf[:40])!r}") from None
    head = bytes(buf[:head_end]).lower()
    closes = _has_token(head, b"connection", b"close") or buf[5:8] == b"1.0"
    if status < 200 or status in _NO_BODY_STATUSES:
        return ResponseHead(status, body_start, closes)
    if _has_token(head, b"transfer-encoding", b"chunked"):
        end = _chunked_end(buf, body_start)
        return None if end is None else ResponseHead(status, end, closes)
    length = _header_value(head, b"content-length")
    if length is None:
        raise FramingError("response has neither Content-Length nor chunked encoding")
    try:
        end = body_start + int(length)
    except ValueError:
        raise FramingError(f"bad Content-Length: {length!r}") from None
    return ResponseHead(status, end, closes) if len(buf) >= end else None


def _header_value(head: bytes, name: bytes) -> bytes | None:
    """First value of header ``name`` in a lower-cased response head."""
    marker = b"\r\n" + name + b":"
    start = head.find(marker)
    if start < 0:
        return None
    start += len(marker)
    stop = head.find(b"\r\n", start)
    return head[start : stop if stop >= 0 else len(head)].strip()


def _has_token(head: bytes, name: bytes, token: bytes) -> bool:
    value = _header_value(head, name)
    return value is not None and token in (part.strip() for part in value.split(b","))


def _chunked_end(buf: bytes | bytearray, pos: int) -> int | None:
    """Offset just past the last chunk and its (possibly empty) trailer section."""
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size_field = bytes(buf[pos:line_end]).split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise FramingError(f"bad chunk size: {size_field!r}") from None
        if size == 0:
            trailer_end = buf.find(b"\r\n", line_end + 2)
            # Trailers, if any, end with an empty line; without trailers the next line is empty.
            if trailer_end < 0:
                return None
            if trailer_end == line_end + 2:
                return trailer_end + 2
            end = buf.find(_HEADER_END, line_end + 2)
            return None if end < 0 else end + 4
        pos = line_end + 2 + size + 2
        if len(buf) < pos:
            return None
