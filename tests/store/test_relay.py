"""Nodes sharing PostgreSQL wake each other's waiters through the bus relay."""

from __future__ import annotations

import asyncio
import time
import uuid

from skybus.bus import Bus
from skybus.store.postgres_relay import PostgresRelay
from tests.services import need_postgres


async def test_a_signal_on_one_node_wakes_a_waiter_on_another() -> None:
    dsn = need_postgres()
    schema = f"relay_{uuid.uuid4().hex[:8]}"
    first, second = Bus(), Bus()
    await first.attach(PostgresRelay(dsn, schema, "node-a"))
    await second.attach(PostgresRelay(dsn, schema, "node-b"))
    try:
        waiter = asyncio.create_task(second.wait("queue-1", 5))
        other = asyncio.create_task(second.wait("queue-2", 0.5))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        first.notify("queue-1")
        assert await waiter is True
        assert time.monotonic() - started < 1
        assert await other is False
    finally:
        await first.close()
        await second.close()


async def test_separate_schemas_do_not_hear_each_other() -> None:
    dsn = need_postgres()
    first, second = Bus(), Bus()
    await first.attach(PostgresRelay(dsn, f"relay_{uuid.uuid4().hex[:8]}", "node-a"))
    await second.attach(PostgresRelay(dsn, f"relay_{uuid.uuid4().hex[:8]}", "node-b"))
    try:
        waiter = asyncio.create_task(second.wait("q", 0.3))
        await asyncio.sleep(0.05)
        first.notify("q")
        assert await waiter is False
    finally:
        await first.close()
        await second.close()


def test_many_channels_are_split_into_payloads_postgres_accepts() -> None:
    relay = PostgresRelay("postgresql://unused", "s", "node")
    names = {f"channel-{i:05d}-" + "x" * 40 for i in range(1000)}
    payloads = relay._payloads(names)
    assert len(payloads) > 1
    assert all(len(p.encode()) < 8000 for p in payloads)
    seen = {n for p in payloads for n in p.partition(" ")[2].split("\n")}
    assert seen == names
