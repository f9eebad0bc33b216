"""The Lambda Runtime API (``/2018-06-01/runtime/...``) as Skybus serves it to one worker.

Every worker gets a listening socket of its own on 127.0.0.1 (an ephemeral port), so the only
invocation a worker can fetch or answer is its own: no request id from one worker can complete
another's call. A path prefix per worker on one shared port would not do: awslambdaric posts
``/init/error`` with ``http.client``, which takes ``AWS_LAMBDA_RUNTIME_API`` as ``host:port`` and
nothing else.

HTTP is parsed with httptools on a plain asyncio protocol: the runtime clients speak simple
HTTP/1.1 with keep-alive (libcurl in awslambdaric's C extension, ``http.client`` for init
errors), and this path is on every warm invoke, so it stays small.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol, cast

import httptools
import orjson

from skybus import limits

PREFIX = "/2018-06-01/runtime/"
NEXT_PATH = PREFIX + "invocation/next"
INVOCATION_PREFIX = PREFIX + "invocation/"
INIT_ERROR_PATH = PREFIX + "init/error"
ERROR_TYPE_HEADER = "lambda-runtime-function-error-type"

_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}
ACCEPTED = (202, b'{"status":"OK"}')


def error_reply(status: int, error_type: str, message: str) -> tuple[int, bytes]:
    """A Runtime API error body, shaped as the Lambda service shapes them."""
    return status, orjson.dumps({"errorMessage": message, "errorType": error_type})


@dataclass(frozen=True, slots=True)
class Event:
    """One invocation as ``GET /invocation/next`` hands it to the runtime client."""

    request_id: str
    payload: bytes
    deadline_ms: int
    invoked_arn: str
    trace_id: str
    client_context: str | None = None
    cognito_identity: str | None = None

    def response_head(self) -> bytes:
        lines = [
            "HTTP/1.1 200 OK",
            "Content-Type: application/json",
            f"Lambda-Runtime-Aws-Request-Id: {self.request_id}",
            f"Lambda-Runtime-Deadline-Ms: {self.deadline_ms}",
            f"Lambda-Runtime-Invoked-Function-Arn: {self.invoked_arn}",
            f"Lambda-Runtime-Trace-Id: {self.trace_id}",
        ]
        if self.client_context is not None:
            lines.append(f"Lambda-Runtime-Client-Context: {_one_line(self.client_context)}")
        if self.cognito_identity is not None:
            lines.append(f"Lambda-Runtime-Cognito-Identity: {_one_line(self.cognito_identity)}")
        lines.append(f"Content-Length: {len(self.payload)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


class ClientConnection(Protocol):
    """A runtime client's connection; while it waits in ``GET /invocation/next`` (parked),
    :meth:`deliver` answers that request once, when there is an event."""

    def deliver(self, event: Event) -> None: ...

    def close(self) -> None: ...


class RuntimeHandler(Protocol):
    """What the worker decides; the server only frames HTTP."""

    def on_next(self, request: ClientConnection) -> None: ...

    def on_response(self, request_id: str, body: bytes, size: int) -> tuple[int, bytes]: ...

    def on_error(
        self, request_id: str, body: bytes, size: int, error_type: str | None
    ) -> tuple[int, bytes]: ...

    def on_init_error(self, body: bytes, error_type: str | None) -> tuple[int, bytes]: ...

    def on_connect(self, connection: ClientConnection) -> None: ...

    def on_disconnect(self, connection: ClientConnection) -> None: ...


class RuntimeConnection(asyncio.Protocol):
    """One TCP connection from a worker's runtime client."""

    def __init__(self, handler: RuntimeHandler) -> None:
        self._handler = handler
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._size = 0
        self._parked = False

    # --- asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast(asyncio.Transport, transport)
        self._handler.on_connect(self)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self._send(*error_reply(400, "InvalidRequest", "Malformed HTTP request"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._parked = False
        self._handler.on_disconnect(self)

    # --- httptools callbacks ----------------------------------------------------------------
    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = {}
        self._body = []
        self._size = 0

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._size += len(body)
        if self._size <= limits.LAMBDA_MAX_RESPONSE_BYTES:
            self._body.append(body)

    def on_message_complete(self) -> None:
        method = self._parser.get_method()
        path = self._url.decode("latin-1").split("?", 1)[0]
        body = b"".join(self._body) if self._size <= limits.LAMBDA_MAX_RESPONSE_BYTES else b""
        self._body = []
        if method == b"GET" and path == NEXT_PATH:
            self._parked = True
            self._handler.on_next(self)
            return
        if method != b"POST":
            self._send(*error_reply(405, "MethodNotAllowed", "Method not allowed"))
            return
        error_type = self._headers.get(ERROR_TYPE_HEADER)
        if path == INIT_ERROR_PATH:
            self._send(*self._handler.on_init_error(body, error_type))
            return
        if path.startswith(INVOCATION_PREFIX):
            request_id, _, action = path[len(INVOCATION_PREFIX) :].partition("/")
            if action == "response":
                self._send(*self._handler.on_response(request_id, body, self._size))
                return
            if action == "error":
                self._send(*self._handler.on_error(request_id, body, self._size, error_type))
                return
        self._send(*error_reply(404, "NotFound", f"No such endpoint: {path}"))

    # --- ClientConnection ------------------------------------------------------------------------
    def deliver(self, event: Event) -> None:
        self._parked = False
        if self._transport is not None:
            self._transport.write(event.response_head() + event.payload)

    # --- helpers ----------------------------------------------------------------------------
    def _send(self, status: int, body: bytes) -> None:
        if self._transport is None:
            return
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        )
        if not self._parser.should_keep_alive():
            head += "Connection: close\r\n"
        self._transport.write(head.encode("ascii") + b"\r\n" + body)
        if not self._parser.should_keep_alive():
            self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
