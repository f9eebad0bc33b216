"""Secondary index entries, kept in the same transaction as the item they index.

Each index has its own space. An entry's key is the index key in the same order-preserving
encoding as item keys, followed by the item's own key, which makes entries unique (index keys
need not be) while keeping them in index-key order:

    entry key = partition_prefix(index hash) + escape(index range) + 0x00 0x01 + item key

The index range value is escaped (0x00 -> 0x00 0xFF) and terminated like the partition key, so
that a shorter value sorts before its extensions whatever bytes the item key starts with. An
entry's value is the projected item (ALL, KEYS_ONLY or INCLUDE) in the item format. Items
without the index's key attributes have no entry: indexes are sparse, as on AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skybus import limits
from skybus.engines.tables import capacity, codec, keys, stats
from skybus.engines.tables.errors import invalid, validation
from skybus.engines.tables.schema import IndexMeta, TableMeta
from skybus.engines.tables.values import AttributeValue, Item, item_size
from skybus.store.contract import Tx

_TERMINATOR = b"\x00\x01"
_AFTER_TERMINATOR = b"\x00\x02"


def stats_id(meta: TableMeta, index: IndexMeta) -> str:
    return f"{meta.id}:{index.id}"


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\x00", b"\x00\xff")


def check_index_keys(meta: TableMeta, item: Item) -> None:
    """An item's values for index key attributes must have the attribute's type, and S and B
    values may not be empty (an attribute may be absent: the item is then not indexed)."""
    for index in meta.indexes:
        for part, is_range in ((index.hash_key, False), (index.range_key, True)):
            if part is None:
                continue
            value = item.get(part.name)
            if value is None:
                continue
            if part.type not in value:
                actual = next(iter(value), "")
                raise invalid(
                    f"Type mismatch for Index Key {part.name} Expected: {part.type} Actual: "
                    f"{actual} IndexName: {index.name}"
                )
            content = value[part.type]
            if part.type != "N" and not content:
                what = "string" if part.type == "S" else "binary"
                raise validation(
                    "One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key "
                    f"attribute cannot contain an empty {what} value. IndexName: {index.name}, "
                    f"IndexKey: {part.name}"
                )
            size = len(content.encode("utf-8", "surrogatepass")) if part.type == "S" else 0
            size = len(content) if part.type == "B" else size
            limit = limits.DDB_MAX_RANGE_KEY_BYTES if is_range else limits.DDB_MAX_HASH_KEY_BYTES
            if size > limit:
                what = "range" if is_range else "hash"
                raise invalid(
                    f"Index key size has exceeded the maximum {what} key size limit of "
                    f"{limit} bytes. IndexName: {index.name}, IndexKey: {part.name}"
                )


def index_prefix(hash_value: AttributeValue, range_value: AttributeValue | None) -> bytes:
    prefix = keys.partition_prefix(hash_value)
    if range_value is None:
        return prefix
    return prefix + _escape(keys.encode_key_part(range_value)) + _TERMINATOR


def entry_key(index: IndexMeta, item: Item, item_key: bytes) -> bytes | None:
    """The entry key of ``item`` (stored under ``item_key``) in ``index``; None when the item
    lacks the index key."""
    hash_value = item.get(index.hash_key.name)
    if hash_value is None or index.hash_key.type not in hash_value:
        return None
    range_value = None
    if index.range_key is not None:
        range_value = item.get(index.range_key.name)
        if range_value is None or index.range_key.type not in range_value:
            return None
    return index_prefix(hash_value, range_value) + item_key


def sort_bound(prefix: bytes, raw: bytes, *, lower: bool, inclusive: bool) -> bytes:
    """A store-key bound selecting index range values above (``lower``) or below ``raw``."""
    base = prefix + _escape(raw)
    if lower:
        return base + (_TERMINATOR if inclusive else _AFTER_TERMINATOR)
    return base + (_AFTER_TERMINATOR if inclusive else _TERMINATOR)


def projected(meta: TableMeta, index: IndexMeta, item: Item) -> Item:
    """The part of an item an index keeps."""
    if index.projection == "ALL":
        return item
    names = [*meta.key_names, *index.key_names]
    if index.projection == "INCLUDE":
        names.extend(index.non_key)
    return {name: item[name] for name in dict.fromkeys(names) if name in item}


def projects(meta: TableMeta, index: IndexMeta) -> frozenset[str] | None:
    """The top-level attributes an index holds (None: all of them)."""
    if index.projection == "ALL":
        return None
    names = {*meta.key_names, *index.key_names}
    if index.projection == "INCLUDE":
        names.update(index.non_key)
    return frozenset(names)


@dataclass(slots=True)
class IndexWrites:
    """Write units spent on each index by one item write (for ReturnConsumedCapacity)."""

    units: dict[str, float] = field(default_factory=dict)

    def total(self) -> float:
        return sum(self.units.values())


async def maintain(
    tx: Tx,
    meta: TableMeta,
    item_key: bytes,
    old: Item | None,
    new: Item | None,
    spent: IndexWrites | None = None,
    deltas: dict[str, list[int]] | None = None,
) -> None:
    """Bring every index of the table up to date with an item going from ``old`` to ``new``
    (None: absent). With ``deltas``, counter changes are added there for the caller to apply
    at the end of its transaction (a batch locks its counters last, in order)."""
    for index in meta.indexes:
        space = meta.index_space(index)
        old_key = None if old is None else entry_key(index, old, item_key)
        new_key = None if new is None else entry_key(index, new, item_key)
        if old_key is None and new_key is None:
            continue
        old_value = None if old is None or old_key is None else projected(meta, index, old)
        new_value = None if new is None or new_key is None else projected(meta, index, new)
        present = old_value is not None
        if present and index.status != "ACTIVE":
            # An index being filled may not have the old entry yet.
            present = await tx.get(space, old_key or b"") is not None
        if present and old_key == new_key and old_value == new_value:
            continue
        units = 0.0
        count = 0
        size = 0
        if present and old_value is not None:
            old_size = item_size(old_value)
            size -= old_size
            if old_key != new_key:
                await tx.delete(space, old_key or b"")
                count -= 1
                units += capacity.write_units(old_size)
        if new_key is not None and new_value is not None:
            new_size = item_size(new_value)
            size += new_size
            await tx.put(space, new_key, codec.encode(new_value, new_size))
            if not (present and old_key == new_key):
                count += 1
            units += capacity.write_units(new_size)
        if deltas is None:
            await stats.add(tx, stats_id(meta, index), count, size)
        else:
            delta = deltas.setdefault(stats_id(meta, index), [0, 0])
            delta[0] += count
            delta[1] += size
        if spent is not None:
            spent.units[index.name] = spent.units.get(index.name, 0.0) + units


async def drop(tx: Tx, meta: TableMeta, index: IndexMeta) -> None:
    await tx.drop_space(meta.index_space(index))
    await stats.drop(tx, stats_id(meta, index))
