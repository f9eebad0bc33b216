"""Background removal of log data: the events (and streams) of deleted groups and streams, and
events older than their group's retention period.

Deleting a group or stream only removes its record and enqueues a sweep job in the same
transaction, so the API call stays fast however much data there is; the job then deletes the
dead keys a bounded chunk per transaction. Jobs live in the store's work queue, so a sweep that a
crash interrupts is picked up again, by any node sharing the store. Retention works the same way
in spirit: AWS deletes expired events lazily too (it documents up to 72 hours), and each pass here
removes the events of every stream that ended up before its group's cutoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import orjson

from skybus.engines.logs.records import (
    EVENTS,
    GROUPS,
    STREAMS,
    SWEEP_QUEUE,
    LogGroup,
    LogStream,
    event_prefix,
    message_bytes,
    split_event_key,
    stream_key,
    ts_bytes,
)
from skybus.store.contract import Job, Tx

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger("skybus.logs")

#: Keys deleted per transaction, so a large sweep never holds the store's writer for long.
CHUNK = 500
#: Sweeps start after this delay, so that writes already in flight for the dead ids land first.
SWEEP_DELAY_SECONDS = 5.0
#: How long a claimed sweep job stays hidden from other workers.
SWEEP_VISIBILITY_SECONDS = 60.0
#: Idle wait between looks at the sweep queue (a deletion on this node wakes it sooner).
IDLE_SECONDS = 10.0
#: How often expired events are looked for.
RETENTION_INTERVAL_SECONDS = 3600.0
DAY_MS = 24 * 3600 * 1000
WAKE_CHANNEL = "logs:sweep"


async def schedule_sweep(tx: Tx, prefix: bytes, *, streams: bool) -> None:
    """Enqueue the removal of every event under ``prefix`` (and, for a group, its streams)."""
    payload = orjson.dumps({"prefix": prefix.hex(), "streams": streams})
    await tx.enqueue(SWEEP_QUEUE, payload, delay=SWEEP_DELAY_SECONDS)


async def sweep_chunk(tx: Tx, prefix: bytes, streams: bool) -> int:
    """Delete up to :data:`CHUNK` keys under ``prefix``; returns how many were deleted."""
    deleted = 0
    for key, _ in await tx.scan(EVENTS, prefix=prefix, limit=CHUNK):
        deleted += await tx.delete(EVENTS, key)
    if streams and deleted < CHUNK:
        for key, _ in await tx.scan(STREAMS.space, prefix=prefix, limit=CHUNK - deleted):
            deleted += await tx.delete(STREAMS.space, key)
    return deleted


async def expire_chunk(tx: Tx, group_key: bytes, stream_name: str, now_ms: int) -> int:
    """Delete up to :data:`CHUNK` events of one stream that are older than its group's
    retention; returns how many were deleted."""
    group = await GROUPS.get(tx, group_key)
    if group is None or group.retention_days is None:
        return 0
    skey = stream_key(group, stream_name)
    stream = await STREAMS.get(tx, skey, for_update=True)
    if stream is None:
        return 0
    cutoff = now_ms - group.retention_days * DAY_MS
    prefix = event_prefix(group, stream)
    rows = await tx.scan(EVENTS, prefix=prefix, end=prefix + ts_bytes(cutoff), limit=CHUNK)
    for key, value in rows:
        await tx.delete(EVENTS, key)
        stream.stored_bytes = max(0, stream.stored_bytes - message_bytes(value))
    if rows:
        rest = await tx.scan(EVENTS, prefix=prefix, limit=1)
        stream.first_event_ms = split_event_key(rest[0][0]).ts if rest else None
        await STREAMS.put(tx, skey, stream)
    return len(rows)


class Sweeper:
    """The background task of one node's logs engine."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._task: asyncio.Task[None] | None = None
        self._next_retention = 0.0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="logs-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self.node.bus.notify(WAKE_CHANNEL)

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # a store hiccup must not end the sweeper
                log.exception("sweeping log data failed; trying again later")
                busy = False
            if not busy:
                await self.node.bus.wait(WAKE_CHANNEL, IDLE_SECONDS)

    async def step(self) -> bool:
        """One round of work; True when there may be more to do right away."""
        busy = await self.sweep_deleted()
        if self.node.clock() >= self._next_retention:
            await self.expire()
            self._next_retention = self.node.clock() + RETENTION_INTERVAL_SECONDS
        return busy

    async def sweep_deleted(self) -> bool:
        store = self.node.store
        jobs = await store.claim(SWEEP_QUEUE, limit=1, visibility=SWEEP_VISIBILITY_SECONDS)
        for job in jobs:
            await self._sweep(job)
        return bool(jobs)

    async def _sweep(self, job: Job) -> None:
        store = self.node.store
        try:
            spec = orjson.loads(job.payload)
            prefix = bytes.fromhex(spec["prefix"])
            streams = bool(spec["streams"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            # Not a job this code wrote; retrying it would fail forever.
            log.error("dropping unreadable log sweep job %s: %r", job.id, job.payload[:200])
            await store.ack(SWEEP_QUEUE, job.id, job.token)
            return
        while await store.write(lambda tx: sweep_chunk(tx, prefix, streams)) == CHUNK:
            await store.extend(SWEEP_QUEUE, job.id, job.token, visibility=SWEEP_VISIBILITY_SECONDS)
        await store.ack(SWEEP_QUEUE, job.id, job.token)

    async def expire(self) -> int:
        """Remove every event past its group's retention; returns how many were removed."""
        store = self.node.store
        now_ms = int(self.node.clock() * 1000)
        removed = 0
        for gkey, group in await store.read(_all_groups):
            if group.retention_days is None:
                continue
            cutoff = now_ms - group.retention_days * DAY_MS
            for stream in await store.read(_streams_of(group)):
                if _has_expired(stream, cutoff):
                    removed += await self._expire_stream(gkey, stream.name, now_ms)
        return removed

    async def _expire_stream(self, gkey: bytes, name: str, now_ms: int) -> int:
        removed = 0

        async def chunk(tx: Tx) -> int:
            return await expire_chunk(tx, gkey, name, now_ms)

        while True:
            count = await self.node.store.write(chunk)
            removed += count
            if count < CHUNK:
                return removed


async def _all_groups(tx: Tx) -> list[tuple[bytes, LogGroup]]:
    return await GROUPS.items(tx)


def _streams_of(group: LogGroup) -> Callable[[Tx], Awaitable[list[LogStream]]]:
    async def scan(tx: Tx) -> list[LogStream]:
        return await STREAMS.scan(tx, prefix=group.id)

    return scan


def _has_expired(stream: LogStream, cutoff_ms: int) -> bool:
    return stream.first_event_ms is not None and stream.first_event_ms < cutoff_ms
