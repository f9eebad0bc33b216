"""A worker's stdout and stderr: one pipe, read without blocking, cut into log events.

The worker writes its output (awslambdaric makes ``sys.stdout`` unbuffered) before it posts the
invocation's result, so everything the handler printed is already in the pipe when the result
arrives. :meth:`Output.drain` reads the pipe dry at that moment, which puts every line in the
invocation it belongs to, before its ``END`` line, without waiting or guessing.

Lambda makes one log event per line (awslambdaric joins a multi-line error with ``\\r`` so that
it stays one event); events keep their trailing newline, as CloudWatch shows them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from skybus import limits

_READ_SIZE = 64 * 1024
#: The longest message one log event carries; longer lines are cut into several events.
_EVENT_BYTES = limits.LOGS_MAX_EVENT_BYTES - limits.LOGS_EVENT_OVERHEAD_BYTES

LineSink = Callable[[int, str], None]


class Output:
    def __init__(self, fd: int, clock: Callable[[], float], sink: LineSink) -> None:
        self._fd: int | None = fd
        self._clock = clock
        self._sink = sink
        self._partial = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        os.set_blocking(fd, False)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._fd is not None:
            self._loop = loop
            loop.add_reader(self._fd, self.drain)

    @property
    def open(self) -> bool:
        return self._fd is not None

    def drain(self) -> None:
        """Read everything the pipe holds now; at end of file, close it."""
        while self._fd is not None:
            try:
                chunk = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.flush()
                self.close()
                return
            self._feed(chunk)

    def flush(self) -> None:
        """Emit a last line that has no newline yet (output ends with ``print(..., end="")``)."""
        if self._partial:
            self._emit(bytes(self._partial))
            self._partial.clear()

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if self._loop is not None:
            self._loop.remove_reader(fd)
        os.close(fd)

    def _feed(self, chunk: bytes) -> None:
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            if self._partial:
                self._partial += chunk[start : end + 1]
                line = bytes(self._partial)
                self._partial.clear()
            else:
                line = chunk[start : end + 1]
            self._emit(line)
            start = end + 1
        if start < len(chunk):
            self._partial += chunk[start:]
            while len(self._partial) >= _EVENT_BYTES:
                self._emit(bytes(self._partial[:_EVENT_BYTES]))
                del self._partial[:_EVENT_BYTES]

    def _emit(self, line: bytes) -> None:
        for offset in range(0, len(line), _EVENT_BYTES):
            piece = line[offset : offset + _EVENT_BYTES]
            self._sink(int(self._clock() * 1000), piece.decode("utf-8", errors="replace"))
