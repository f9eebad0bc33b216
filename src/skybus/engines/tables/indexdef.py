"""Secondary index definitions: the checks CreateTable and UpdateTable make of
LocalSecondaryIndexes, GlobalSecondaryIndexes and GlobalSecondaryIndexUpdates, in AWS's order
and words."""

from __future__ import annotations

import uuid
from typing import Any

from skybus import limits
from skybus.engines.tables.definition import check_capacity
from skybus.engines.tables.errors import invalid, validation
from skybus.engines.tables.schema import PAY_PER_REQUEST, IndexMeta, KeyPart, Throughput


def _index_keys(
    spec: dict[str, Any], types: dict[str, str], names: list[str]
) -> tuple[KeyPart, KeyPart | None]:
    schema = spec["KeySchema"]
    keys = [element["AttributeName"] for element in schema]
    if any(key not in types for key in keys):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(names)}]"
        )
    if len(keys) == 2 and keys[0] == keys[1]:
        raise validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if schema[0]["KeyType"] != "HASH":
        raise validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1]["KeyType"] != "RANGE":
        raise validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    hash_key = KeyPart(keys[0], types[keys[0]])
    range_key = KeyPart(keys[1], types[keys[1]]) if len(keys) == 2 else None
    return hash_key, range_key


def _projection(spec: dict[str, Any]) -> tuple[str, list[str]]:
    projection = spec["Projection"]
    kind = projection.get("ProjectionType")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    non_key = projection.get("NonKeyAttributes")
    if non_key is not None and kind != "INCLUDE":
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and not non_key:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    seen: set[str] = set()
    for name in non_key or []:
        if name in seen:
            raise invalid(f"Duplicate element in NonKeyAttributes: {name}")
        seen.add(name)
    return kind, list(non_key or [])


def local_indexes(
    specs: list[dict[str, Any]],
    table_hash: KeyPart,
    table_range: KeyPart | None,
    types: dict[str, str],
    names: list[str],
    taken: set[str],
) -> list[IndexMeta]:
    if not specs:
        raise invalid("List of LocalSecondaryIndexes is empty")
    if table_range is None:
        raise invalid(
            "Table KeySchema does not have a range key, which is required when specifying a "
            "LocalSecondaryIndex"
        )
    found: list[IndexMeta] = []
    for spec in specs:
        name = spec["IndexName"]
        hash_key, range_key = _index_keys(spec, types, names)
        if range_key is None:
            raise invalid(f"Index KeySchema does not have a range key for index: {name}")
        if hash_key.name != table_hash.name:
            raise invalid(
                "Index KeySchema does not have the same leading hash key as table KeySchema "
                f"for index: {name}. index hash key: {hash_key.name}, table hash key: "
                f"{table_hash.name}"
            )
        kind, non_key = _projection(spec)
        if name in taken:
            raise invalid(f"Duplicate index name: {name}")
        taken.add(name)
        found.append(IndexMeta(name, _new_id(), True, hash_key, range_key, kind, non_key))
    if len(found) > limits.DDB_MAX_LSI:
        raise invalid(
            f"Number of LocalSecondaryIndexes exceeds per-table limit of {limits.DDB_MAX_LSI}"
        )
    return found


def global_index(
    spec: dict[str, Any], types: dict[str, str], names: list[str], billing: str, taken: set[str]
) -> IndexMeta:
    name = spec["IndexName"]
    hash_key, range_key = _index_keys(spec, types, names)
    kind, non_key = _projection(spec)
    throughput = spec.get("ProvisionedThroughput")
    if billing == PAY_PER_REQUEST:
        if throughput is not None:
            raise invalid(
                f"ProvisionedThroughput should not be specified for index: {name} when "
                "BillingMode is PAY_PER_REQUEST"
            )
        provisioned = Throughput()
    else:
        if throughput is None:
            raise invalid(f"ProvisionedThroughput is not specified for index: {name}")
        check_capacity(throughput)
        provisioned = Throughput(throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"])
    if name in taken:
        raise invalid(f"Duplicate index name: {name}")
    taken.add(name)
    return IndexMeta(name, _new_id(), False, hash_key, range_key, kind, non_key, provisioned)


def global_indexes(
    specs: list[dict[str, Any]],
    types: dict[str, str],
    names: list[str],
    billing: str,
    taken: set[str],
) -> list[IndexMeta]:
    if not specs:
        raise invalid("List of GlobalSecondaryIndexes is empty")
    found = [global_index(spec, types, names, billing, taken) for spec in specs]
    if len(found) > limits.DDB_MAX_GSI:
        raise invalid(
            f"GlobalSecondaryIndex count exceeds the per-table limit of {limits.DDB_MAX_GSI}"
        )
    return found


def check_all_used(names: list[str], used: list[str]) -> None:
    """With indexes, AttributeDefinitions must be exactly the key attributes used."""
    if any(name not in used for name in names):
        raise invalid(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(names)}], "
            f"keys used: [{', '.join(used)}]"
        )


def keys_used(table: tuple[str, ...], indexes: list[IndexMeta]) -> list[str]:
    used = list(table)
    for index in indexes:
        for name in index.key_names:
            if name not in used:
                used.append(name)
    return used


def _new_id() -> str:
    return uuid.uuid4().hex[:12]
