"""Long polling: a ReceiveMessage that found nothing waits until something may have changed.

Two things wake a waiting receive of a queue:

* a signal on the node's bus, channel ``sqs:<queue id>``, sent after every send and every
  operation that makes messages visible again (delete in a FIFO group, visibility set to zero),
  and relayed to the other nodes sharing the store;
* a timer at the next moment a delayed or in-flight message of the queue becomes visible. Due
  times are kept per queue (rounded to a few milliseconds, coarser further ahead, so a busy queue
  holds a few hundred entries rather than one per message) and a timer runs only while somebody
  waits on the queue.

A waiter starts listening before it looks at the store, so a signal sent while it looks is not
lost; and it looks again at least every :data:`~skybus.limits.SQS_LONG_POLL_RECHECK_SECONDS`,
for changes made on other nodes that no local timer knows about.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from skybus import limits
from skybus.bus import Bus

T = TypeVar("T")
Clock = Callable[[], float]


def channel(queue_id: str) -> str:
    return f"sqs:{queue_id}"


def _grain(ahead: float) -> float:
    if ahead < 2:
        return 0.005
    if ahead < 60:
        return 0.05
    return 1.0


class Wakeups:
    def __init__(self, bus: Bus, clock: Clock) -> None:
        self.bus = bus
        self.clock = clock
        self._due: dict[str, list[float]] = {}
        self._due_set: dict[str, set[float]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._timer_at: dict[str, float] = {}
        self._polling: dict[str, int] = {}
        self.closing = False

    def changed(self, queue_id: str) -> None:
        """Messages of the queue may be receivable now."""
        self.bus.notify(channel(queue_id))

    def due(self, queue_id: str, at: float) -> None:
        """Messages of the queue become receivable at ``at`` (store clock seconds)."""
        grain = _grain(at - self.clock())
        bucket = math.ceil(at / grain) * grain
        seen = self._due_set.setdefault(queue_id, set())
        if bucket in seen:
            return
        seen.add(bucket)
        heap = self._due.setdefault(queue_id, [])
        heapq.heappush(heap, bucket)
        if len(heap) > 256:
            self._prune(queue_id)
        if self._polling.get(queue_id):
            self._arm(queue_id)

    def forget(self, queue_id: str) -> None:
        self._due.pop(queue_id, None)
        self._due_set.pop(queue_id, None)
        timer = self._timers.pop(queue_id, None)
        self._timer_at.pop(queue_id, None)
        if timer is not None:
            timer.cancel()

    async def poll(
        self, queue_id: str, seconds: float, attempt: Callable[[], Awaitable[list[T]]]
    ) -> list[T]:
        """Run ``attempt`` again (the caller's first one found nothing) whenever the queue may
        have changed, until it finds something or ``seconds`` have passed."""
        found: list[T] = []
        deadline = time.monotonic() + seconds
        self._polling[queue_id] = self._polling.get(queue_id, 0) + 1
        try:
            while not self.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                wait = min(remaining, limits.SQS_LONG_POLL_RECHECK_SECONDS)
                watcher = asyncio.ensure_future(self.bus.wait(channel(queue_id), wait))
                try:
                    await asyncio.sleep(0)  # the watcher is listening from here on
                    found = await attempt()
                    if found:
                        return found
                    self._arm(queue_id)
                    await watcher
                finally:
                    if not watcher.done():
                        watcher.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await watcher
            return found
        finally:
            left = self._polling[queue_id] - 1
            if left:
                self._polling[queue_id] = left
            else:
                del self._polling[queue_id]

    def close(self) -> None:
        """Let every waiting receive return now (the node is stopping)."""
        self.closing = True
        for queue_id in list(self._polling):
            self.bus.notify(channel(queue_id))
        for queue_id in list(self._timers):
            self.forget(queue_id)

    def _prune(self, queue_id: str) -> None:
        heap = self._due.get(queue_id)
        if not heap:
            return
        now = self.clock() + 0.001  # timers may fire a little early
        seen = self._due_set[queue_id]
        while heap and heap[0] <= now:
            seen.discard(heapq.heappop(heap))

    def _arm(self, queue_id: str) -> None:
        self._prune(queue_id)
        heap = self._due.get(queue_id)
        if not heap:
            return
        at = heap[0]
        current = self._timer_at.get(queue_id)
        if current is not None and current <= at:
            return
        timer = self._timers.pop(queue_id, None)
        if timer is not None:
            timer.cancel()
        delay = max(at - self.clock(), 0.0)
        loop = asyncio.get_running_loop()
        self._timers[queue_id] = loop.call_later(delay, self._fire, queue_id)
        self._timer_at[queue_id] = at

    def _fire(self, queue_id: str) -> None:
        self._timers.pop(queue_id, None)
        self._timer_at.pop(queue_id, None)
        self.changed(queue_id)
        if self._polling.get(queue_id):
            self._arm(queue_id)
