"""Wake-ups between the parts of a node: "something changed on channel X".

Signals carry names, never payloads (payloads live in the store), so a missed or duplicated
signal costs at most a re-read. Waiters re-check the store after waking: a signal means "look
again", not "here is your data". This in-process bus serves one node; nodes sharing PostgreSQL
get the same interface over the database's notifications.
"""

from __future__ import annotations

import asyncio
import contextlib


class Bus:
    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self._waiters: dict[str, int] = {}

    def notify(self, channel: str) -> None:
        """Wake everyone waiting on ``channel`` now."""
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
