"""GetLogEvents: one stream's events in a time range, paged forwards or backwards.

A page is one range scan of the stream's events. The tokens it returns are boundaries: the
forward token sits just after the page's last event and the backward token just before its first,
so a reader at the end of the stream that passes its forward token gets no events and the very
same token back, as AWS does, and sees new events on a later call.
"""

from __future__ import annotations

from dataclasses import dataclass

from skybus import limits
from skybus.engines.logs.errors import stream_not_found
from skybus.engines.logs.groups import load_group
from skybus.engines.logs.records import (
    EVENTS,
    MAX_TS,
    STREAMS,
    EventKey,
    event_prefix,
    message_bytes,
    split_event_key,
    split_event_value,
    stream_key,
    ts_bytes,
)
from skybus.engines.logs.tokens import StreamToken
from skybus.store import Store
from skybus.store.contract import Tx
from skybus.store.keys import prefix_end


@dataclass(frozen=True, slots=True)
class StoredEvent:
    timestamp: int
    message: str
    ingestion_time: int


@dataclass(frozen=True, slots=True)
class EventsPage:
    events: list[StoredEvent]
    forward_token: str
    backward_token: str


def page_cut(sizes: list[int], budget: int = limits.LOGS_MAX_PAGE_BYTES) -> int:
    """How many leading items fit in a page of ``budget`` bytes (at least one)."""
    total = 0
    for index, size in enumerate(sizes):
        total += size + limits.LOGS_EVENT_OVERHEAD_BYTES
        if total > budget and index > 0:
            return index
    return len(sizes)


async def get_log_events(
    store: Store,
    account: str,
    region: str,
    group_name: str,
    stream_name: str,
    *,
    start_ms: int | None = None,
    end_ms: int | None = None,
    token: str | None = None,
    limit: int = limits.LOGS_GET_EVENTS_LIMIT,
    from_head: bool = False,
) -> EventsPage:
    """``start_ms`` is inclusive and ``end_ms`` exclusive, as GetLogEvents documents. A token's
    own direction wins over ``from_head``."""
    parsed = None if token is None else StreamToken.parse(token)
    forward = from_head if parsed is None else parsed.forward
    low = EventKey(0 if start_ms is None else start_ms, 0)
    high = EventKey(MAX_TS if end_ms is None else end_ms, 0)

    async def read(tx: Tx) -> EventsPage:
        group = await load_group(tx, account, region, group_name)
        stream = await STREAMS.get(tx, stream_key(group, stream_name))
        if stream is None:
            raise stream_not_found()
        prefix = event_prefix(group, stream)
        lower = prefix + ts_bytes(low.ts)
        upper = prefix_end(prefix) if end_ms is None else prefix + ts_bytes(high.ts)
        if parsed is not None and forward:
            lower = max(lower, prefix + parsed.boundary.pack())
        elif parsed is not None:
            bound = prefix + parsed.boundary.pack()
            upper = bound if upper is None else min(upper, bound)
        rows = await tx.scan(EVENTS, start=lower, end=upper, reverse=not forward, limit=limit)
        keep = page_cut([message_bytes(value) for _, value in rows])
        rows = rows[:keep]
        if not forward:
            rows.reverse()
        events = []
        for key, value in rows:
            ingestion, message = split_event_value(value)
            events.append(StoredEvent(split_event_key(key).ts, message, ingestion))
        if rows:
            first, last = split_event_key(rows[0][0]), split_event_key(rows[-1][0])
            after = StreamToken(True, EventKey(last.ts, last.seq + 1)).text()
            before = StreamToken(False, first).text()
        elif parsed is not None:
            # An empty page hands the caller's own token back for its direction.
            after = StreamToken(True, parsed.boundary).text()
            before = StreamToken(False, parsed.boundary).text()
            if token is not None:
                after, before = (token, before) if forward else (after, token)
        else:
            after = StreamToken(True, low).text()
            before = StreamToken(False, high).text()
        return EventsPage(events, after, before)

    return await store.read(read)
