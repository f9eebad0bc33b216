"""ReturnItemCollectionMetrics: the size of an item collection (the items of one partition key
and their local secondary index entries), reported only for tables with local secondary
indexes, as DynamoDB does. The size is added up from the entries' headers when asked for, and
given as DynamoDB gives it: a range of whole gigabytes around it."""

from __future__ import annotations

from typing import Any

from skybus.engines.tables import keys
from skybus.engines.tables.codec import HEADER
from skybus.engines.tables.schema import TableMeta
from skybus.engines.tables.values import AttributeValue
from skybus.store.contract import Tx

_CHUNK = 1000
_GB = 1 << 30


async def _space_bytes(tx: Tx, space: str, prefix: bytes) -> int:
    total = 0
    after: bytes | None = None
    while True:
        rows = await tx.scan(space, prefix=prefix, after=after, limit=_CHUNK)
        total += sum(int.from_bytes(raw[1:HEADER], "big") for _, raw in rows)
        if len(rows) < _CHUNK:
            return total
        after = rows[-1][0]


async def metrics(
    tx: Tx, meta: TableMeta, wanted: str | None, hash_value: AttributeValue | None
) -> dict[str, Any] | None:
    """The ItemCollectionMetrics of the collection ``hash_value`` names, or None when it is not
    asked for (``wanted`` is not SIZE) or the table has no local secondary index."""
    if wanted != "SIZE" or hash_value is None or not any(i.local for i in meta.indexes):
        return None
    prefix = keys.partition_prefix(hash_value)
    total = await _space_bytes(tx, meta.space, prefix)
    for index in meta.indexes:
        if index.local:
            total += await _space_bytes(tx, meta.index_space(index), prefix)
    low = float(total // _GB)
    return {
        "ItemCollectionKey": {meta.hash_key.name: hash_value},
        "SizeEstimateRangeGB": [low, low + 1.0],
    }
