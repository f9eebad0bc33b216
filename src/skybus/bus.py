"""Wake-ups between the parts of a node: "something changed on channel X".

Signals carry names, never payloads (payloads live in the store), so a missed or duplicated
signal costs at most a re-read. Waiters re-check the store after waking: a signal means "look
again", not "here is your data". This in-process bus serves one node; nodes sharing PostgreSQL
get the same interface over the database's notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol


class Relay(Protocol):
    """Carries signals to and from the other nodes that share this node's store."""

    async def start(self, deliver: Callable[[str], None]) -> None:
        """Begin listening; call ``deliver(channel)`` for each signal another node sends."""

    def send(self, channel: str) -> None:
        """Pass a signal on to the other nodes (soon, without blocking the caller)."""

    async def stop(self) -> None: ...


class Bus:
    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self._waiters: dict[str, int] = {}
        self._relay: Relay | None = None

    async def attach(self, relay: Relay) -> None:
        """Connect this node's bus to the other nodes' through ``relay``."""
        await relay.start(self._deliver)
        self._relay = relay

    async def close(self) -> None:
        relay, self._relay = self._relay, None
        if relay is not None:
            await relay.stop()

    def notify(self, channel: str) -> None:
        """Wake everyone waiting on ``channel`` now, on this node and on the others."""
        self._deliver(channel)
        if self._relay is not None:
            self._relay.send(channel)

    def _deliver(self, channel: str) -> None:
        if channel == "*":  # signals may have been lost: everyone looks again
            for each in self._events.values():
                each.set()
            return
        event = self._events.get(channel)
        if event is not None:
            event.set()

    async def wait(self, channel: str, seconds: float) -> bool:
        """Wait until ``channel`` is notified or ``seconds`` pass; True if notified."""
        if seconds <= 0:
            return False
        event = self._events.get(channel)
        if event is None or event.is_set():
            event = self._events[channel] = asyncio.Event()
        self._waiters[channel] = self._waiters.get(channel, 0) + 1
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await event.wait()
                return True
            return False
        finally:
            left = self._waiters[channel] - 1
            if left:
                self._waiters[channel] = left
            else:
                del self._waiters[channel]
                if self._events.get(channel) is event:
                    del self._events[channel]

    def waiting(self, channel: str) -> int:
        return self._waiters.get(channel, 0)
