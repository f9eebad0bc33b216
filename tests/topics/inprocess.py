"""A Skybus node in the test's own event loop, with a clock the test moves, and an HTTP
endpoint in the same loop that records when (by that clock) each message arrived.

With the node's clock under the test's control, the outbox's due times are exact: a retry due
20 s after an attempt is claimable when the clock reads 20 s later and not a millisecond before.
The test moves the clock and pokes the delivery workers, instead of waiting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skybus.config import Settings
from skybus.engines.topics import Caller, TopicsEngine
from skybus.node import Node

ACCOUNT = "000000000000"
REGION = "us-east-1"


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Arrival:
    at: float
    kind: str
    body: dict[str, Any]


@dataclass
class Endpoint:
    """An HTTP endpoint in the node's loop; ``status`` decides every answer."""

    clock: FakeClock
    status: Callable[[Arrival], int] = lambda arrival: 200
    arrivals: list[Arrival] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/in"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = dict(
                    line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if ": " in line
                )
                lowered = {k.lower(): v for k, v in headers.items()}
                body = await reader.readexactly(int(lowered.get("content-length", "0")))
                arrival = Arrival(
                    self.clock(), lowered.get("x-amz-sns-message-type", ""), json.loads(body)
                )
                self.arrivals.append(arrival)
                self._changed.set()
                status = self.status(arrival)
                writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    def of_kind(self, kind: str) -> list[Arrival]:
        return [a for a in self.arrivals if a.kind == kind]

    async def wait_for(self, count: int, kind: str = "Notification", within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while len(self.of_kind(kind)) < count:
                self._changed.clear()
                await self._changed.wait()


@asynccontextmanager
async def node_with_clock(data_dir: Path) -> AsyncIterator[tuple[Node, TopicsEngine, FakeClock]]:
    clock = FakeClock()
    node = Node(Settings(data_dir=data_dir), clock=clock)
    engine = node.engine(TopicsEngine)
    await node.start()
    try:
        yield node, engine, clock
    finally:
        await node.stop()


CALLER = Caller(ACCOUNT, REGION, "http://127.0.0.1:9", True)


async def quiet(engine: TopicsEngine, seconds: float = 0.15) -> None:
    """Give the workers a moment (real time) to act on what is due, then wait until what they
    did is written (so the next clock move comes after it)."""
    engine.workers.poke()
    await asyncio.sleep(seconds)
    await settled(engine)


async def settled(engine: TopicsEngine) -> None:
    """Wait until no delivery is in hand and every outcome is written to the store."""
    async with asyncio.timeout(5):
        while engine.workers.held or not engine.settler.idle:  # noqa: ASYNC110 (no event for it)
            await asyncio.sleep(0.005)
