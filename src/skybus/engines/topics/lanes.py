"""Lanes: how many deliveries to one subscription run at once, and how fast.

Each subscription (each UnsubscribeConfirmation endpoint) has a lane with a bound on concurrent
attempts and, with a ``throttlePolicy``, a spacing of ``1/maxReceivesPerSecond`` between their
starts (per node). A slow or throttled subscription therefore only ever holds its own lane:
the node's other deliveries go on.

A lane keeps a queue of claimed jobs waiting for it. While the node holds few deliveries a lane
may queue as many as come; once the node is crowded (or for a throttled lane, beyond ten
seconds of its rate), a lane whose queue is full hands further jobs back to the outbox for
later instead of holding them, each pushed a little further than the last (a cursor that
advances by the lane's pace: its throttle, or its concurrency over the endpoint's quickest
recent answer time), so a backlog of thousands is spread over the time the lane needs to work
through it rather than claimed and handed back again and again.
"""

from __future__ import annotations

import asyncio
import time

from skybus import limits


class Lane:
    __slots__ = (
        "_cursor",
        "_next_start",
        "fastest",
        "latency",
        "limit",
        "rate",
        "running",
        "semaphore",
        "waiting",
    )

    def __init__(self, limit: int, rate: int | None) -> None:
        self.limit = limit
        self.rate = rate
        self.semaphore = asyncio.Semaphore(limit)
        self.waiting = 0
        self.running = 0
        self.latency = limits.SNS_LANE_INITIAL_LATENCY_SECONDS
        """How long an attempt takes here, measured (moving average, seconds)."""
        self.fastest = self.latency
        """The quickest recent attempt (slowly forgotten): what the endpoint can do when this
        node is not busy, which sets how soon deferred jobs come back."""
        self._next_start = 0.0
        self._cursor = 0.0

    @property
    def pace(self) -> float:
        """Deliveries per second this lane can make: its throttle, or what its concurrency
        and the endpoint's measured answer time allow."""
        if self.rate is not None:
            return float(self.rate)
        return self.limit / max(self.fastest, 1e-4)

    @property
    def capacity(self) -> int:
        """How many claimed jobs may wait for this lane."""
        if self.rate is not None:
            return max(4, min(limits.SNS_LANE_BUFFER, self.rate * 10))
        return limits.SNS_LANE_BUFFER

    def full(self) -> bool:
        return self.waiting >= self.capacity

    def idle(self) -> bool:
        return self.waiting == 0 and self.running == 0

    async def enter(self) -> None:
        """Wait for a turn (the caller counts itself in ``waiting`` while it waits)."""
        await self.semaphore.acquire()
        try:
            if self.rate is not None:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + 1.0 / self.rate
                if start > now:
                    await asyncio.sleep(start - now)
        except BaseException:
            self.semaphore.release()
            raise
        self.running += 1

    def leave(self, took: float) -> None:
        """An attempt that took ``took`` seconds is over."""
        self.running -= 1
        self.semaphore.release()
        self.latency = 0.8 * self.latency + 0.2 * took
        self.fastest = min(self.fastest * 1.01, took)

    def defer_delay(self, longest: float = limits.SNS_MAX_DEFER_SECONDS) -> float:
        """How long to hand a job back for, when the lane's queue is full (at most
        ``longest``)."""
        pace = self.pace
        now = time.monotonic()
        backlog = (self.waiting + self.running) / pace
        self._cursor = max(self._cursor, now + backlog) + 1.0 / pace
        if self._cursor - now > longest:
            # Past the longest deferral: start over from the backlog, so later jobs keep being
            # spread out rather than all coming back at once.
            self._cursor = now + min(backlog, longest / 2) + 1.0 / pace
        return min(self._cursor - now, longest)


class Lanes:
    def __init__(self) -> None:
        self._lanes: dict[str, Lane] = {}

    def get(self, key: str, limit: int, rate: int | None) -> Lane:
        lane = self._lanes.get(key)
        if lane is None or lane.rate != rate or lane.limit != limit:
            if lane is not None and not lane.idle():
                lane.rate = rate
                return lane
            lane = self._lanes[key] = Lane(limit, rate)
        return lane

    def prune(self) -> None:
        for key in [k for k, lane in self._lanes.items() if lane.idle()]:
            del self._lanes[key]
