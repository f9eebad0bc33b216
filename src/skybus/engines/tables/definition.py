"""Checks of a table's definition (CreateTable, UpdateTable, tags) in the order and words AWS
uses, after the wire layer has checked the request against the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from skybus import limits
from skybus.engines.tables.errors import invalid, validation
from skybus.engines.tables.schema import (
    PAY_PER_REQUEST,
    PROVISIONED,
    KeyPart,
    TableMeta,
    Throughput,
)
from skybus.wire.violations import Violation, validation_error

_NAME_PATTERN = "[a-zA-Z0-9_.-]+"
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")


def check_table_name(name: str, member: str = "tableName") -> None:
    """Table names are 3-255 characters of ``[a-zA-Z0-9_.-]``; the model now also admits ARNs
    in TableName, so the name rules are checked here, worded as the model check words them."""
    found: list[Violation] = []
    if not name or not set(name) <= _NAME_CHARS:
        found.append(
            Violation(
                member, name, f"Member must satisfy regular expression pattern: {_NAME_PATTERN}"
            )
        )
    if len(name) < limits.DDB_MIN_TABLE_NAME_LENGTH:
        found.append(
            Violation(
                member,
                name,
                "Member must have length greater than or equal to "
                f"{limits.DDB_MIN_TABLE_NAME_LENGTH}",
            )
        )
    elif len(name) > limits.DDB_MAX_TABLE_NAME_LENGTH:
        found.append(
            Violation(
                member,
                name,
                f"Member must have length less than or equal to {limits.DDB_MAX_TABLE_NAME_LENGTH}",
            )
        )
    if found:
        raise validation_error("dynamodb", found)


@dataclass(frozen=True, slots=True)
class KeyDefinition:
    hash_key: KeyPart
    range_key: KeyPart | None
    attributes: list[KeyPart]


def key_definition(params: dict[str, Any], *, with_indexes: bool = False) -> KeyDefinition:
    """The table's key schema from KeySchema and AttributeDefinitions (exactly the key
    attributes; with indexes, the caller checks that every definition is some key's)."""
    schema: list[dict[str, str]] | None = params.get("KeySchema")
    definitions: list[dict[str, str]] | None = params.get("AttributeDefinitions")
    missing = [
        Violation(path, None, "Member must not be null")
        for path, value in (("attributeDefinitions", definitions), ("keySchema", schema))
        if value is None
    ]
    if missing:
        raise validation_error("dynamodb", missing)
    assert schema is not None
    assert definitions is not None
    names = [d["AttributeName"] for d in definitions]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise validation(f"Attribute Name is duplicated: {name}")
        seen.add(name)
    keys = [k["AttributeName"] for k in schema]
    if len(keys) > len(names):
        raise validation("Invalid KeySchema: Some index key attribute have no definition")
    if any(key not in seen for key in keys):
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
    if not with_indexes and len(keys) != len(names):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )
    types = {d["AttributeName"]: d["AttributeType"] for d in definitions}
    hash_key = KeyPart(keys[0], types[keys[0]])
    range_key = KeyPart(keys[1], types[keys[1]]) if len(keys) == 2 else None
    return KeyDefinition(hash_key, range_key, [KeyPart(n, types[n]) for n in names])


def check_capacity(throughput: dict[str, int]) -> None:
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput[member]
        if value > limits.DDB_MAX_CAPACITY_UNITS:
            raise validation(f"Given value {value} for {member} is out of bounds")


def initial_billing(params: dict[str, Any], now: float) -> tuple[str, Throughput]:
    """BillingMode and ProvisionedThroughput of CreateTable."""
    mode = params.get("BillingMode", PROVISIONED)
    throughput = params.get("ProvisionedThroughput")
    if mode == PAY_PER_REQUEST:
        if throughput is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return mode, Throughput()
    if throughput is None:
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
            "is PROVISIONED"
        )
    check_capacity(throughput)
    return mode, Throughput(throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"])


def check_unsupported(params: dict[str, Any]) -> None:
    """Features Skybus does not have yet are refused rather than accepted and ignored."""
    stream = params.get("StreamSpecification")
    if stream is not None and stream.get("StreamEnabled"):
        raise validation("DynamoDB Streams are not supported by Skybus yet")
    sse = params.get("SSESpecification")
    if sse is not None and sse.get("Enabled"):
        raise validation(
            "Server-side encryption with a KMS key is not supported by Skybus; omit "
            "SSESpecification or set Enabled to false"
        )
    for member in ("ReplicaUpdates", "GlobalTableWitnessUpdates", "GlobalTableSourceArn"):
        if params.get(member):
            raise validation(f"{member} is not supported by Skybus (there is one region)")


def check_table_class(params: dict[str, Any]) -> str | None:
    table_class: str | None = params.get("TableClass")
    if table_class is not None and table_class not in TABLE_CLASSES:
        raise validation(
            "Invalid table-class parameter provided. Please try again with a valid table-class "
            f"value: [{', '.join(TABLE_CLASSES)}]."
        )
    return table_class


def check_tags(
    tags: list[dict[str, str]], existing: dict[str, str] | None = None
) -> dict[str, str]:
    """Tags added to ``existing``: the merged tag set, checked as AWS checks it."""
    merged = dict(existing or {})
    seen: set[str] = set()
    for tag in tags:
        key, value = tag["Key"], tag["Value"]
        if not key or len(key) > limits.DDB_MAX_TAG_KEY_LENGTH:
            raise validation(f"The Tag Key provided is invalid, Key: {key}")
        if key.startswith("aws:"):
            raise validation(f"Tag Key cannot be prefixed with aws:, Key: {key}")
        if len(value) > limits.DDB_MAX_TAG_VALUE_LENGTH:
            raise validation(f"The Tag Value provided is invalid, Value: {value}")
        if key in seen:
            raise validation(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        seen.add(key)
        merged[key] = value
    if len(merged) > limits.DDB_MAX_TAGS:
        raise validation("Number of Tags exceed the current limit for the provided ResourceArn")
    return merged


def throughput_update(current: Throughput, wanted: dict[str, int], now: float) -> Throughput:
    """The provisioned throughput after UpdateTable asks for ``wanted``."""
    check_capacity(wanted)
    read, write = wanted["ReadCapacityUnits"], wanted["WriteCapacityUnits"]
    if read == current.read and write == current.write:
        raise validation(
            "The provisioned throughput for the table will not change. The requested value "
            "equals the current value. Current ReadCapacityUnits provisioned for the table: "
            f"{current.read}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits "
            f"provisioned for the table: {current.write}. Requested WriteCapacityUnits: {write}. "
            "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
            "higher limits."
        )
    day = int(now // 86400)
    result = Throughput(
        read,
        write,
        current.last_increase,
        current.last_decrease,
        current.decreases if current.decrease_day == day else 0,
        day,
    )
    if read > current.read or write > current.write:
        result.last_increase = now
    if read < current.read or write < current.write:
        result.last_decrease = now
        result.decreases += 1
    return result


def timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def apply_billing(meta: TableMeta, params: dict[str, Any], now: float) -> None:
    """Switch the table's capacity mode or provisioned throughput as UpdateTable asks."""
    mode = params.get("BillingMode")
    wanted = params.get("ProvisionedThroughput")
    target = mode or meta.billing_mode
    if target == PAY_PER_REQUEST:
        if wanted is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        if meta.billing_mode != PAY_PER_REQUEST:
            meta.billing_mode = PAY_PER_REQUEST
            meta.pay_per_request_since = now
            meta.throughput = Throughput(
                decreases=meta.throughput.decreases, decrease_day=meta.throughput.decrease_day
            )
        meta.billing_explicit = True
        return
    if meta.billing_mode == PAY_PER_REQUEST:
        if wanted is None:
            raise invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
        meta.billing_mode = PROVISIONED
        meta.billing_explicit = True
        meta.throughput = Throughput(
            wanted["ReadCapacityUnits"],
            wanted["WriteCapacityUnits"],
            decreases=meta.throughput.decreases,
            decrease_day=meta.throughput.decrease_day,
        )
        return
    if mode is not None:
        meta.billing_explicit = True
    if wanted is not None:
        meta.throughput = throughput_update(meta.throughput, wanted, now)
