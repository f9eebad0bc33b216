"""PutItem, GetItem, UpdateItem and DeleteItem.

Every write is one store transaction that looks the table up, reads the old item with a lock
(``for_update``), checks the condition against it, writes, and keeps the table's counters, so
conditional writes and ADD counters are atomic on both backends: on SQLite the single writer
runs one transaction function at a time; on PostgreSQL the key lock makes concurrent writers of
one item wait for each other. Nothing is acknowledged before the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.tables import capacity, codec, indexes, itemcollections, stats
from skybus.engines.tables.catalog import Catalog
from skybus.engines.tables.compiled import CompiledCache
from skybus.engines.tables.errors import condition_failed, validation
from skybus.engines.tables.expressions import (
    ExpressionError,
    apply_update,
    evaluate_condition,
    project,
)
from skybus.engines.tables.itemkeys import item_store_key, key_store_key, value_error
from skybus.engines.tables.schema import TableMeta
from skybus.engines.tables.values import (
    ITEM_TOO_LARGE,
    UPDATE_TOO_LARGE,
    InvalidValue,
    Item,
    check_item,
    check_value,
    item_size,
)
from skybus.store.contract import Tx

if TYPE_CHECKING:
    from skybus.node import Node

Params = dict[str, Any]
Result = dict[str, Any]

INVALID_RETURN_VALUES = "Return values set to invalid value"
_OLD_ONLY = ("NONE", "ALL_OLD")


def checked_item(params: Params) -> tuple[Item, int]:
    """The Item parameter, validated, and its size."""
    try:
        item = check_item(params["Item"])
    except InvalidValue as exc:
        raise value_error(exc) from None
    size = item_size(item)
    if size > limits.DDB_MAX_ITEM_BYTES:
        raise validation(ITEM_TOO_LARGE)
    return item, size


def checked_key(key: Any) -> Item:
    """A Key parameter with its values validated (numbers canonical)."""
    try:
        return {name: check_value(value, path=name) for name, value in key.items()}
    except InvalidValue as exc:
        raise value_error(exc) from None


def return_values(params: Params, allowed: tuple[str, ...]) -> str:
    wanted: str = params.get("ReturnValues") or "NONE"
    if wanted not in allowed:
        raise validation(INVALID_RETURN_VALUES)
    return wanted


@dataclass(slots=True)
class Written:
    """What one write transaction hands back to build the response."""

    old: Item | None
    new: Item | None
    units: float
    attributes: Item | None = None
    index_units: capacity.IndexUnits | None = None
    collection: dict[str, Any] | None = None


async def after_write(
    tx: Tx,
    meta: TableMeta,
    key: bytes,
    old: Item | None,
    new: Item | None,
    done: Written,
    params: Params,
) -> Written:
    """Keep the table's secondary indexes in step with the write, noting their cost and, when
    asked for, the size of the item collection written to."""
    if meta.indexes:
        spent = indexes.IndexWrites()
        await indexes.maintain(tx, meta, key, old, new, spent)
        done.index_units = {
            name: (index.local, units)
            for name, units in spent.units.items()
            if (index := meta.index(name)) is not None
        }
        written = new if new is not None else old
        hash_value = None if written is None else written.get(meta.hash_key.name)
        done.collection = await itemcollections.metrics(
            tx, meta, params.get("ReturnItemCollectionMetrics"), hash_value
        )
    return done


def respond(done: Written, params: Params, table: str, result: Result) -> Result:
    capacity.add_report(
        result, params.get("ReturnConsumedCapacity"), table, done.units, done.index_units
    )
    if done.collection is not None:
        result["ItemCollectionMetrics"] = done.collection
    return result


class ItemOps:
    def __init__(self, node: Node, catalog: Catalog, cache: CompiledCache) -> None:
        self.node = node
        self.catalog = catalog
        self.cache = cache

    async def put(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        wanted = return_values(params, _OLD_ONLY)
        item, size = checked_item(params)
        compiled = self.cache.compile("PutItem", params)
        condition = compiled.condition
        old_on_failure = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        encoded = codec.encode(item, size)

        async def write(tx: Tx) -> Written:
            meta = await self.catalog.current(tx, ref)
            key = item_store_key(meta, item)
            if meta.indexes:
                indexes.check_index_keys(meta, item)
            raw_old = await tx.get(meta.space, key, for_update=True)
            old = None
            if raw_old is not None and (
                condition is not None or wanted == "ALL_OLD" or meta.indexes
            ):
                old = codec.decode(raw_old)
            if condition is not None and not evaluate_condition(condition, old):
                raise condition_failed(old if old_on_failure else None)
            await tx.put(meta.space, key, encoded)
            old_size = 0 if raw_old is None else codec.stored_size(raw_old)
            await stats.add(tx, meta.id, 0 if raw_old is not None else 1, size - old_size)
            done = Written(old, item, capacity.write_units(max(size, old_size)))
            return await after_write(tx, meta, key, old, item, done, params)

        done = await self.node.store.write(write)
        result: Result = {}
        if wanted == "ALL_OLD" and done.old is not None:
            result["Attributes"] = done.old
        return respond(done, params, ref.name, result)

    async def get(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        key_param = checked_key(params["Key"])
        compiled = self.cache.compile("GetItem", params)
        consistent = bool(params.get("ConsistentRead"))

        async def read(tx: Tx) -> bytes | None:
            meta = await self.catalog.current(tx, ref)
            return await tx.get(meta.space, key_store_key(meta, key_param))

        raw = await self.node.store.read(read)
        result: Result = {}
        if raw is not None:
            item = codec.decode(raw)
            if compiled.projection is not None:
                item = project(compiled.projection.paths, item)
            result["Item"] = item
        units = capacity.read_units(0 if raw is None else codec.stored_size(raw), consistent)
        capacity.add_report(result, params.get("ReturnConsumedCapacity"), ref.name, units)
        return result

    async def delete(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        wanted = return_values(params, _OLD_ONLY)
        key_param = checked_key(params["Key"])
        compiled = self.cache.compile("DeleteItem", params)
        condition = compiled.condition
        old_on_failure = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"

        async def write(tx: Tx) -> Written:
            meta = await self.catalog.current(tx, ref)
            key = key_store_key(meta, key_param)
            raw_old, old = await _locked_old(tx, meta.space, key, condition, old_on_failure)
            if raw_old is None:
                return Written(None, None, capacity.write_units(0))
            await tx.delete(meta.space, key)
            old_size = codec.stored_size(raw_old)
            await stats.add(tx, meta.id, -1, -old_size)
            done = Written(old, None, capacity.write_units(old_size))
            return await after_write(tx, meta, key, old, None, done, params)

        done = await self.node.store.write(write)
        result: Result = {}
        if wanted == "ALL_OLD" and done.old is not None:
            result["Attributes"] = done.old
        return respond(done, params, ref.name, result)

    async def update(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        wanted = return_values(params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
        key_param = checked_key(params["Key"])
        compiled = self.cache.compile("UpdateItem", params)
        condition = compiled.condition
        update = compiled.update
        old_on_failure = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"

        async def write(tx: Tx) -> Written:
            meta = await self.catalog.current(tx, ref)
            key = key_store_key(meta, key_param)
            raw_old, old = await _locked_old(tx, meta.space, key, condition, old_on_failure)
            if update is None:
                new = old if old is not None else dict(key_param)
                touched: tuple[Any, ...] = ()
            else:
                try:
                    outcome = apply_update(update, old, meta.key_names, key_param)
                except ExpressionError as exc:
                    raise validation(str(exc)) from None
                new, touched = outcome.item, outcome.paths
            size = item_size(new)
            if size > limits.DDB_MAX_ITEM_BYTES:
                raise validation(UPDATE_TOO_LARGE)
            if meta.indexes:
                indexes.check_index_keys(meta, new)
            await tx.put(meta.space, key, codec.encode(new, size))
            old_size = 0 if raw_old is None else codec.stored_size(raw_old)
            await stats.add(tx, meta.id, 0 if raw_old is not None else 1, size - old_size)
            done = Written(old, new, capacity.write_units(max(size, old_size)))
            done.attributes = _update_attributes(meta, wanted, old, new, touched)
            return await after_write(tx, meta, key, old, new, done, params)

        done = await self.node.store.write(write)
        result: Result = {}
        if done.attributes:
            result["Attributes"] = done.attributes
        return respond(done, params, ref.name, result)


def _update_attributes(
    meta: TableMeta, wanted: str, old: Item | None, new: Item, touched: tuple[Any, ...]
) -> Item | None:
    """ReturnValues of UpdateItem: UPDATED_* are the touched paths (never key attributes),
    nested as in the item."""
    if wanted == "ALL_OLD":
        return old
    if wanted == "ALL_NEW":
        return new
    if wanted in ("UPDATED_OLD", "UPDATED_NEW"):
        source = old if wanted == "UPDATED_OLD" else new
        if source is None:
            return None
        paths = [p for p in touched if p.top not in meta.key_names]
        return project(paths, source) or None
    return None


async def _locked_old(
    tx: Tx, space: str, key: bytes, condition: Any, old_on_failure: bool
) -> tuple[bytes | None, Item | None]:
    """The stored item under ``key``, locked for this write, after the request's condition
    passed on it (ConditionalCheckFailed otherwise, with the item when asked for)."""
    raw_old = await tx.get(space, key, for_update=True)
    old = None if raw_old is None else codec.decode(raw_old)
    if condition is not None and not evaluate_condition(condition, old):
        raise condition_failed(old if old_on_failure else None)
    return raw_old, old
