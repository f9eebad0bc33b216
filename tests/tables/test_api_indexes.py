"""Global and local secondary indexes through boto3: definitions, entries kept in step with
every kind of write, Query and Scan on an index with paging, indexes added to and removed from
a table with items, and AWS's errors, on both store backends."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.tables.conftest import TableFactory, unique_name

ATTRIBUTES = [
    ("pk", "S"),
    ("sk", "S"),
    ("email", "S"),
    ("score", "N"),
]


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def key_schema(hash_key: str, range_key: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def indexed_table(ddb: Any, make_table: TableFactory) -> str:
    """pk/sk table with a KEYS_ONLY GSI on email, an ALL GSI on score and an INCLUDE LSI on
    score."""
    name = unique_name("idx")
    make_table(
        hash=("pk", "S"),
        range=("sk", "S"),
        TableName=name,
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in ATTRIBUTES],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-email",
                "KeySchema": key_schema("email"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {
                "IndexName": "by-score",
                "KeySchema": key_schema("score", "sk"),
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "local-score",
                "KeySchema": key_schema("pk", "score"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]},
            }
        ],
    )
    for i in range(8):
        item = {
            "pk": {"S": "user"},
            "sk": {"S": f"s{i}"},
            "score": {"N": str(100 - 10 * i)},
            "label": {"S": f"label-{i}"},
            "secret": {"S": "hidden"},
        }
        if i % 2 == 0:
            item["email"] = {"S": "even@example.com"}
        ddb.put_item(TableName=name, Item=item)
    return name


def query(ddb: Any, table: str, index: str, condition: str, **values: Any) -> dict[str, Any]:
    result: dict[str, Any] = ddb.query(
        TableName=table,
        IndexName=index,
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values,
    )
    return result


def test_describe_indexes(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    described = ddb.describe_table(TableName=table)["Table"]
    arn = described["TableArn"]
    by_name = {g["IndexName"]: g for g in described["GlobalSecondaryIndexes"]}
    assert by_name["by-email"] == {
        "IndexName": "by-email",
        "KeySchema": key_schema("email"),
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "IndexStatus": "ACTIVE",
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": 0,
            "WriteCapacityUnits": 0,
        },
        "IndexSizeBytes": by_name["by-email"]["IndexSizeBytes"],
        "ItemCount": 4,
        "IndexArn": f"{arn}/index/by-email",
    }
    assert by_name["by-score"]["ItemCount"] == 8
    (local,) = described["LocalSecondaryIndexes"]
    assert local["IndexName"] == "local-score"
    assert local["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]}
    assert local["ItemCount"] == 8
    assert "IndexStatus" not in local


def test_query_global_index(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    found = query(ddb, table, "by-email", "email = :e", **{":e": {"S": "even@example.com"}})
    # KEYS_ONLY: the table's and the index's keys; items without an email are not indexed.
    assert sorted(i["sk"]["S"] for i in found["Items"]) == ["s0", "s2", "s4", "s6"]
    assert set(found["Items"][0]) == {"pk", "sk", "email"}
    ranged = ddb.query(
        TableName=table,
        IndexName="by-score",
        KeyConditionExpression="score = :s AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":s": {"N": "60"}, ":a": {"S": "s0"}, ":b": {"S": "s9"}},
        ReturnConsumedCapacity="INDEXES",
    )
    assert [i["sk"]["S"] for i in ranged["Items"]] == ["s4"]
    assert ranged["Items"][0]["secret"] == {"S": "hidden"}
    capacity = ranged["ConsumedCapacity"]
    assert capacity["Table"] == {"CapacityUnits": 0.0}
    assert capacity["GlobalSecondaryIndexes"] == {"by-score": {"CapacityUnits": 0.5}}


def test_index_follows_writes(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    key = {"pk": {"S": "user"}, "sk": {"S": "s1"}}
    ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET email = :e",
        ExpressionAttributeValues={":e": {"S": "odd@example.com"}},
    )
    assert (
        query(ddb, table, "by-email", "email = :e", **{":e": {"S": "odd@example.com"}})["Count"]
        == 1
    )
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "user"}, "sk": {"S": "s0"}},
        UpdateExpression="REMOVE email",
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "user"}, "sk": {"S": "s2"}})
    ddb.batch_write_item(
        RequestItems={
            table: [
                {"DeleteRequest": {"Key": {"pk": {"S": "user"}, "sk": {"S": "s4"}}}},
                {
                    "PutRequest": {
                        "Item": {
                            "pk": {"S": "other"},
                            "sk": {"S": "x"},
                            "email": {"S": "even@example.com"},
                        }
                    }
                },
            ]
        }
    )
    even = query(ddb, table, "by-email", "email = :e", **{":e": {"S": "even@example.com"}})
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in even["Items"]) == [
        ("other", "x"),
        ("user", "s6"),
    ]
    described = ddb.describe_table(TableName=table)["Table"]
    counts = {g["IndexName"]: g["ItemCount"] for g in described["GlobalSecondaryIndexes"]}
    assert counts == {"by-email": 3, "by-score": 6}
    assert described["LocalSecondaryIndexes"][0]["ItemCount"] == 6


def test_query_local_index_in_both_directions(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    for forward in (True, False):
        names: list[str] = []
        params: dict[str, Any] = {
            "TableName": table,
            "IndexName": "local-score",
            "KeyConditionExpression": "pk = :p AND score >= :low",
            "ExpressionAttributeValues": {":p": {"S": "user"}, ":low": {"N": "40"}},
            "ScanIndexForward": forward,
            "Limit": 2,
        }
        while True:
            page = ddb.query(**params)
            names.extend(i["sk"]["S"] for i in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            assert set(page["LastEvaluatedKey"]) == {"pk", "sk", "score"}
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        ascending = ["s6", "s5", "s4", "s3", "s2", "s1", "s0"]
        assert names == (ascending if forward else ascending[::-1])
    projected = query(ddb, table, "local-score", "pk = :p", **{":p": {"S": "user"}})["Items"][0]
    assert set(projected) == {"pk", "sk", "score", "label"}
    # A local index fetches what it does not project from the table.
    whole = ddb.query(
        TableName=table,
        IndexName="local-score",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "user"}},
        Select="ALL_ATTRIBUTES",
        Limit=1,
    )["Items"][0]
    assert whole["secret"] == {"S": "hidden"}
    filtered = ddb.query(
        TableName=table,
        IndexName="local-score",
        KeyConditionExpression="pk = :p",
        FilterExpression="secret = :h",
        ProjectionExpression="sk, secret",
        ExpressionAttributeValues={":p": {"S": "user"}, ":h": {"S": "hidden"}},
    )
    assert filtered["Count"] == 8
    assert set(filtered["Items"][0]) == {"sk", "secret"}


def test_index_paging_with_equal_index_keys(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    for i in range(25):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": f"bulk{i:02d}"}, "sk": {"S": "x"}, "email": {"S": "same@x"}},
        )
    seen: list[str] = []
    params: dict[str, Any] = {
        "TableName": table,
        "IndexName": "by-email",
        "KeyConditionExpression": "email = :e",
        "ExpressionAttributeValues": {":e": {"S": "same@x"}},
        "Limit": 7,
    }
    while True:
        page = ddb.query(**params)
        seen.extend(i["pk"]["S"] for i in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert sorted(seen) == [f"bulk{i:02d}" for i in range(25)]
    scanned: list[str] = []
    for segment in range(3):
        page = ddb.scan(TableName=table, IndexName="by-email", Segment=segment, TotalSegments=3)
        scanned.extend(i["sk"]["S"] for i in page["Items"])
    assert len(scanned) == 25 + 4


def test_index_errors(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    base = {
        "TableName": table,
        "KeyConditionExpression": "email = :e",
        "ExpressionAttributeValues": {":e": {"S": "even@example.com"}},
    }
    assert error_of(ddb.query, IndexName="by-email", ConsistentRead=True, **base) == (
        "ValidationException",
        "Consistent reads are not supported on global secondary indexes",
    )
    assert error_of(ddb.query, IndexName="by-email", Select="ALL_ATTRIBUTES", **base) == (
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
        "supported for global secondary index by-email because its projection type is not ALL",
    )
    assert error_of(ddb.query, IndexName="by-email", ProjectionExpression="secret", **base) == (
        "ValidationException",
        "One or more parameter values were invalid: Global secondary index by-email does not "
        "project [secret]",
    )
    assert error_of(ddb.query, IndexName="nope", **base) == (
        "ValidationException",
        "The table does not have the specified index: nope",
    )
    assert error_of(
        ddb.query,
        TableName=table,
        IndexName="by-score",
        KeyConditionExpression="score = :s",
        FilterExpression="sk = :k",
        ExpressionAttributeValues={":s": {"N": "1"}, ":k": {"S": "x"}},
    ) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
    )
    code, message = error_of(
        ddb.put_item,
        TableName=table,
        Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "score": {"S": "high"}},
    )
    assert code == "ValidationException"
    # Both indexes have score as a key; the local one is checked first.
    assert message == (
        "One or more parameter values were invalid: Type mismatch for Index Key score Expected: "
        "N Actual: S IndexName: local-score"
    )
    code, message = error_of(
        ddb.put_item,
        TableName=table,
        Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "email": {"S": ""}},
    )
    assert code == "ValidationException"
    assert "IndexName: by-email, IndexKey: email" in message
    assert error_of(
        ddb.query,
        IndexName="by-email",
        ExclusiveStartKey={"pk": {"S": "user"}, "sk": {"S": "s0"}},
        **base,
    ) == ("ValidationException", "The provided starting key is invalid")


CREATE_ERRORS = [
    (
        {
            "AttributeDefinitions": [("pk", "S"), ("sk", "S"), ("unused", "S")],
            "GlobalSecondaryIndexes": [("gi1", "sk", None, "ALL")],
        },
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [pk, sk, unused], keys used: [pk, sk]",
    ),
    (
        {
            "AttributeDefinitions": [("pk", "S"), ("sk", "S")],
            "LocalSecondaryIndexes": [("li1", "sk", "pk", "ALL")],
        },
        "One or more parameter values were invalid: Index KeySchema does not have the same "
        "leading hash key as table KeySchema for index: li1. index hash key: sk, table hash "
        "key: pk",
    ),
    (
        {
            "AttributeDefinitions": [("pk", "S"), ("sk", "S")],
            "GlobalSecondaryIndexes": [("gi1", "sk", None, "ALL"), ("gi1", "pk", None, "ALL")],
        },
        "One or more parameter values were invalid: Duplicate index name: gi1",
    ),
    (
        {
            "AttributeDefinitions": [("pk", "S"), ("sk", "S")],
            "GlobalSecondaryIndexes": [("gi1", "sk", None, "INCLUDE")],
        },
        "One or more parameter values were invalid: ProjectionType is INCLUDE, but "
        "NonKeyAttributes is not specified",
    ),
]


@pytest.mark.parametrize(("spec", "message"), CREATE_ERRORS)
def test_index_definition_errors(ddb: Any, spec: dict[str, Any], message: str) -> None:
    params: dict[str, Any] = {
        "TableName": unique_name("bad"),
        "KeySchema": key_schema("pk", "sk"),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": n, "AttributeType": t} for n, t in spec["AttributeDefinitions"]
        ],
    }
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if member in spec:
            params[member] = [
                {
                    "IndexName": name,
                    "KeySchema": key_schema(hash_key, range_key),
                    "Projection": {"ProjectionType": projection},
                }
                for name, hash_key, range_key, projection in spec[member]
            ]
    assert error_of(ddb.create_table, **params) == ("ValidationException", message)


def wait_active(ddb: Any, table: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        described: dict[str, Any] = ddb.describe_table(TableName=table)["Table"]
        statuses = [g["IndexStatus"] for g in described.get("GlobalSecondaryIndexes", [])]
        if all(status == "ACTIVE" for status in statuses) or time.monotonic() > deadline:
            return described
        time.sleep(0.05)


def test_add_and_remove_global_index(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"))
    for i in range(450):
        item = {"pk": {"S": f"k{i:03d}"}, "group": {"S": f"g{i % 3}"}}
        ddb.put_item(TableName=table, Item=item)
    updated = ddb.update_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "group", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-group",
                    "KeySchema": key_schema("group", "pk"),
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            }
        ],
    )["TableDescription"]
    assert updated["GlobalSecondaryIndexes"][0]["IndexName"] == "by-group"
    # Writes during the backfill are indexed too.
    ddb.put_item(TableName=table, Item={"pk": {"S": "late"}, "group": {"S": "g0"}})
    described = wait_active(ddb, table)
    (index,) = described["GlobalSecondaryIndexes"]
    assert index["IndexStatus"] == "ACTIVE"
    assert index["ItemCount"] == 451
    assert {"AttributeName": "group", "AttributeType": "S"} in described["AttributeDefinitions"]
    total = 0
    params: dict[str, Any] = {
        "TableName": table,
        "IndexName": "by-group",
        "KeyConditionExpression": "#g = :g",
        "ExpressionAttributeNames": {"#g": "group"},
        "ExpressionAttributeValues": {":g": {"S": "g0"}},
    }
    while True:
        page = ddb.query(**params)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert total == 151
    assert error_of(
        ddb.update_table,
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "group", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-group",
                    "KeySchema": key_schema("group"),
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    ) == ("ValidationException", "Attempting to create an index which already exists")
    ddb.update_table(
        TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-group"}}]
    )
    described = ddb.describe_table(TableName=table)["Table"]
    assert "GlobalSecondaryIndexes" not in described
    assert described["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    code, _ = error_of(
        ddb.update_table,
        TableName=table,
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-group"}}],
    )
    assert code == "ResourceNotFoundException"
    assert error_of(
        ddb.query,
        TableName=table,
        IndexName="by-group",
        KeyConditionExpression="#g = :g",
        ExpressionAttributeNames={"#g": "group"},
        ExpressionAttributeValues={":g": {"S": "g0"}},
    ) == ("ValidationException", "The table does not have the specified index: by-group")


def test_global_index_capacity_follows_billing(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(
        hash=("pk", "S"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": key_schema("g"),
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
            }
        ],
    )
    index = ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    updated = ddb.update_table(
        TableName=table,
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "by-g",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 4},
                }
            }
        ],
    )["TableDescription"]
    assert updated["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    on_demand = ddb.update_table(TableName=table, BillingMode="PAY_PER_REQUEST")
    throughput = on_demand["TableDescription"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (0, 0)
    assert error_of(
        ddb.update_table,
        TableName=table,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: ProvisionedThroughput must be specified "
        "for index: by-g",
    )


def test_item_collection_metrics_with_local_index(ddb: Any, make_table: TableFactory) -> None:
    table = indexed_table(ddb, make_table)
    expected = {"ItemCollectionKey": {"pk": {"S": "user"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    put = ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "user"}, "sk": {"S": "new"}, "score": {"N": "1"}},
        ReturnItemCollectionMetrics="SIZE",
        ReturnConsumedCapacity="INDEXES",
    )
    assert put["ItemCollectionMetrics"] == expected
    capacity = put["ConsumedCapacity"]
    assert capacity["Table"] == {"CapacityUnits": 1.0}
    assert capacity["LocalSecondaryIndexes"] == {"local-score": {"CapacityUnits": 1.0}}
    assert capacity["GlobalSecondaryIndexes"] == {"by-score": {"CapacityUnits": 1.0}}
    assert capacity["CapacityUnits"] == 3.0
    batch = ddb.batch_write_item(
        RequestItems={
            table: [{"DeleteRequest": {"Key": {"pk": {"S": "user"}, "sk": {"S": "new"}}}}]
        },
        ReturnItemCollectionMetrics="SIZE",
    )
    assert batch["ItemCollectionMetrics"] == {table: [expected]}
    plain = ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "user"}, "sk": {"S": "x"}},
        ReturnItemCollectionMetrics="NONE",
    )
    assert "ItemCollectionMetrics" not in plain
