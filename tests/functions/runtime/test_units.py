"""Pure pieces of the runtime: exit wording, concurrency counting, output splitting, the
Runtime API's framing."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from skybus.engines.functions.runtime import ACCOUNT_LIMIT, RESERVED_LIMIT, Throttled
from skybus.engines.functions.runtime.concurrency import Concurrency
from skybus.engines.functions.runtime.engine import _client_context
from skybus.engines.functions.runtime.failures import exit_message, exit_reason
from skybus.engines.functions.runtime.lambda_logs import billed_ms, iso_ms, stream_name
from skybus.engines.functions.runtime.output import Output
from skybus.engines.functions.runtime.runtime_api import ClientConnection, Event, RuntimeConnection
from tests.functions.runtime.conftest import Functions


def test_exit_reasons_are_worded_as_lambda_words_them() -> None:
    assert exit_reason(1) == "exit status 1"
    assert exit_reason(-signal.SIGKILL) == "signal: killed"
    assert exit_reason(-signal.SIGSEGV) == "signal: segmentation fault"
    assert exit_reason(-signal.SIGABRT) == "signal: aborted"
    assert exit_message("id", 0) == "RequestId: id Error: Runtime exited without providing a reason"


def test_billing_and_timestamps() -> None:
    assert billed_ms(0.2) == 1
    assert billed_ms(3.01) == 4
    assert iso_ms(1605000000.8745) == "2020-11-10T09:20:00.874Z"
    name = stream_name("7", 1605000000)
    assert name.startswith("2020/11/10/[7]")
    assert len(name) == len("2020/11/10/[7]") + 32


def test_client_context_is_decoded_from_base64() -> None:
    assert _client_context(None) is None
    assert _client_context('{"a": 1}') == '{"a": 1}'
    assert _client_context("eyJhIjogMX0=") == '{"a": 1}'


def test_concurrency_counts_per_function_and_account(functions: Functions) -> None:
    counts = Concurrency(account_limit=3)
    reserved = functions.spec("", reserved_concurrency=2)
    free = functions.spec("")
    counts.enter(reserved)
    counts.enter(reserved)
    with pytest.raises(Throttled) as caught:
        counts.enter(reserved)
    assert caught.value.reason == RESERVED_LIMIT
    counts.enter(free)  # the account has 3 - 2 reserved = 1 unreserved left
    with pytest.raises(Throttled) as caught:
        counts.enter(free)
    assert caught.value.reason == ACCOUNT_LIMIT
    counts.leave(free)
    counts.leave(reserved)
    counts.enter(free)
    counts.enter(reserved)
    assert counts.running(reserved.account, reserved.region, reserved.name) == 2


async def test_output_is_cut_into_lines_with_their_newlines() -> None:
    read_fd, write_fd = os.pipe()
    lines: list[str] = []
    output = Output(read_fd, lambda: 1.5, lambda ts, message: lines.append(f"{ts}:{message}"))
    os.write(write_fd, b"one\ntwo\r\nthree parts\rstill three\npartial")
    output.drain()
    assert lines == ["1500:one\n", "1500:two\r\n", "1500:three parts\rstill three\n"]
    output.flush()
    assert lines[-1] == "1500:partial"
    os.write(write_fd, "caf\u00e9\n".encode())
    os.close(write_fd)
    output.drain()
    assert lines[-1] == "1500:caf\u00e9\n"
    assert not output.open


class _Handler:
    def __init__(self) -> None:
        self.parked: list[ClientConnection] = []
        self.asked = asyncio.Event()
        self.responses: list[tuple[str, bytes, int]] = []

    def on_next(self, request: ClientConnection) -> None:
        self.parked.append(request)
        self.asked.set()

    def on_response(self, request_id: str, body: bytes, size: int) -> tuple[int, bytes]:
        self.responses.append((request_id, body, size))
        return 202, b'{"status":"OK"}'

    def on_error(
        self, request_id: str, body: bytes, size: int, error_type: str | None
    ) -> tuple[int, bytes]:
        return 202, b""

    def on_init_error(self, body: bytes, error_type: str | None) -> tuple[int, bytes]:
        return 202, b""

    def on_connect(self, connection: ClientConnection) -> None:
        pass

    def on_disconnect(self, connection: ClientConnection) -> None:
        if connection in self.parked:
            self.parked.remove(connection)


async def test_runtime_api_framing_over_a_real_socket() -> None:
    handler = _Handler()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: RuntimeConnection(handler), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    await asyncio.wait_for(handler.asked.wait(), 5)
    event = Event("id-1", b'{"k": 1}', 123, "arn:fn", "Root=1-2-3", client_context='{"c":\n1}')
    handler.parked[0].deliver(event)
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Lambda-Runtime-Aws-Request-Id: id-1\r\n" in head
    assert b"Lambda-Runtime-Deadline-Ms: 123\r\n" in head
    assert b"Lambda-Runtime-Invoked-Function-Arn: arn:fn\r\n" in head
    assert b"Lambda-Runtime-Trace-Id: Root=1-2-3\r\n" in head
    assert b'Lambda-Runtime-Client-Context: {"c": 1}\r\n' in head
    assert await reader.readexactly(8) == b'{"k": 1}'
    body = b'"done"'
    writer.write(
        b"POST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n6\r\n" + body + b"\r\n0\r\n\r\n"
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 202 Accepted\r\n")
    assert await reader.readexactly(15) == b'{"status":"OK"}'
    assert handler.responses == [("id-1", body, len(body))]
    writer.write(b"POST /elsewhere HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 Not Found")
    writer.close()
    server.close()
    await server.wait_closed()
