"""Log streams: creation, deletion and DescribeLogStreams in name or last-event order."""

from __future__ import annotations

from dataclasses import dataclass

from skybus import limits
from skybus.engines.logs.errors import (
    deletion_protected,
    invalid,
    stream_exists,
    stream_not_found,
)
from skybus.engines.logs.groups import load_group
from skybus.engines.logs.records import (
    STREAMS,
    LogGroup,
    LogStream,
    event_prefix,
    new_id,
    stream_key,
)
from skybus.engines.logs.sweeper import schedule_sweep
from skybus.engines.logs.tokens import decode_cursor, encode_cursor
from skybus.store import Store
from skybus.store.contract import Tx


@dataclass(frozen=True, slots=True)
class StreamPage:
    group: LogGroup
    streams: list[LogStream]
    next_token: str | None


async def create_stream(
    store: Store, account: str, region: str, group_name: str, name: str, *, now_ms: int
) -> None:
    async def create(tx: Tx) -> None:
        group = await load_group(tx, account, region, group_name)
        stream = LogStream(name=name, sid=new_id(), created_ms=now_ms)
        if not await STREAMS.insert(tx, stream_key(group, name), stream):
            raise stream_exists()

    await store.write(create)


async def ensure_stream(tx: Tx, group: LogGroup, name: str, now_ms: int) -> LogStream:
    """The stream, locked for this transaction and created when missing."""
    key = stream_key(group, name)
    stream = await STREAMS.get(tx, key, for_update=True)
    if stream is None:
        stream = LogStream(name=name, sid=new_id(), created_ms=now_ms)
        await STREAMS.put(tx, key, stream)
    return stream


async def delete_stream(
    store: Store, account: str, region: str, group_name: str, name: str
) -> None:
    async def delete(tx: Tx) -> None:
        group = await load_group(tx, account, region, group_name)
        key = stream_key(group, name)
        stream = await STREAMS.get(tx, key, for_update=True)
        if stream is None:
            raise stream_not_found()
        if group.deletion_protection:
            raise deletion_protected()
        await STREAMS.delete(tx, key)
        await schedule_sweep(tx, event_prefix(group, stream), streams=False)

    await store.write(delete)


async def describe_streams(
    store: Store,
    account: str,
    region: str,
    group_name: str,
    *,
    prefix: str | None = None,
    by_last_event: bool = False,
    descending: bool = False,
    token: str | None = None,
    limit: int = limits.LOGS_DESCRIBE_LIMIT,
) -> StreamPage:
    if by_last_event and prefix is not None:
        raise invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")

    async def read(tx: Tx) -> StreamPage:
        group = await load_group(tx, account, region, group_name)
        if by_last_event:
            return await _by_last_event(tx, group, descending, token, limit)
        after = None if token is None else stream_key(group, str(decode_cursor(token, "s")[0]))
        rows = await STREAMS.scan(
            tx,
            prefix=stream_key(group, prefix or ""),
            after=after,
            reverse=descending,
            limit=limit + 1,
        )
        more = len(rows) > limit
        rows = rows[:limit]
        next_token = encode_cursor(rows[-1].name) if more else None
        return StreamPage(group, rows, next_token)

    return await store.read(read)


async def _by_last_event(
    tx: Tx, group: LogGroup, descending: bool, token: str | None, limit: int
) -> StreamPage:
    # Ordering by last event time sorts the group's streams in memory: keeping a second index
    # in that order would cost two more writes on every PutLogEvents, the hot path, for a
    # listing AWS itself documents as eventually consistent.
    streams = await STREAMS.scan(tx, prefix=group.id)

    def order(stream: LogStream) -> tuple[int, str]:
        # Streams without events have no lastEventTimestamp; they sort as the oldest.
        last = -1 if stream.last_event_ms is None else stream.last_event_ms
        return last, stream.name

    streams.sort(key=order, reverse=descending)
    if token is not None:
        last, name = decode_cursor(token, "is")
        position = (int(last) - 1, str(name))
        if descending:
            streams = [s for s in streams if order(s) < position]
        else:
            streams = [s for s in streams if order(s) > position]
    more = len(streams) > limit
    streams = streams[:limit]
    next_token = None
    if more:
        last_ms, last_name = order(streams[-1])
        next_token = encode_cursor(last_ms + 1, last_name)
    return StreamPage(group, streams, next_token)
