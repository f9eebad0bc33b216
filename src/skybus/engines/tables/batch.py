"""BatchGetItem and BatchWriteItem.

The whole request is checked before anything is read or written (counts, duplicates, every
item and key, every table), as AWS does: a bad entry fails the batch and changes nothing.
BatchWriteItem then applies all of its writes in one store transaction, in key order (so two
batches on PostgreSQL lock the same items in the same order), with the table counters updated
once per table at the end. Nothing is ever left unprocessed: Skybus does not throttle, so
UnprocessedItems is always empty. BatchGetItem reads in one snapshot and leaves the keys past
16 MB of items in UnprocessedKeys, as AWS does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.tables import capacity, codec, indexes, itemcollections, keys, stats
from skybus.engines.tables.catalog import Catalog
from skybus.engines.tables.compiled import CompiledCache
from skybus.engines.tables.errors import validation
from skybus.engines.tables.expressions import ProjectionExpr, project
from skybus.engines.tables.itemkeys import item_store_key, key_store_key
from skybus.engines.tables.items import checked_item, checked_key
from skybus.engines.tables.schema import TableMeta, TableRef
from skybus.engines.tables.values import Item
from skybus.store.contract import Tx

if TYPE_CHECKING:
    from skybus.node import Node

Params = dict[str, Any]
Result = dict[str, Any]

DUPLICATES = "Provided list of item keys contains duplicates"


@dataclass(slots=True)
class _Write:
    """One entry of a BatchWriteItem: a put (``item`` set) or a delete."""

    table: str
    key_param: Item | None = None
    item: Item | None = None
    size: int = 0
    encoded: bytes = b""


@dataclass(slots=True)
class _TableWrites:
    ref: TableRef
    writes: list[_Write] = field(default_factory=list)
    units: float = 0.0
    index_units: capacity.IndexUnits = field(default_factory=dict)
    collections: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _TableReads:
    name: str
    ref: TableRef
    keys: list[Item]
    projection: ProjectionExpr | None
    request: Params
    consistent: bool


class BatchOps:
    def __init__(self, node: Node, catalog: Catalog, cache: CompiledCache) -> None:
        self.node = node
        self.catalog = catalog
        self.cache = cache

    async def write(self, account: str, region: str, params: Params) -> Result:
        requested: dict[str, list[dict[str, Any]]] = params["RequestItems"]
        if sum(len(entries) for entries in requested.values()) > limits.DDB_MAX_BATCH_WRITE_ITEMS:
            raise validation("Too many items requested for the BatchWriteItem call")
        tables: list[_TableWrites] = []
        for name, entries in requested.items():
            table = _TableWrites(self.catalog.ref(account, region, name))
            for entry in entries:
                put, delete = entry.get("PutRequest"), entry.get("DeleteRequest")
                if (put is None) == (delete is None):
                    raise validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain "
                        "exactly one of the supported datatypes"
                    )
                if put is not None:
                    item, size = checked_item(put)
                    table.writes.append(_Write(name, None, item, size, codec.encode(item, size)))
                else:
                    assert delete is not None
                    table.writes.append(_Write(name, checked_key(delete["Key"])))
            tables.append(table)

        async def apply(tx: Tx) -> None:
            for table in tables:
                # The function runs again when PostgreSQL retries it.
                table.units = 0.0
                table.index_units = {}
                table.collections = []
            planned: list[tuple[str, bytes, _Write, _TableWrites, TableMeta]] = []
            for table in tables:
                meta = await self.catalog.current(tx, table.ref)
                seen: set[bytes] = set()
                for write in table.writes:
                    if write.item is not None:
                        key = item_store_key(meta, write.item)
                        if meta.indexes:
                            indexes.check_index_keys(meta, write.item)
                    else:
                        assert write.key_param is not None
                        key = key_store_key(meta, write.key_param)
                    if key in seen:
                        raise validation(DUPLICATES)
                    seen.add(key)
                    planned.append((meta.space, key, write, table, meta))
            deltas: dict[str, list[int]] = {}
            for space, key, write, table, meta in sorted(planned, key=lambda p: (p[0], p[1])):
                raw_old = await tx.get(space, key, for_update=True)
                old_size = 0 if raw_old is None else codec.stored_size(raw_old)
                delta = deltas.setdefault(meta.id, [0, 0])
                if write.item is not None:
                    await tx.put(space, key, write.encoded)
                    delta[0] += 0 if raw_old is not None else 1
                    delta[1] += write.size - old_size
                    table.units += capacity.write_units(max(write.size, old_size))
                else:
                    if raw_old is not None:
                        await tx.delete(space, key)
                        delta[0] -= 1
                        delta[1] -= old_size
                    table.units += capacity.write_units(old_size)
                if meta.indexes:
                    old = None if raw_old is None else codec.decode(raw_old)
                    spent = indexes.IndexWrites()
                    await indexes.maintain(tx, meta, key, old, write.item, spent, deltas)
                    for name, units in spent.units.items():
                        index = meta.index(name)
                        if index is not None:
                            _, before = table.index_units.get(name, (index.local, 0.0))
                            table.index_units[name] = (index.local, before + units)
            for table_id, (count, size) in sorted(deltas.items()):
                await stats.add(tx, table_id, count, size)
            wanted = params.get("ReturnItemCollectionMetrics")
            done: set[tuple[str, bytes]] = set()
            for space, key, write, table, meta in planned:
                partition = keys.split_item_key(key)[0]
                if (space, partition) in done:
                    continue
                done.add((space, partition))
                written = write.item if write.item is not None else write.key_param
                hash_value = None if written is None else written.get(meta.hash_key.name)
                found = await itemcollections.metrics(tx, meta, wanted, hash_value)
                if found is not None:
                    table.collections.append(found)

        await self.node.store.write(apply)
        result: Result = {"UnprocessedItems": {}}
        collections = {t.ref.name: t.collections for t in tables if t.collections}
        if collections:
            result["ItemCollectionMetrics"] = collections
        mode = params.get("ReturnConsumedCapacity")
        reports = [capacity.report(mode, t.ref.name, t.units, t.index_units) for t in tables]
        if mode not in (None, "NONE"):
            result["ConsumedCapacity"] = reports
        return result

    async def get(self, account: str, region: str, params: Params) -> Result:
        requested: dict[str, Params] = params["RequestItems"]
        if sum(len(r["Keys"]) for r in requested.values()) > limits.DDB_MAX_BATCH_GET_KEYS:
            raise validation("Too many items requested for the BatchGetItem call")
        tables: list[_TableReads] = []
        for name, request in requested.items():
            ref = self.catalog.ref(account, region, name)
            projection = self.cache.compile("GetItem", request).projection
            keys = [checked_key(key) for key in request["Keys"]]
            consistent = bool(request.get("ConsistentRead"))
            tables.append(_TableReads(name, ref, keys, projection, request, consistent))

        async def read(tx: Tx) -> list[list[tuple[Item, bytes | None]]]:
            metas: list[TableMeta] = []
            store_keys: list[list[bytes]] = []
            for table in tables:
                meta = await self.catalog.current(tx, table.ref)
                found = [key_store_key(meta, key) for key in table.keys]
                if len(set(found)) != len(found):
                    raise validation(DUPLICATES)
                metas.append(meta)
                store_keys.append(found)
            budget = limits.DDB_MAX_BATCH_GET_BYTES
            out: list[list[tuple[Item, bytes | None]]] = []
            for table, meta, found in zip(tables, metas, store_keys, strict=True):
                rows: list[tuple[Item, bytes | None]] = []
                for key_param, key in zip(table.keys, found, strict=True):
                    if budget <= 0:
                        rows.append((key_param, b""))
                        continue
                    raw = await tx.get(meta.space, key)
                    if raw is not None:
                        budget -= codec.stored_size(raw)
                    rows.append((key_param, raw))
                out.append(rows)
            return out

        rows_per_table = await self.node.store.read(read)
        responses: dict[str, list[Item]] = {}
        unprocessed: dict[str, Params] = {}
        mode = params.get("ReturnConsumedCapacity")
        reports: list[dict[str, Any] | None] = []
        for table, rows in zip(tables, rows_per_table, strict=True):
            items = responses.setdefault(table.name, [])
            left: list[Item] = []
            units = 0.0
            for key_param, raw in rows:
                if raw == b"":
                    left.append(key_param)
                    continue
                size = 0 if raw is None else codec.stored_size(raw)
                units += capacity.read_units(size, table.consistent)
                if raw is None:
                    continue
                item = codec.decode(raw)
                if table.projection is not None:
                    item = project(table.projection.paths, item)
                items.append(item)
            if left:
                unprocessed[table.name] = {**table.request, "Keys": left}
            reports.append(capacity.report(mode, table.ref.name, units))
        result: Result = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if mode not in (None, "NONE"):
            result["ConsumedCapacity"] = reports
        return result
