"""Signals between nodes that share one PostgreSQL, over LISTEN/NOTIFY.

Each node keeps one dedicated connection that listens on a channel named after the store's schema
(nodes of one deployment share it; separate schemas stay apart) and sends the names of the
channels it notified, batched per event-loop turn. Payloads stay in the store; a notification
only says "look again". A node ignores its own notifications: it has woken its waiters already.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg

log = logging.getLogger("skybus.bus")

#: PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_PAYLOAD = 7900
#: Pause before reconnecting after the listening connection is lost.
RECONNECT_SECONDS = 1.0


class PostgresRelay:
    def __init__(self, dsn: str, schema: str, node_id: str) -> None:
        self.dsn = dsn
        self.channel = f"skybus_{schema}"[:63]
        self.node_id = node_id
        self._deliver: Callable[[str], None] = lambda _channel: None
        self._conn: Any = None
        self._pending: set[str] = set()
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self, deliver: Callable[[str], None]) -> None:
        self._deliver = deliver
        await self._connect()
        self._sender = asyncio.create_task(self._send_loop(), name="skybus-bus-relay")

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        await conn.add_listener(self.channel, self._received)
        self._conn = conn

    def _received(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        origin, _, names = payload.partition(" ")
        if origin == self.node_id:
            return
        for name in names.split("\n"):
            if name:
                self._deliver(name)

    def send(self, channel: str) -> None:
        self._pending.add(channel)
        self._wake.set()

    async def _send_loop(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, set()
            try:
                for payload in self._payloads(batch):
                    await self._conn.execute("SELECT pg_notify($1, $2)", self.channel, payload)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                if self._stopping:
                    return
                log.warning("lost the bus connection to PostgreSQL (%s); reconnecting", exc)
                self._pending |= batch
                await self._reconnect()

    async def _reconnect(self) -> None:
        with contextlib.suppress(Exception):
            await self._conn.close()
        while not self._stopping:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                await self._connect()
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("bus reconnect failed: %s", exc)
                continue
            # Waiters may have missed signals while the connection was down: wake them all.
            self._deliver("*")
            self._wake.set()
            return

    def _payloads(self, channels: set[str]) -> list[str]:
        payloads: list[str] = []
        current = self.node_id
        for name in sorted(channels):
            if len(current) + 1 + len(name.encode()) > MAX_PAYLOAD:
                payloads.append(current)
                current = self.node_id
            current += ("\n" if current != self.node_id else " ") + name
        if current != self.node_id:
            payloads.append(current)
        return payloads

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
