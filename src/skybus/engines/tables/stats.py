"""Item count and total item size per table, for DescribeTable.

The counters change in the same transaction as the items, so they are exact. They are split
into a few shards so that writers of different items on PostgreSQL rarely wait on the same
counter row; DescribeTable adds the shards up. One transaction always uses the same shard of
every counter, so that two transactions that each update several counters (a batch, an item
with indexes) never hold shards the other waits for in opposite orders. A write that changes
neither count nor size (an overwrite of the same size, most counter increments) does not touch
them at all.
"""

from __future__ import annotations

import struct

from skybus.engines.tables.schema import STATS_SPACE
from skybus.store.contract import Tx

SHARDS = 8
_COUNTERS = struct.Struct(">qq")


def _shard_key(table_id: str, shard: int) -> bytes:
    return f"{table_id}/".encode() + bytes((shard,))


async def add(tx: Tx, table_id: str, count: int, size: int) -> None:
    """Add ``count`` items and ``size`` bytes (either may be negative) to a table's (or an
    index's) counters."""
    if not count and not size:
        return
    key = _shard_key(table_id, (id(tx) >> 4) % SHARDS)
    old = await tx.get(STATS_SPACE, key, for_update=True)
    total_count, total_size = _COUNTERS.unpack(old) if old is not None else (0, 0)
    await tx.put(STATS_SPACE, key, _COUNTERS.pack(total_count + count, total_size + size))


async def totals(tx: Tx, table_id: str) -> tuple[int, int]:
    count = size = 0
    for _, value in await tx.scan(STATS_SPACE, prefix=f"{table_id}/".encode()):
        shard_count, shard_size = _COUNTERS.unpack(value)
        count += shard_count
        size += shard_size
    return max(count, 0), max(size, 0)


async def drop(tx: Tx, table_id: str) -> None:
    for key, _ in await tx.scan(STATS_SPACE, prefix=f"{table_id}/".encode()):
        await tx.delete(STATS_SPACE, key)
