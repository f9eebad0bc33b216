"""The load client's own ceiling: a raw asyncio server that answers with fixed bytes.

No ASGI, no HTTP library, no allocation per request beyond what the event loop does: the rate
the client reaches against it is the most the client can measure on this machine, so any
system close to that figure is limited by the client rather than by itself.

Run: ``python -m bench.canned --host 127.0.0.1 --port 8000``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import cast

_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}"
)


class CannedResponder(asyncio.Protocol):
    """Answers each complete request (headers plus Content-Length body) with ``_RESPONSE``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement the interface without subclassing asyncio.Transport.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        answers = 0
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end < 0:
                break
            end = head_end + 4 + _content_length(bytes(self.buf[:head_end]))
            if len(self.buf) < end:
                break
            del self.buf[:end]
            answers += 1
        if answers and self.transport is not None:
            self.transport.write(_RESPONSE * answers)


def _content_length(head: bytes) -> int:
    marker = b"\r\ncontent-length:"
    lowered = head.lower()
    start = lowered.find(marker)
    if start < 0:
        return 0
    start += len(marker)
    stop = lowered.find(b"\r\n", start)
    return int(lowered[start : stop if stop >= 0 else len(lowered)])


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(CannedResponder, host, port)
    print(f"canned listening on http://{host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.canned", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run
    with contextlib.suppress(KeyboardInterrupt):
        runner(serve(args.host, args.port))


if __name__ == "__main__":
    main()
