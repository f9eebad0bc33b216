"""A small HTTP/1.1 client for delivering to subscribed endpoints.

Delivery needs one thing from HTTP: POST a body with some headers and learn the status code,
thousands of times a second, to endpoints that may be slow, refuse connections or never answer.
General-purpose clients spend most of a delivery's time on features SNS does not use (redirects,
cookies, response decoding), so this one keeps idle keep-alive connections per origin, writes
each request in one call, and reads responses with ``httptools`` (chunked or sized bodies are
read and dropped). Every POST runs under one deadline covering connect, send and response.

HTTPS verifies the endpoint's certificate against the system's trust store (``SSL_CERT_FILE``
and ``SSL_CERT_DIR`` are honoured), with SNI, as AWS requires a CA-signed certificate.
Credentials in the URL (``https://user:pass@host/``) are sent as Basic authentication.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import unquote, urlsplit

import httptools

from skybus import limits


class DeliveryFailed(Exception):
    """An attempt that got no HTTP status. ``kind`` is one of refused, timeout, closed, dns,
    tls, network, protocol."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    host_header: str
    authorization: str | None

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


@lru_cache(maxsize=4096)
def target(url: str) -> Target:
    """Where a subscription's endpoint URL points (raises ValueError for a bad URL)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    port = parts.port or (443 if scheme == "https" else 80)
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    default = (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    host_header = shown if default else f"{shown}:{port}"
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    authorization = None
    if parts.username is not None:
        user = unquote(parts.username)
        password = unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        authorization = f"Basic {token}"
    return Target(scheme, host, port, path, host_header, authorization)


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[int] | None = None
        self.received = False
        self.closed = False
        self.keep_alive = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement the interface without subclassing asyncio's classes.
        self.transport = cast(asyncio.WriteTransport, transport)

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(DeliveryFailed("protocol", "the endpoint switched protocols"))
        except httptools.HttpParserError as exc:
            self._fail(DeliveryFailed("protocol", f"malformed response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(DeliveryFailed("closed", "the endpoint closed the connection"))

    # httptools callbacks

    def on_headers_complete(self) -> None:
        # Read here: the parser forgets it once the message is complete.
        self.keep_alive = self.parser.should_keep_alive()

    def on_message_complete(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(self.parser.get_status_code())

    # use

    def _fail(self, error: DeliveryFailed) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.close()

    def send(self, request: bytes) -> asyncio.Future[int]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.received = False
        self.keep_alive = False
        self.transport.write(request)
        return self.waiter

    def reusable(self) -> bool:
        return not self.closed and self.keep_alive and self.waiter is None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class HttpClient:
    def __init__(self) -> None:
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._ssl: ssl.SSLContext | None = None

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def post(
        self, where: Target, headers: list[tuple[str, str]], body: bytes, deadline: float
    ) -> int:
        """POST ``body``; the response's status, or :class:`DeliveryFailed` (also when no
        answer came within ``deadline`` seconds)."""
        request = _encode(where, headers, body)
        connection: _Connection | None = None
        try:
            async with asyncio.timeout(deadline):
                connection, reused = await self._acquire(where)
                try:
                    status = await connection.send(request)
                except DeliveryFailed as exc:
                    if not (reused and exc.kind == "closed" and not connection.received):
                        raise
                    # A kept-alive connection the endpoint had closed: try once on a new one.
                    connection = await self._connect(where)
                    status = await connection.send(request)
        except TimeoutError:
            if connection is not None:
                connection.close()
            raise DeliveryFailed("timeout", f"no response within {deadline:g}s") from None
        except BaseException:
            if connection is not None:
                connection.close()
            raise
        self._release(where, connection)
        return status

    async def _acquire(self, where: Target) -> tuple[_Connection, bool]:
        idle = self._idle.get(where.origin)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection, True
        return await self._connect(where), False

    async def _connect(self, where: Target) -> _Connection:
        loop = asyncio.get_running_loop()
        context = self._context() if where.scheme == "https" else None
        try:
            _, connection = await loop.create_connection(
                _Connection,
                where.host,
                where.port,
                ssl=context,
                server_hostname=where.host if context is not None else None,
            )
        except ConnectionRefusedError as exc:
            raise DeliveryFailed("refused", str(exc) or "connection refused") from None
        except socket.gaierror as exc:
            raise DeliveryFailed("dns", f"cannot resolve {where.host}: {exc}") from None
        except ssl.SSLError as exc:
            raise DeliveryFailed("tls", str(exc)) from None
        except OSError as exc:
            raise DeliveryFailed("network", str(exc) or type(exc).__name__) from None
        return connection

    def _release(self, where: Target, connection: _Connection) -> None:
        if not connection.reusable():
            connection.close()
            return
        idle = self._idle.setdefault(where.origin, [])
        if len(idle) >= limits.SNS_HTTP_IDLE_CONNECTIONS:
            connection.close()
        else:
            idle.append(connection)

    def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                with contextlib.suppress(Exception):
                    connection.close()
        self._idle.clear()


def _encode(where: Target, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"POST {where.path} HTTP/1.1", f"Host: {where.host_header}"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    if where.authorization is not None:
        lines.append(f"Authorization: {where.authorization}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body
