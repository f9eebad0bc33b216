"""The benchmark harness's own pieces: framing, percentiles, the load client, the report."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bench.framing import FramingError, find_response
from bench.load import run_load
from bench.report import format_table
from bench.scenario import builder, scenario_names
from bench.signing import Signer
from bench.stats import Measurement, percentile
from bench.systems import SYSTEMS, RunningSystem, probe

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
FAIL = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!"


# --- framing -------------------------------------------------------------------------------


def test_content_length_response_ends_after_its_body() -> None:
    head = find_response(OK + b"HTTP/1.1")
    assert head is not None
    assert (head.status, head.end, head.closes) == (200, len(OK), False)


def test_incomplete_responses_need_more_bytes() -> None:
    assert find_response(b"HTTP/1.1 200 OK\r\nContent-Len") is None
    assert find_response(OK[:-1]) is None


def test_chunked_response_with_and_without_trailers() -> None:
    plain = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert find_response(plain[:-2]) is None
    head = find_response(plain + b"next")
    assert head is not None
    assert head.end == len(plain)
    trailed = (
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;x=y\r\nz\r\n0\r\nT: v\r\n\r\n"
    )
    head = find_response(trailed)
    assert head is not None
    assert head.end == len(trailed)


def test_no_body_statuses_and_closing_connections() -> None:
    raw = b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
    head = find_response(raw + b"X")
    assert head is not None
    assert (head.status, head.end, head.closes) == (204, len(raw), True)
    old = find_response(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert old is not None
    assert old.closes


def test_unframed_or_garbage_responses_are_errors() -> None:
    with pytest.raises(FramingError):
        find_response(b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody")
    with pytest.raises(FramingError):
        find_response(b"SSH-2.0-OpenSSH\r\n\r\n")


# --- percentiles ---------------------------------------------------------------------------


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4], 0) == 1
    assert percentile([1, 2, 3, 4], 100) == 4
    values = list(range(1, 101))
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1], 101)


# --- load client against a tiny local server -----------------------------------------------

Responder = Callable[[int], bytes]
StartServer = Callable[[Responder], Awaitable[tuple[int, list[bytes]]]]


class _Counting(asyncio.Protocol):
    """Answers each request (headers plus Content-Length body) with ``respond(n)``."""

    def __init__(self, seen: list[bytes], respond: Responder) -> None:
        self.seen = seen
        self.respond = respond
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            head = self.buf[:end].lower()
            length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
            total = end + 4 + length
            if len(self.buf) < total:
                return
            self.seen.append(self.buf[:total])
            self.buf = self.buf[total:]
            reply = self.respond(len(self.seen))
            assert self.transport is not None
            self.transport.write(reply)
            if b"connection: close" in reply.lower():
                self.transport.close()
                return


@pytest.fixture
async def server_factory() -> AsyncIterator[StartServer]:
    servers: list[asyncio.Server] = []

    async def start(respond: Responder) -> tuple[int, list[bytes]]:
        seen: list[bytes] = []
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Counting(seen, respond), "127.0.0.1", 0)
        servers.append(server)
        port: int = server.sockets[0].getsockname()[1]
        return port, seen

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


REQUEST = b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}"


async def test_client_sends_exactly_the_requested_number(
    server_factory: StartServer,
) -> None:
    port, seen = await server_factory(lambda n: OK)
    result = await run_load("127.0.0.1", port, REQUEST, concurrency=4, requests=50)
    assert result.requests == 50
    assert result.errors == 0
    assert len(seen) == 50
    assert all(request == REQUEST for request in seen)
    assert len(result.latencies_ns) == 50
    assert min(result.latencies_ns) > 0
    assert result.elapsed_s > 0


async def test_client_counts_error_statuses(server_factory: StartServer) -> None:
    port, _ = await server_factory(lambda n: FAIL if n % 2 else OK)
    result = await run_load("127.0.0.1", port, REQUEST, concurrency=1, requests=10)
    assert (result.requests, result.errors) == (10, 5)
    assert len(result.latencies_ns) == 5
    assert result.first_error is not None
    assert "500" in result.first_error


async def test_client_reconnects_when_the_server_closes(
    server_factory: StartServer,
) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
    port, seen = await server_factory(lambda n: closing)
    result = await run_load("127.0.0.1", port, REQUEST, concurrency=3, requests=12)
    assert (result.requests, result.errors) == (12, 0)
    assert len(seen) == 12


async def test_client_runs_for_a_duration(server_factory: StartServer) -> None:
    port, seen = await server_factory(lambda n: OK)
    result = await run_load("127.0.0.1", port, REQUEST, concurrency=2, duration_s=0.2)
    assert result.requests == len(seen) > 0
    assert result.elapsed_s >= 0.2


# --- scenarios, signing, report ------------------------------------------------------------


def test_pipeline_scenario_is_registered_and_signed() -> None:
    assert "pipeline" in scenario_names()
    scenario = builder("pipeline")(Signer())
    assert [op.name for op in scenario.operations] == ["DescribeLimits", "GetCallerIdentity"]
    request = scenario.operations[0].request
    head, body = request.split(b"\r\n\r\n", 1)
    assert body == b"{}"
    assert head.startswith(b"POST / HTTP/1.1\r\n")
    assert b"\r\nX-Amz-Target: DynamoDB_20120810.DescribeLimits" in head
    assert b"/us-east-1/dynamodb/aws4_request" in head
    assert b"Credential=bench/" in head
    assert not scenario.expires_within(60)
    assert scenario.expires_within(15 * 60)
    with pytest.raises(KeyError):
        builder("no-such-scenario")


def test_report_ratios_compare_against_each_comparison_system() -> None:
    rows = [
        Measurement("skybus", "Op", 600, 0, 1.0, 1.0, 2.0),
        Measurement("moto", "Op", 100, 0, 1.0, 10.0, 20.0),
        Measurement("bare", "Op", 1000, 0, 1.0, 0.5, 1.0),
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == [
        "operation", "system", "requests", "errors", "ops/s", "p50", "ms", "p99", "ms",
        "vs", "moto", "vs", "bare",
    ]  # fmt: skip
    skybus = lines[2].split()
    assert skybus[:2] == ["Op", "skybus"]
    assert skybus[-2:] == ["6.00x", "0.60x"]
    assert lines[3].split()[-2:] == ["1.00x", "0.10x"]


# --- a real system process -----------------------------------------------------------------


async def test_bare_system_starts_answers_and_stops(tmp_path: Path) -> None:
    system = RunningSystem(SYSTEMS["bare"], tmp_path)
    try:
        await system.wait_ready(timeout_s=30)
        assert await probe(system.host, system.port, "/anything") == 200
        result = await run_load(system.host, system.port, REQUEST, concurrency=2, requests=20)
        assert (result.requests, result.errors) == (20, 0)
    finally:
        outcome = await system.stop()
    assert outcome.startswith("stopped")
    assert system.process.returncode is not None
