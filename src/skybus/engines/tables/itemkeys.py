"""An item's primary key: checked against the table's key schema and turned into its store key.

The checks are AWS's, in its words: a Key parameter must hold exactly the key attributes, with
the schema's types ("The provided key element does not match the schema"); an item must hold
them ("Missing the key pk in the item"); key values may not be empty and have size limits.
"""

from __future__ import annotations

from skybus.engines.tables import keys
from skybus.engines.tables.errors import invalid, key_mismatch, validation
from skybus.engines.tables.schema import TableMeta
from skybus.engines.tables.values import AttributeValue, InvalidValue, Item, check_key_value
from skybus.wire.errors import ServiceError


def value_error(exc: InvalidValue, prefix: str = "") -> ServiceError:
    """A value check's failure as the error AWS answers with."""
    return ServiceError(exc.code, prefix + str(exc))


def _check_key_value(value: AttributeValue, name: str, *, sort_key: bool) -> None:
    try:
        check_key_value(value, name, sort_key=sort_key)
    except InvalidValue as exc:
        raise value_error(exc) from None


def item_store_key(meta: TableMeta, item: Item) -> bytes:
    """The store key of an item being written whole (PutItem, BatchWriteItem)."""
    parts: list[AttributeValue] = []
    for part, is_sort in ((meta.hash_key, False), (meta.range_key, True)):
        if part is None:
            break
        value = item.get(part.name)
        if value is None:
            raise invalid(f"Missing the key {part.name} in the item")
        if part.type not in value:
            actual = next(iter(value), "")
            raise invalid(
                f"Type mismatch for key {part.name} expected: {part.type} actual: {actual}"
            )
        _check_key_value(value, part.name, sort_key=is_sort)
        parts.append(value)
    return keys.item_key(parts[0], parts[1] if len(parts) > 1 else None)


def key_store_key(meta: TableMeta, key: Item) -> bytes:
    """The store key of a Key parameter (GetItem, UpdateItem, DeleteItem, BatchGetItem...),
    whose values have been checked already."""
    hash_value = key.get(meta.hash_key.name)
    expected = 1 if meta.range_key is None else 2
    if len(key) != expected or hash_value is None or meta.hash_key.type not in hash_value:
        raise key_mismatch()
    _check_key_value(hash_value, meta.hash_key.name, sort_key=False)
    if meta.range_key is None:
        return keys.item_key(hash_value, None)
    range_value = key.get(meta.range_key.name)
    if range_value is None or meta.range_key.type not in range_value:
        raise key_mismatch()
    _check_key_value(range_value, meta.range_key.name, sort_key=True)
    return keys.item_key(hash_value, range_value)


def start_store_key(meta: TableMeta, start: Item) -> bytes:
    """The store key of an ExclusiveStartKey ("The provided starting key is invalid: ...")."""
    try:
        return key_store_key(meta, start)
    except ServiceError as exc:
        raise validation(f"The provided starting key is invalid: {exc.message}") from None


def key_of(meta: TableMeta, item: Item) -> Item:
    """The key attributes of a stored item (LastEvaluatedKey, UnprocessedKeys)."""
    found = {meta.hash_key.name: item[meta.hash_key.name]}
    if meta.range_key is not None:
        found[meta.range_key.name] = item[meta.range_key.name]
    return found
