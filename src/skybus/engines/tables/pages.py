"""Reading one page of Query or Scan results from a range of the store's index.

DynamoDB stops a page when it has *evaluated* ``Limit`` items or read 1 MB of item data, both
counted before any filter, and then reports the key of the last item evaluated as
LastEvaluatedKey (even when that item was filtered out, and even when nothing is left after
it: DynamoDB does not look ahead). The range is read in chunks sized to what is still wanted,
inside one read transaction, so a page is a consistent snapshot and costs O(log n + page).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from skybus import limits
from skybus.engines.tables import codec, keys
from skybus.engines.tables.codec import HEADER
from skybus.engines.tables.schema import TableMeta
from skybus.engines.tables.values import Item
from skybus.store.contract import Tx

#: Rows fetched per store call when no smaller Limit applies.
CHUNK = 256


@dataclass(frozen=True, slots=True)
class Range:
    """Store keys in [start, end) (None: unbounded), read after ``after`` in scan order."""

    start: bytes | None
    end: bytes | None
    after: bytes | None = None
    reverse: bool = False


@dataclass(slots=True)
class Page:
    items: list[Item] = field(default_factory=list)
    count: int = 0
    scanned: int = 0
    read_bytes: int = 0
    last_key: Item | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a page is read from: the table's items, or an index's entries (whose keys are
    the index key and the item key, and which may lack attributes the caller wants)."""

    space: str
    last_key: Callable[[bytes, bytes], Item]
    """The LastEvaluatedKey of a (store key, stored value)."""
    fetch: Callable[[Item], Awaitable[Item | None]] | None = None
    """For an index that does not project everything asked for: the whole item."""


def table_source(meta: TableMeta) -> Source:
    return Source(meta.space, lambda key, _raw: key_from_store_key(meta, key))


async def read_page(
    tx: Tx,
    source: Source,
    rng: Range,
    *,
    limit: int | None,
    keep: Callable[[Item], bool] | None = None,
    shape: Callable[[Item], Item] | None = None,
    keep_items: bool = True,
) -> Page:
    """Evaluate items of ``rng`` in order until ``limit`` items or 1 MB; ``keep`` is the
    filter, ``shape`` the projection, ``keep_items`` False for Select=COUNT."""
    page = Page()
    items = page.items
    after = rng.after
    decode_all = keep is not None or keep_items
    fetch = source.fetch
    scanned = count = read_bytes = 0
    budget = limits.DDB_MAX_PAGE_BYTES
    # The loop runs once per item read: counters are locals, the header is read inline.
    while True:
        wanted = CHUNK if limit is None else min(CHUNK, limit - scanned)
        rows = await tx.scan(
            source.space,
            start=rng.start,
            end=rng.end,
            after=after,
            reverse=rng.reverse,
            limit=wanted,
        )
        for key, raw in rows:
            scanned += 1
            read_bytes += int.from_bytes(raw[1:HEADER], "big")
            if decode_all:
                item = codec.decode(raw)
                if fetch is not None:
                    item = await fetch(item) or item
                if keep is None or keep(item):
                    count += 1
                    if keep_items:
                        items.append(item if shape is None else shape(item))
            else:
                count += 1
            if scanned == limit or read_bytes >= budget:
                page.last_key = source.last_key(key, raw)
                break
        else:
            if len(rows) == wanted:
                after = rows[-1][0]
                continue
        page.scanned, page.count, page.read_bytes = scanned, count, read_bytes
        return page


def key_from_store_key(meta: TableMeta, key: bytes) -> Item:
    """The key attributes an item's store key was made from."""
    raw_hash, raw_range = keys.split_item_key(key)
    found: Item = {meta.hash_key.name: keys.decode_key_part(meta.hash_key.type, raw_hash)}
    if meta.range_key is not None:
        found[meta.range_key.name] = keys.decode_key_part(meta.range_key.type, raw_range)
    return found
