"""A table's definition as DynamoDB's TableDescription."""

from __future__ import annotations

from typing import Any

from skybus.engines.tables.definition import timestamp
from skybus.engines.tables.schema import PAY_PER_REQUEST, IndexMeta, KeyPart, TableMeta, Throughput

Counts = dict[str, tuple[int, int]]
"""Item count and size per index name."""


def key_schema(meta: TableMeta | IndexMeta) -> list[dict[str, str]]:
    return _schema(meta.hash_key, meta.range_key)


def _schema(hash_key: KeyPart, range_key: KeyPart | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key.name, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key.name, "KeyType": "RANGE"})
    return schema


def _throughput(throughput: Throughput) -> dict[str, Any]:
    out: dict[str, Any] = {
        "NumberOfDecreasesToday": throughput.decreases,
        "ReadCapacityUnits": throughput.read,
        "WriteCapacityUnits": throughput.write,
    }
    if throughput.last_increase is not None:
        out["LastIncreaseDateTime"] = timestamp(throughput.last_increase)
    if throughput.last_decrease is not None:
        out["LastDecreaseDateTime"] = timestamp(throughput.last_decrease)
    return out


def index_description(meta: TableMeta, index: IndexMeta, count: int, size: int) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection}
    if index.non_key:
        projection["NonKeyAttributes"] = list(index.non_key)
    out: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": key_schema(index),
        "Projection": projection,
    }
    if not index.local:
        out["IndexStatus"] = index.status
        if index.status == "CREATING":
            out["Backfilling"] = index.backfilling
        out["ProvisionedThroughput"] = _throughput(index.throughput)
    out["IndexSizeBytes"] = size
    out["ItemCount"] = count
    out["IndexArn"] = f"{meta.arn}/index/{index.name}"
    return out


def description(
    meta: TableMeta,
    *,
    item_count: int,
    size: int,
    status: str = "ACTIVE",
    index_counts: Counts | None = None,
) -> dict[str, Any]:
    throughput = _throughput(meta.throughput)
    out: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": a.name, "AttributeType": a.type} for a in meta.attributes
        ],
        "TableName": meta.name,
        "KeySchema": key_schema(meta),
        "TableStatus": status,
        "CreationDateTime": timestamp(meta.created),
        "ProvisionedThroughput": throughput,
        "TableSizeBytes": size,
        "ItemCount": item_count,
        "TableArn": meta.arn,
        "TableId": meta.id,
        "DeletionProtectionEnabled": meta.deletion_protection,
    }
    if meta.billing_explicit or meta.billing_mode == PAY_PER_REQUEST:
        summary: dict[str, Any] = {"BillingMode": meta.billing_mode}
        if meta.pay_per_request_since is not None:
            summary["LastUpdateToPayPerRequestDateTime"] = timestamp(meta.pay_per_request_since)
        out["BillingModeSummary"] = summary
    if meta.table_class is not None:
        out["TableClassSummary"] = {"TableClass": meta.table_class}
    counts = index_counts or {}
    for local, member in ((True, "LocalSecondaryIndexes"), (False, "GlobalSecondaryIndexes")):
        found = [
            index_description(meta, index, *counts.get(index.name, (0, 0)))
            for index in meta.indexes
            if index.local == local
        ]
        if found:
            out[member] = found
    return out
