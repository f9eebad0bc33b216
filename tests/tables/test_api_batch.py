"""BatchGetItem and BatchWriteItem through boto3: limits, duplicates, whole-request validation,
response shapes, and boto3's batch_writer, on both store backends."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.tables.conftest import TableFactory


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def put(key: str, **extra: Any) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": {"S": key}, **extra}}}


def test_batch_write_and_get_across_tables(ddb: Any, make_table: TableFactory) -> None:
    one, two = make_table(), make_table()
    ddb.put_item(TableName=one, Item={"pk": {"S": "old"}})
    written = ddb.batch_write_item(
        RequestItems={
            one: [
                put("a", v={"N": "1"}),
                put("b"),
                {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}},
            ],
            two: [put("a", v={"N": "2"})],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert written["UnprocessedItems"] == {}
    assert sorted(c["TableName"] for c in written["ConsumedCapacity"]) == sorted([one, two])
    assert {c["TableName"]: c["CapacityUnits"] for c in written["ConsumedCapacity"]}[one] == 3.0
    got = ddb.batch_get_item(
        RequestItems={
            one: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "old"}}, {"pk": {"S": "b"}}]},
            two: {"Keys": [{"pk": {"S": "a"}}], "ProjectionExpression": "v"},
        }
    )
    assert got["UnprocessedKeys"] == {}
    assert sorted(i["pk"]["S"] for i in got["Responses"][one]) == ["a", "b"]
    assert got["Responses"][two] == [{"v": {"N": "2"}}]
    assert ddb.describe_table(TableName=one)["Table"]["ItemCount"] == 2


def test_batch_get_empty_results_and_capacity(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    got = ddb.batch_get_item(
        RequestItems={table: {"Keys": [{"pk": {"S": "missing"}}], "ConsistentRead": True}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert got["Responses"] == {table: []}
    assert got["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 1.0}]


def test_batch_limits(ddb: Any, make_table: TableFactory) -> None:
    table, other = make_table(), make_table()
    # 25 per table is the model's limit; 25 in all is the operation's.
    assert error_of(
        ddb.batch_write_item,
        RequestItems={
            table: [put(f"k{i}") for i in range(13)],
            other: [put(f"k{i}") for i in range(13)],
        },
    ) == ("ValidationException", "Too many items requested for the BatchWriteItem call")
    assert error_of(
        ddb.batch_get_item,
        RequestItems={
            table: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]},
            other: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(41)]},
        },
    ) == ("ValidationException", "Too many items requested for the BatchGetItem call")
    assert ddb.scan(TableName=table)["Count"] == 0


def test_batch_duplicates(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "N"))
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    same = {"pk": {"S": "a"}, "sk": {"N": "1.0"}}
    expected = ("ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [key, same]}}) == expected
    assert (
        error_of(
            ddb.batch_write_item,
            RequestItems={table: [{"PutRequest": {"Item": key}}, {"DeleteRequest": {"Key": same}}]},
        )
        == expected
    )


def test_batch_write_is_validated_whole(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    code, message = error_of(
        ddb.batch_write_item, RequestItems={table: [put("good"), {"PutRequest": {"Item": {}}}]}
    )
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key pk in the item",
    )
    code, _ = error_of(
        ddb.batch_write_item, RequestItems={table: [put("good")], "no-such-table": [put("x")]}
    )
    assert code == "ResourceNotFoundException"
    code, message = error_of(
        ddb.batch_write_item,
        RequestItems={table: [put("good"), put("bad", v={"SS": []})]},
    )
    assert code == "ValidationException"
    assert "may not be empty" in message
    assert ddb.scan(TableName=table)["Count"] == 0


def test_batch_writer_of_the_resource_api(ddb_resource: Any, make_table: TableFactory) -> None:
    table = ddb_resource.Table(make_table(hash=("event", "S"), range=("name", "S")))
    with table.batch_writer() as writer:
        for i in range(60):
            writer.put_item(Item={"event": "party", "name": f"guest-{i:02d}", "n": i})
    with table.batch_writer(overwrite_by_pkeys=["event", "name"]) as writer:
        writer.delete_item(Key={"event": "party", "name": "guest-00"})
    found = table.query(
        KeyConditionExpression="event = :e", ExpressionAttributeValues={":e": "party"}
    )
    assert found["Count"] == 59
    assert found["Items"][0]["name"] == "guest-01"
    got = ddb_resource.batch_get_item(
        RequestItems={table.name: {"Keys": [{"event": "party", "name": "guest-05"}]}}
    )
    assert got["Responses"][table.name][0]["n"] == 5
