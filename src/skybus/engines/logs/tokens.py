"""Pagination tokens. Each carries a position in key order, never a page number, so a page
boundary stays put while events are added or removed around it.

GetLogEvents tokens look like AWS's (``f/<56 digits>/s`` forward, ``b/...`` backward); the digits
are a boundary between events: a timestamp and an ingestion sequence number. Forward reads events
at or after it, backward reads events before it. Other tokens are opaque base64 of the last item
returned.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

from skybus.engines.logs.errors import invalid_token
from skybus.engines.logs.records import MAX_TS, EventKey

_STREAM_TOKEN = re.compile(r"([fb])/(\d{56})/s")
_SEQ_SPACE = 2**64


@dataclass(frozen=True, slots=True)
class StreamToken:
    forward: bool
    boundary: EventKey

    def text(self) -> str:
        number = self.boundary.ts * _SEQ_SPACE + self.boundary.seq
        return f"{'f' if self.forward else 'b'}/{number:056d}/s"

    @classmethod
    def parse(cls, text: str) -> StreamToken:
        match = _STREAM_TOKEN.fullmatch(text)
        if match is None:
            raise invalid_token()
        ts, seq = divmod(int(match[2]), _SEQ_SPACE)
        if ts > MAX_TS:
            raise invalid_token()
        return cls(match[1] == "f", EventKey(ts, seq))


def encode_cursor(*parts: str | int) -> str:
    """An opaque token for the position after ``parts`` (strings and non-negative ints)."""
    chunks: list[bytes] = []
    for part in parts:
        if isinstance(part, int):
            chunks.append(b"i" + struct.pack(">Q", part))
        else:
            data = part.encode()
            chunks.append(b"s" + struct.pack(">I", len(data)) + data)
    return base64.urlsafe_b64encode(b"".join(chunks)).decode().rstrip("=")


def decode_cursor(token: str, shape: str) -> list[str | int]:
    """The parts of a token made by :func:`encode_cursor`; ``shape`` spells their kinds
    (``"si"``: a string then an int). Anything else is AWS's invalid-token error."""
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise invalid_token() from None
    parts: list[str | int] = []
    at = 0
    try:
        for kind in shape:
            if data[at : at + 1] != kind.encode():
                raise invalid_token()
            at += 1
            if kind == "i":
                (number,) = struct.unpack_from(">Q", data, at)
                parts.append(number)
                at += 8
            else:
                (size,) = struct.unpack_from(">I", data, at)
                at += 4
                if at + size > len(data):
                    raise invalid_token()
                parts.append(data[at : at + size].decode())
                at += size
    except (struct.error, UnicodeDecodeError):
        raise invalid_token() from None
    if at != len(data):
        raise invalid_token()
    return parts
