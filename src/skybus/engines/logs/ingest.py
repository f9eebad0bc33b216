"""Storing log events: PutLogEvents with AWS's batch rules, and the direct path the function
runtime uses for its workers' output.

PutLogEvents refuses a whole batch that is too large or out of order, but events that are only
too old or too new are set aside and reported in ``rejectedLogEventsInfo`` while the rest is
stored. Since the batch is in time order, the rejected events are a prefix (too old or expired)
and a suffix (too new) of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from skybus import limits
from skybus.engines.logs.errors import invalid, stream_not_found
from skybus.engines.logs.groups import ensure_group, load_group
from skybus.engines.logs.records import (
    EVENTS,
    STREAMS,
    LogGroup,
    LogStream,
    event_key,
    event_prefix,
    event_value,
    message_bytes,
    stream_key,
)
from skybus.engines.logs.streams import ensure_stream
from skybus.store import Store
from skybus.store.contract import Tx

Event = tuple[int, str]
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class Rejected:
    """``rejectedLogEventsInfo``: None fields are absent from the answer."""

    too_new_start: int | None = None
    too_old_end: int | None = None
    expired_end: int | None = None

    def as_dict(self) -> dict[str, int]:
        found = {
            "tooNewLogEventStartIndex": self.too_new_start,
            "tooOldLogEventEndIndex": self.too_old_end,
            "expiredLogEventEndIndex": self.expired_end,
        }
        return {name: value for name, value in found.items() if value is not None}


@dataclass(frozen=True, slots=True)
class PutResult:
    rejected: Rejected | None
    next_sequence: int


def check_batch(events: Sequence[Event]) -> None:
    """The rules that fail a whole PutLogEvents batch: size, then order."""
    size = sum(len(message.encode()) + limits.LOGS_EVENT_OVERHEAD_BYTES for _, message in events)
    if size > limits.LOGS_MAX_BATCH_BYTES:
        raise invalid(
            f"Upload too large: {size} bytes exceeds limit of {limits.LOGS_MAX_BATCH_BYTES}"
        )
    for before, after in itertools.pairwise(events):
        if after[0] < before[0]:
            raise invalid(
                "Log events in a single PutLogEvents request must be in chronological order."
            )


def triage(
    events: Sequence[Event], now_ms: int, retention_days: int | None
) -> tuple[int, int, Rejected | None]:
    """The accepted slice ``[start, end)`` of an ordered batch and what was set aside."""
    count = len(events)
    too_old = _count_before(events, now_ms - limits.LOGS_MAX_EVENT_AGE_MS)
    expired = 0
    if retention_days is not None:
        expired = _count_before(events, now_ms - retention_days * DAY_MS)
    future = now_ms + limits.LOGS_MAX_EVENT_FUTURE_MS
    too_new = count
    while too_new > 0 and events[too_new - 1][0] > future:
        too_new -= 1
    start = max(too_old, expired)
    end = max(too_new, start)
    rejected = None
    if too_old or expired or too_new < count:
        rejected = Rejected(
            too_new_start=too_new if too_new < count else None,
            too_old_end=too_old or None,
            expired_end=expired or None,
        )
    accepted = events[start:end]
    if accepted and accepted[-1][0] - accepted[0][0] > limits.LOGS_MAX_BATCH_SPAN_MS:
        raise invalid(
            "The batch of log events in a single PutLogEvents request cannot span more than "
            "24 hours."
        )
    return start, end, rejected


def _count_before(events: Sequence[Event], cutoff_ms: int) -> int:
    count = 0
    while count < len(events) and events[count][0] < cutoff_ms:
        count += 1
    return count


async def append(
    tx: Tx, group: LogGroup, stream: LogStream, events: Sequence[Event], now_ms: int
) -> None:
    """Store ``events`` in ``stream`` (locked by the caller) and update its record."""
    if not events:
        return
    ingestion_ms = max(now_ms, stream.last_ingestion_ms or 0)
    prefix = event_prefix(group, stream)
    seq = stream.next_seq
    added = 0
    for ts, message in events:
        value = event_value(ingestion_ms, message)
        await tx.put(EVENTS, event_key(prefix, ts, seq), value)
        seq += 1
        added += message_bytes(value)
    first = min(ts for ts, _ in events)
    last = max(ts for ts, _ in events)
    if stream.first_event_ms is not None:
        first = min(first, stream.first_event_ms)
    if stream.last_event_ms is not None:
        last = max(last, stream.last_event_ms)
    stream.first_event_ms = first
    stream.last_event_ms = last
    stream.last_ingestion_ms = ingestion_ms
    stream.stored_bytes += added
    stream.next_seq = seq
    await STREAMS.put(tx, stream_key(group, stream.name), stream)


async def put_log_events(
    store: Store,
    account: str,
    region: str,
    group_name: str,
    stream_name: str,
    events: Sequence[Event],
    *,
    now_ms: int,
) -> PutResult:
    """PutLogEvents: the group and stream must exist; AWS's batch rules apply."""
    check_batch(events)

    async def put(tx: Tx) -> PutResult:
        group = await load_group(tx, account, region, group_name)
        key = stream_key(group, stream_name)
        stream = await STREAMS.get(tx, key, for_update=True)
        if stream is None:
            raise stream_not_found()
        start, end, rejected = triage(events, now_ms, group.retention_days)
        await append(tx, group, stream, events[start:end], now_ms)
        return PutResult(rejected, stream.next_seq)

    return await store.write(put)


async def put_events(
    store: Store,
    account: str,
    region: str,
    group_name: str,
    stream_name: str,
    events: Sequence[Event],
    *,
    now_ms: int,
) -> None:
    """The function runtime's path: creates the group and stream when missing and stores every
    event as given (its timestamps are the time the lines were written)."""

    # Stable: lines written within the same millisecond keep their order.
    ordered = sorted(((max(ts, 0), message) for ts, message in events), key=lambda e: e[0])

    async def put(tx: Tx) -> None:
        group = await ensure_group(tx, account, region, group_name, now_ms)
        stream = await ensure_stream(tx, group, stream_name, now_ms)
        await append(tx, group, stream, ordered, now_ms)

    await store.write(put)
