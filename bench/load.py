"""A minimal closed-loop HTTP/1.1 load client.

Each connection is one coroutine that writes the same pre-encoded request bytes, waits for the
whole response, records the latency and sends again: ``concurrency`` requests are in flight at
any moment. Requests are never built, responses never decoded beyond their framing, and
latencies go into one preallocated integer array, so that the client spends as little of the
shared CPU as a Python client can.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from array import array
from dataclasses import dataclass, field
from typing import cast

from bench.framing import FramingError, ResponseHead, find_response

# Generous per-run allowance for responses still in flight when the duration ends; a server
# that stops answering must not hang the whole benchmark.
_GRACE_S = 10.0
# Upper bound for the latency array's initial size when only a duration is known.
_EXPECTED_RATE = 100_000


class _ResponseReader(asyncio.Protocol):
    """Collects bytes and resolves the pending waiter once a full response has arrived."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[ResponseHead] | None = None
        self.lost = False
        self.last_error = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement the interface without subclassing asyncio.Transport.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        try:
            head = find_response(self.buf)
        except FramingError as exc:
            self.waiter = None
            waiter.set_exception(exc)
            return
        if head is not None:
            if head.status >= 400:
                self.last_error = bytes(self.buf[: min(head.end, 300)])
            del self.buf[: head.end]
            self.waiter = None
            waiter.set_result(head)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            self.waiter = None
            waiter.set_exception(ConnectionError(f"connection closed mid-response: {exc}"))

    def send(self, request: bytes) -> asyncio.Future[ResponseHead]:
        assert self.transport is not None
        waiter = self.loop.create_future()
        self.waiter = waiter
        self.transport.write(request)
        return waiter

    def close(self) -> None:
        if self.transport is not None and not self.lost:
            self.transport.close()


@dataclass(slots=True)
class LoadResult:
    """Outcome of one run. ``requests`` counts every finished attempt, ``errors`` the ones that
    failed (status >= 400 or a transport failure); latencies are of successful responses."""

    requests: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    latencies_ns: array[int] = field(default_factory=lambda: array("q"))
    first_error: str | None = None


class _Run:
    """State shared by every connection coroutine of one run (one thread, so no locks)."""

    def __init__(self, host: str, port: int, request: bytes, requests: int | None) -> None:
        self.host = host
        self.port = port
        self.request = request
        self.remaining = requests
        self.deadline_ns = 0
        self.stopping = False
        self.result = LoadResult()
        capacity = requests if requests is not None else 0
        self.samples: array[int] = array("q", bytes(8 * capacity))
        self.count = 0
        self.connected = 0
        self.all_connected = asyncio.Event()

    def reserve(self, capacity: int) -> None:
        if len(self.samples) < capacity:
            self.samples.extend(bytes(8 * (capacity - len(self.samples))))

    def claim(self) -> bool:
        """Whether this connection may start another request."""
        if self.stopping:
            return False
        if self.remaining is not None:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True
        return time.perf_counter_ns() < self.deadline_ns

    def record(self, latency_ns: int) -> None:
        if self.count == len(self.samples):
            self.samples.extend(bytes(8 * max(1024, self.count)))
        self.samples[self.count] = latency_ns
        self.count += 1

    def fail(self, reason: str) -> None:
        self.result.errors += 1
        if self.result.first_error is None:
            self.result.first_error = reason


async def _connect(run: _Run) -> _ResponseReader:
    loop = asyncio.get_running_loop()
    _, reader = await loop.create_connection(lambda: _ResponseReader(loop), run.host, run.port)
    return reader


async def _connection(run: _Run, concurrency: int, started: asyncio.Event) -> None:
    """One keep-alive connection sending requests back to back until the run ends."""
    reader: _ResponseReader | None
    try:
        reader = await _connect(run)
    except OSError:
        reader = None  # retried (and counted) inside the timed loop
    run.connected += 1
    if run.connected == concurrency:
        run.all_connected.set()
    await started.wait()
    perf = time.perf_counter_ns
    try:
        while run.claim():
            begin = perf()
            try:
                if reader is None or reader.lost:
                    reader = await _connect(run)
                head = await reader.send(run.request)
            except (OSError, FramingError) as exc:
                run.result.requests += 1
                run.fail(f"{type(exc).__name__}: {exc}")
                if reader is not None:
                    reader.close()
                reader = None
                await asyncio.sleep(0.01)  # do not spin on a refusing server
                continue
            latency = perf() - begin
            run.result.requests += 1
            if head.status >= 400:
                run.fail(reader.last_error.decode("latin-1"))
            else:
                run.record(latency)
            if head.closes:
                reader.close()
                reader = None
    finally:
        if reader is not None:
            reader.close()


async def run_load(
    host: str,
    port: int,
    request: bytes,
    *,
    concurrency: int,
    duration_s: float = 5.0,
    requests: int | None = None,
) -> LoadResult:
    """Drive ``host:port`` with ``request`` on ``concurrency`` keep-alive connections, for
    ``requests`` requests in total when given, otherwise for ``duration_s`` seconds."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    run = _Run(host, port, request, requests)
    if requests is None:
        run.reserve(int(duration_s * _EXPECTED_RATE) + concurrency)
    started = asyncio.Event()
    tasks = [
        asyncio.create_task(_connection(run, concurrency, started)) for _ in range(concurrency)
    ]
    # Every connection finishes its handshake before the clock starts.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(run.all_connected.wait(), timeout=_GRACE_S)
    begin = time.perf_counter_ns()
    run.deadline_ns = begin + int(duration_s * 1e9)
    started.set()
    limit = None if requests is not None else duration_s + _GRACE_S
    done, pending = await asyncio.wait(tasks, timeout=limit)
    if pending:
        run.stopping = True
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for _ in pending:
            run.fail("response not received before the run's grace period ended")
    for task in done:
        if not task.cancelled() and (exc := task.exception()) is not None:
            raise exc
    run.result.elapsed_s = (time.perf_counter_ns() - begin) / 1e9
    run.result.latencies_ns = run.samples[: run.count]
    return run.result
