from __future__ import annotations

import asyncio
import time

from skybus.bus import Bus


async def test_notify_wakes_every_waiter_at_once() -> None:
    bus = Bus()
    waiters = [asyncio.create_task(bus.wait("q", 5)) for _ in range(3)]
    await asyncio.sleep(0)
    assert bus.waiting("q") == 3
    started = time.monotonic()
    bus.notify("q")
    assert await asyncio.gather(*waiters) == [True, True, True]
    assert time.monotonic() - started < 1
    assert bus.waiting("q") == 0


async def test_wait_times_out_without_a_signal() -> None:
    bus = Bus()
    assert await bus.wait("q", 0.01) is False
    assert await bus.wait("q", 0) is False
    assert bus.waiting("q") == 0


async def test_signals_are_per_channel_and_not_remembered() -> None:
    bus = Bus()
    bus.notify("a")  # nobody waits: nothing is kept
    other = asyncio.create_task(bus.wait("b", 0.05))
    waiter = asyncio.create_task(bus.wait("a", 5))
    await asyncio.sleep(0)
    bus.notify("a")
    assert await waiter is True
    assert await other is False
