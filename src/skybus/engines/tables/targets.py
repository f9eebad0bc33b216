"""What a Query or Scan reads: the table itself, or one of its secondary indexes (IndexName).

An index is read through its own entries, in index-key order. Its LastEvaluatedKey and
ExclusiveStartKey hold the table's key and the index's key. A local index that does not project
what the request asks for (Select=ALL_ATTRIBUTES, or a projected or filtered attribute it does
not hold) reads the rest from the table, as DynamoDB does; a global index refuses instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skybus.engines.tables import codec, indexes, keys
from skybus.engines.tables.errors import invalid, validation
from skybus.engines.tables.expressions import Compiled
from skybus.engines.tables.expressions.scan import paths_of
from skybus.engines.tables.itemkeys import start_store_key
from skybus.engines.tables.pages import Source, table_source
from skybus.engines.tables.schema import IndexMeta, KeyPart, TableMeta
from skybus.engines.tables.values import Item
from skybus.store.contract import Tx

STARTING_KEY_INVALID = "The provided starting key is invalid"


@dataclass(frozen=True, slots=True)
class Target:
    meta: TableMeta
    index: IndexMeta | None
    source: Source
    schema: list[KeyPart]
    """The key schema a key condition is matched against (hash first)."""
    key_names: tuple[str, ...]
    """The primary key attributes of what is read (a Query filter may not name them)."""
    start_key: Callable[[Item], bytes]
    """The store key of an ExclusiveStartKey, checked."""


def choose_target(tx: Tx, meta: TableMeta, params: dict[str, Any], compiled: Compiled) -> Target:
    name = params.get("IndexName")
    if name is None:
        schema = [part for part in (meta.hash_key, meta.range_key) if part is not None]
        return Target(
            meta,
            None,
            table_source(meta),
            schema,
            meta.key_names,
            lambda start: start_store_key(meta, start),
        )
    index = meta.index(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if index.status != "ACTIVE":
        raise validation(f"Cannot read from backfilling global secondary index: {name}")
    if not index.local and params.get("ConsistentRead"):
        raise validation("Consistent reads are not supported on global secondary indexes")
    names = tuple(dict.fromkeys((*meta.key_names, *index.key_names)))

    def last_key(_key: bytes, raw: bytes) -> Item:
        entry = codec.decode(raw)
        return {n: entry[n] for n in names if n in entry}

    fetch = None
    if _needs_table(meta, index, params, compiled):

        async def fetch_item(entry: Item) -> Item | None:
            hash_value = entry[meta.hash_key.name]
            range_value = None if meta.range_key is None else entry[meta.range_key.name]
            raw = await tx.get(meta.space, keys.item_key(hash_value, range_value))
            return None if raw is None else codec.decode(raw)

        fetch = fetch_item
    schema = [part for part in (index.hash_key, index.range_key) if part is not None]
    return Target(
        meta,
        index,
        Source(meta.index_space(index), last_key, fetch),
        schema,
        index.key_names,
        lambda start: _index_start(meta, index, names, start),
    )


def _needs_table(
    meta: TableMeta, index: IndexMeta, params: dict[str, Any], compiled: Compiled
) -> bool:
    held = indexes.projects(meta, index)
    if held is None:
        return False
    wanted: set[str] = set()
    if compiled.projection is not None:
        wanted.update(path.top for path in compiled.projection.paths)
    missing = sorted(wanted - held)
    if not index.local:
        if params.get("Select") == "ALL_ATTRIBUTES":
            raise invalid(
                f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
                f"{index.name} because its projection type is not ALL"
            )
        if missing:
            raise invalid(
                f"Global secondary index {index.name} does not project [{', '.join(missing)}]"
            )
        return False
    if compiled.filter is not None:
        wanted.update(path.top for path in paths_of(compiled.filter.tree))
    return params.get("Select") == "ALL_ATTRIBUTES" or bool(wanted - held)


def _index_start(meta: TableMeta, index: IndexMeta, names: tuple[str, ...], start: Item) -> bytes:
    if set(start) != set(names):
        raise validation(STARTING_KEY_INVALID)
    table_key = start_store_key(meta, {n: start[n] for n in meta.key_names})
    for part in (index.hash_key, index.range_key):
        if part is not None and part.type not in start[part.name]:
            raise validation(
                f"{STARTING_KEY_INVALID}: The provided key element does not match the schema"
            )
    entry = indexes.entry_key(index, start, table_key)
    if entry is None:  # pragma: no cover - every index key attribute was checked above
        raise validation(STARTING_KEY_INVALID)
    return entry
