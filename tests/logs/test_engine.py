"""The logs engine in-process, on both store backends, with a clock the test moves: the runtime's
``put_events`` path, wake-ups, and the background removal of deleted and expired data."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import asyncpg
import pytest

from skybus.bus import Bus
from skybus.engines.logs import LogsEngine
from skybus.engines.logs.records import EVENTS, STREAMS
from skybus.engines.logs.sweeper import CHUNK, SWEEP_DELAY_SECONDS
from skybus.node import Node
from skybus.store import Store, open_store
from tests.store.conftest import POSTGRES_URL, FakeClock, require_postgres

A, R = "111111111111", "us-east-1"
DAY = 24 * 3600


@dataclass
class FakeNode:
    """What the engine uses of a node: its store, clock and bus."""

    store: Store
    clock: FakeClock
    bus: Bus


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    clock = FakeClock()
    if request.param == "sqlite":
        async with open_store(None, tmp_path, clock=clock) as opened:
            yield opened
        return
    await require_postgres()
    schema = f"skybus_test_{uuid.uuid4().hex[:12]}"
    try:
        async with open_store(f"{POSTGRES_URL}?schema={schema}", tmp_path, clock=clock) as pg:
            yield pg
    finally:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()


@pytest.fixture
def engine(store: Store) -> LogsEngine:
    assert isinstance(store.clock, FakeClock)
    return LogsEngine(cast(Node, FakeNode(store, store.clock, Bus())))


def clock_of(engine: LogsEngine) -> FakeClock:
    clock = engine.node.clock
    assert isinstance(clock, FakeClock)
    return clock


async def test_put_events_creates_group_and_stream(engine: LogsEngine) -> None:
    now = engine.now_ms()
    await engine.put_events(A, R, "/aws/lambda/f", "2026/01/01/[$LATEST]a", [(now, "START")])
    await engine.put_events(
        A, R, "/aws/lambda/f", "2026/01/01/[$LATEST]a", [(now + 2, "END"), (now + 1, "hi\n")]
    )
    page = await engine.get_log_events(
        A, R, "/aws/lambda/f", "2026/01/01/[$LATEST]a", from_head=True
    )
    assert [e.message for e in page.events] == ["START", "hi\n", "END"]
    streams = await engine.describe_streams(A, R, "/aws/lambda/f")
    (stream,) = streams.streams
    assert (stream.first_event_ms, stream.last_event_ms) == (now, now + 2)
    groups = await engine.describe_groups(A, R)
    assert [g.group.name for g in groups.groups] == ["/aws/lambda/f"]
    # Other accounts and regions see nothing.
    assert (await engine.describe_groups("222222222222", R)).groups == []
    assert (await engine.describe_groups(A, "eu-west-1")).groups == []


async def test_concurrent_first_puts_make_one_group(engine: LogsEngine) -> None:
    now = engine.now_ms()
    await asyncio.gather(
        *(engine.put_events(A, R, "/aws/lambda/g", f"s{i}", [(now, f"m{i}")]) for i in range(8))
    )
    groups = await engine.describe_groups(A, R, prefix="/aws/lambda/g")
    assert len(groups.groups) == 1
    page = await engine.filter_log_events(A, R, "/aws/lambda/g")
    assert sorted(e.message for e in page.events) == [f"m{i}" for i in range(8)]


async def test_new_events_wake_waiters(engine: LogsEngine) -> None:
    waiter = asyncio.create_task(engine.wait_for_events(A, R, "/aws/lambda/w", 5.0))
    await asyncio.sleep(0)
    other = asyncio.create_task(engine.wait_for_events(A, R, "/aws/lambda/other", 0.2))
    await engine.put_events(A, R, "/aws/lambda/w", "s", [(engine.now_ms(), "x")])
    assert await asyncio.wait_for(waiter, 1.0) is True
    assert await other is False


async def test_deleted_group_data_is_swept(engine: LogsEngine, store: Store) -> None:
    now = engine.now_ms()
    events = [(now + i, f"m{i}") for i in range(CHUNK * 2 + 7)]
    await engine.put_events(A, R, "/aws/lambda/d", "s1", events)
    await engine.put_events(A, R, "/aws/lambda/d", "s2", [(now, "other")])
    await engine.put_events(A, R, "/aws/lambda/keep", "s", [(now, "kept")])
    assert await store.count(EVENTS) == len(events) + 2
    await engine.delete_group(A, R, "/aws/lambda/d")
    # The sweep waits a little, so that writes in flight for the group land first.
    assert await engine.sweeper.sweep_deleted() is False
    clock_of(engine).advance(SWEEP_DELAY_SECONDS + 1)
    assert await engine.sweeper.sweep_deleted() is True
    assert await store.count(EVENTS) == 1
    assert await store.count(STREAMS.space) == 1
    assert await engine.sweeper.sweep_deleted() is False  # the job is done


async def test_deleted_stream_data_is_swept(engine: LogsEngine, store: Store) -> None:
    now = engine.now_ms()
    await engine.put_events(A, R, "/aws/lambda/s", "gone", [(now, "a"), (now, "b")])
    await engine.put_events(A, R, "/aws/lambda/s", "kept", [(now, "c")])
    await engine.delete_stream(A, R, "/aws/lambda/s", "gone")
    clock_of(engine).advance(SWEEP_DELAY_SECONDS + 1)
    await engine.sweeper.sweep_deleted()
    assert await store.count(EVENTS) == 1
    page = await engine.filter_log_events(A, R, "/aws/lambda/s")
    assert [e.message for e in page.events] == ["c"]


async def test_retention_expires_old_events(engine: LogsEngine, store: Store) -> None:
    now = engine.now_ms()
    old = [(now - 3 * DAY * 1000 + i, f"old{i}") for i in range(CHUNK + 3)]
    await engine.put_events(A, R, "/aws/lambda/r", "s", [*old, (now, "new")])
    await engine.put_events(A, R, "/aws/lambda/other", "s", old[:2])
    assert await engine.sweeper.expire() == 0  # no retention set yet
    await engine.put_retention(A, R, "/aws/lambda/r", 1)
    assert await engine.sweeper.expire() == len(old)
    page = await engine.filter_log_events(A, R, "/aws/lambda/r")
    assert [e.message for e in page.events] == ["new"]
    (stream,) = (await engine.describe_streams(A, R, "/aws/lambda/r")).streams
    assert stream.first_event_ms == now
    assert stream.stored_bytes == len("new")
    # As time passes the remaining event expires too.
    clock_of(engine).advance(2 * DAY)
    assert await engine.sweeper.expire() == 1
    assert await store.count(EVENTS) == 2  # the other group keeps its events


async def test_sweeper_task_runs_in_the_background(engine: LogsEngine, store: Store) -> None:
    await engine.put_events(A, R, "/aws/lambda/bg", "s", [(engine.now_ms(), "x")])
    await engine.delete_group(A, R, "/aws/lambda/bg")
    clock_of(engine).advance(SWEEP_DELAY_SECONDS + 1)
    await engine.start()
    try:
        engine.sweeper.wake()
        for _ in range(100):
            if await store.count(EVENTS) == 0:
                break
            await asyncio.sleep(0.02)
        assert await store.count(EVENTS) == 0
    finally:
        await engine.stop()


async def test_filter_merges_long_streams_in_order(engine: LogsEngine) -> None:
    clock_of(engine).advance(100 * DAY)  # descending reads need a time after 2024-01-01
    now = engine.now_ms()
    await engine.put_events(A, R, "/aws/lambda/m", "long", [(now + i, f"L{i}") for i in range(700)])
    await engine.put_events(
        A, R, "/aws/lambda/m", "short", [(now + 3 * i, f"S{i}") for i in range(9)]
    )
    whole = await engine.filter_log_events(A, R, "/aws/lambda/m")
    assert whole.next_token is None
    keys = [(e.timestamp, e.stream) for e in whole.events]
    assert len(keys) == 709
    assert [ts for ts, _ in keys] == sorted(ts for ts, _ in keys)
    paged: list[str] = []
    token = None
    for _ in range(100):
        page = await engine.filter_log_events(A, R, "/aws/lambda/m", limit=37, token=token)
        paged += [e.message for e in page.events]
        token = page.next_token
        if token is None:
            break
    assert paged == [e.message for e in whole.events]
    backwards = await engine.filter_log_events(
        A, R, "/aws/lambda/m", from_head=False, start_ms=now, limit=5
    )
    assert [e.message for e in backwards.events] == ["L699", "L698", "L697", "L696", "L695"]
