"""FilterLogEvents: the events of many streams of a group, interleaved in time order.

Each candidate stream is read with its own range scan, a chunk at a time, and the streams are
merged on (timestamp, ingestion time, stream id, sequence), so the interleaving is total and the
same on every call. The next-page token is the merge key of the last event examined; a later call
resumes every stream just past it. Streams whose first and last event times fall outside the
requested range are never read. One call examines a bounded number of events, so a sparse match
over a large group returns partial (even empty) pages with a token, as AWS documents.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from skybus import limits
from skybus.engines.logs.errors import invalid, invalid_token
from skybus.engines.logs.groups import load_group
from skybus.engines.logs.records import (
    EVENTS,
    STREAMS,
    LogGroup,
    LogStream,
    event_prefix,
    split_event_key,
    split_event_value,
    stream_key,
    ts_bytes,
)
from skybus.engines.logs.tokens import decode_cursor, encode_cursor
from skybus.store import Store
from skybus.store.contract import Tx
from skybus.store.keys import prefix_end

#: Events read from one stream per scan: the first scan is small (most pages take a few events
#: from each of many streams), later ones double up to the largest.
FIRST_CHUNK = 16
CHUNK = 256

MergeKey = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class FilteredEvent:
    stream: str
    timestamp: int
    message: str
    ingestion_time: int
    event_id: str


@dataclass(frozen=True, slots=True)
class FilterPage:
    events: list[FilteredEvent]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class Window:
    """What one call reads: the time range (both ends inclusive, as FilterLogEvents defines
    them), the direction, and where the previous page stopped."""

    start_ms: int | None
    end_ms: int | None
    forward: bool
    resume: MergeKey | None

    def keeps(self, key: MergeKey) -> bool:
        if self.resume is None:
            return True
        return key > self.resume if self.forward else key < self.resume

    def may_hold(self, stream: LogStream) -> bool:
        first, last = stream.first_event_ms, stream.last_event_ms
        if first is None or last is None:
            return False
        low = self.start_ms
        high = self.end_ms
        if self.resume is not None:
            if self.forward:
                low = self.resume[0] if low is None else max(low, self.resume[0])
            else:
                high = self.resume[0] if high is None else min(high, self.resume[0])
        return (low is None or last >= low) and (high is None or first <= high)


@dataclass
class _Cursor:
    """One stream's events, read a chunk at a time in the window's direction."""

    stream: LogStream
    lower: bytes
    upper: bytes | None
    sid: int
    buffered: list[tuple[MergeKey, int, int, str]] = field(default_factory=list)
    after: bytes | None = None
    exhausted: bool = False
    chunk: int = FIRST_CHUNK

    async def fill(self, tx: Tx, window: Window) -> None:
        while not self.buffered and not self.exhausted:
            rows = await tx.scan(
                EVENTS,
                start=self.lower,
                end=self.upper,
                after=self.after,
                reverse=not window.forward,
                limit=self.chunk,
            )
            self.exhausted = len(rows) < self.chunk
            self.chunk = min(CHUNK, self.chunk * 2)
            if rows:
                self.after = rows[-1][0]
            for key, value in rows:
                at = split_event_key(key)
                ingestion, message = split_event_value(value)
                merge = (at.ts, ingestion, self.sid, at.seq)
                if window.keeps(merge):
                    self.buffered.append((merge, at.ts, ingestion, message))
            self.buffered.reverse()  # popped from the end

    def order(self, window: Window) -> MergeKey:
        key = self.buffered[-1][0]
        return key if window.forward else (-key[0], -key[1], -key[2], -key[3])


def event_id(merge: MergeKey) -> str:
    ts, _, sid, seq = merge
    return f"{(sid << 128) | (ts << 64) | seq:058d}"


def window_for(
    start_ms: int | None, end_ms: int | None, token: str | None, from_head: bool
) -> Window:
    if token is not None:
        direction, ts, ingestion, sid, seq = decode_cursor(token, "siiii")
        if direction not in ("f", "b"):
            raise invalid_token()
        resume = (int(ts), int(ingestion), int(sid), int(seq))
        return Window(start_ms, end_ms, direction == "f", resume)
    if not from_head and start_ms is not None and start_ms < limits.LOGS_DESCENDING_MIN_START_MS:
        # AWS's wording is not recorded.
        raise invalid(
            "startFromHead=false is supported only when startTime is on or after "
            "Jan 1, 2024 00:00:00 UTC."
        )
    return Window(start_ms, end_ms, from_head, None)


async def filter_log_events(
    store: Store,
    account: str,
    region: str,
    group_name: str,
    *,
    matches: Callable[[str], bool],
    stream_names: list[str] | None = None,
    stream_prefix: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    token: str | None = None,
    limit: int = limits.LOGS_GET_EVENTS_LIMIT,
    from_head: bool = True,
) -> FilterPage:
    if stream_names is not None and stream_prefix is not None:
        # AWS's wording is not recorded.
        raise invalid("logStreamNames and logStreamNamePrefix cannot both be specified.")
    window = window_for(start_ms, end_ms, token, from_head)

    async def read(tx: Tx) -> FilterPage:
        group = await load_group(tx, account, region, group_name)
        streams = await _candidates(tx, group, stream_names, stream_prefix)
        cursors = [_cursor(group, s, window) for s in streams if window.may_hold(s)]
        return await _merge(tx, cursors, window, matches, limit)

    return await store.read(read)


async def _candidates(
    tx: Tx, group: LogGroup, names: list[str] | None, prefix: str | None
) -> list[LogStream]:
    if names is None:
        return await STREAMS.scan(tx, prefix=stream_key(group, prefix or ""))
    found = []
    for name in dict.fromkeys(names):
        stream = await STREAMS.get(tx, stream_key(group, name))
        if stream is not None:
            found.append(stream)
    return found


def _cursor(group: LogGroup, stream: LogStream, window: Window) -> _Cursor:
    prefix = event_prefix(group, stream)
    lower = prefix + ts_bytes(window.start_ms or 0)
    upper = prefix_end(prefix) if window.end_ms is None else prefix + ts_bytes(window.end_ms + 1)
    if window.resume is not None:
        # Events at the resume timestamp are read again and those already seen skipped.
        if window.forward:
            lower = max(lower, prefix + ts_bytes(window.resume[0]))
        else:
            bound = prefix + ts_bytes(window.resume[0] + 1)
            upper = bound if upper is None else min(upper, bound)
    return _Cursor(stream, lower, upper, int.from_bytes(stream.id))


async def _merge(
    tx: Tx,
    cursors: list[_Cursor],
    window: Window,
    matches: Callable[[str], bool],
    limit: int,
) -> FilterPage:
    heap: list[tuple[MergeKey, int]] = []
    for index, cursor in enumerate(cursors):
        await cursor.fill(tx, window)
        if cursor.buffered:
            heap.append((cursor.order(window), index))
    heapq.heapify(heap)
    found: list[FilteredEvent] = []
    page_bytes = 0
    examined = 0
    last: MergeKey | None = None
    while heap and len(found) < limit and examined < limits.LOGS_FILTER_SCAN_EVENTS:
        _, index = heap[0]
        cursor = cursors[index]
        merge, ts, ingestion, message = cursor.buffered[-1]
        if matches(message):
            size = len(message.encode()) + limits.LOGS_EVENT_OVERHEAD_BYTES
            if found and page_bytes + size > limits.LOGS_MAX_PAGE_BYTES:
                break
            page_bytes += size
            found.append(FilteredEvent(cursor.stream.name, ts, message, ingestion, event_id(merge)))
        cursor.buffered.pop()
        examined += 1
        last = merge
        await cursor.fill(tx, window)
        if cursor.buffered:
            heapq.heapreplace(heap, (cursor.order(window), index))
        else:
            heapq.heappop(heap)
    next_token = None
    if heap and last is not None:
        next_token = encode_cursor("f" if window.forward else "b", *last)
    return FilterPage(found, next_token)
