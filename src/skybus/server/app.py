"""The ASGI application: Skybus's own endpoints under ``/_skybus/`` and the AWS pipeline for
everything else. Node start-up and shutdown ride on ASGI lifespan events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from skybus import limits
from skybus.node import Node
from skybus.server import pipeline
from skybus.wire.http import Headers, HttpRequest, HttpResponse

log = logging.getLogger("skybus.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SkybusApp:
    def __init__(self, node: Node) -> None:
        self.node = node

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            # WebSocket APIs are served by the API Gateway engine; until one is deployed at this
            # path, refuse the handshake (HTTP 403, as API Gateway does for an unknown stage).
            await send({"type": "websocket.close", "code": 1008})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.node.start()
                except Exception as exc:
                    log.exception("Skybus failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.node.stop()
                except Exception as exc:
                    log.exception("Skybus failed to stop cleanly")
                    await send({"type": "lifespan.shutdown.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        path = path.split("?", 1)[0]
        if path.startswith("/_skybus/"):
            await _send(send, self._own_endpoint(scope["method"], path))
            return
        body, truncated = await _read_body(receive, limits.MAX_LAMBDA_REQUEST_BODY)
        headers = Headers.from_asgi(scope["headers"])
        if scope["method"] == "GET" and path == "/" and not scope.get("query_string"):
            # DynamoDB's health check, which its clients and load balancers probe.
            host = headers.get("host") or _server_host(scope)
            await _send(
                send,
                HttpResponse(200, [("Content-Type", "text/plain")], b"healthy: " + host.encode()),
            )
            return
        request = HttpRequest(
            method=scope["method"],
            path=path or "/",
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            host=headers.get("host") or _server_host(scope),
            scheme=scope.get("scheme", "http"),
        )
        route = self.node.services.route(request.method, request.path)
        if route is not None and not truncated:
            try:
                response = await route(request)
            except Exception:
                log.exception("%s %s failed", request.method, request.path)
                response = _json(500, {"message": "Internal server error"})
        else:
            response = await pipeline.handle(self.node, request, body_truncated=truncated)
        await _send(send, response)

    def _own_endpoint(self, method: str, path: str) -> HttpResponse:
        if method != "GET":
            return _json(405, {"message": f"{method} is not allowed on {path}"})
        if path == "/_skybus/health":
            store = self.node.store.backend if self.node.started_at is not None else None
            return _json(
                200,
                {
                    "status": "ok",
                    "version": self.node.version,
                    "node": self.node.node_id,
                    "store": store,
                    "uptime_seconds": round(self.node.uptime(), 3),
                },
            )
        if path == "/_skybus/metrics":
            return _json(200, self.node.metrics.snapshot())
        if path == "/_skybus/services":
            return _json(200, self.node.services.implemented())
        return _json(404, {"message": f"No Skybus endpoint at {path}"})


def _json(status: int, payload: object) -> HttpResponse:
    return HttpResponse(
        status=status, headers=[("Content-Type", "application/json")], body=orjson.dumps(payload)
    )


def _server_host(scope: Scope) -> str:
    server = scope.get("server")
    if server:
        host, port = server
        return f"{host}:{port}"
    return "localhost"


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """Read the request body, keeping at most ``limit`` bytes; report whether it was cut."""
    chunks: list[bytes] = []
    size = 0
    truncated = False
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk: bytes = message.get("body", b"")
        if chunk and not truncated:
            size += len(chunk)
            if size > limit:
                truncated = True
                chunks.clear()
            else:
                chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return body, truncated


async def _send(send: Send, response: HttpResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("utf-8")) for k, v in response.headers]
    if response.header("content-length") is None:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
