"""Query and Scan through boto3: key conditions served in key order, paging, Limit before the
filter, the 1 MB page, Select, parallel scans and AWS's errors, on both store backends."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tests.tables.conftest import TableFactory


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def signup_table(ddb: Any, make_table: TableFactory) -> str:
    """The sign-up seed's table: hash ``event``, range ``name``, 5/5 provisioned."""
    table = make_table(
        hash=("event", "S"),
        range=("name", "S"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    for event, count in (("hike", 12), ("ski", 7), ("swim", 3)):
        for i in range(count):
            ddb.put_item(
                TableName=table,
                Item={
                    "event": {"S": event},
                    "name": {"S": f"person-{i:02d}"},
                    "email": {"S": f"p{i}@example.com"},
                    "guests": {"N": str(i % 4)},
                },
            )
    return table


def pages(ddb: Any, operation: str, **params: Any) -> list[dict[str, Any]]:
    found = []
    while True:
        page = getattr(ddb, operation)(**params)
        found.append(page)
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_signup_query_both_directions_with_paging(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    names = [f"person-{i:02d}" for i in range(12)]
    for forward in (True, False):
        found = pages(
            ddb,
            "query",
            TableName=table,
            KeyConditionExpression="#e = :e",
            ExpressionAttributeNames={"#e": "event"},
            ExpressionAttributeValues={":e": {"S": "hike"}},
            ScanIndexForward=forward,
            Limit=5,
        )
        got = [item["name"]["S"] for page in found for item in page["Items"]]
        assert got == (names if forward else names[::-1])
        assert [page["Count"] for page in found] == [5, 5, 2]
        assert all(page["ScannedCount"] == page["Count"] for page in found)
        assert found[0]["LastEvaluatedKey"] == {
            "event": {"S": "hike"},
            "name": {"S": names[4] if forward else names[7]},
        }
    whole = ddb.query(
        TableName=table,
        KeyConditionExpression="#e = :e",
        ExpressionAttributeNames={"#e": "event"},
        ExpressionAttributeValues={":e": {"S": "swim"}},
    )
    # Only the partition's items are read, not the table's.
    assert (whole["Count"], whole["ScannedCount"]) == (3, 3)
    assert "LastEvaluatedKey" not in whole


def test_signup_scan_with_paging(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    found = pages(ddb, "scan", TableName=table, Limit=4)
    keys = [(i["event"]["S"], i["name"]["S"]) for p in found for i in p["Items"]]
    assert len(keys) == 22
    assert len(set(keys)) == 22
    # Within a partition, items come in sort-key order; partitions are not interleaved.
    by_event: dict[str, list[str]] = {}
    order: list[str] = []
    for event, name in keys:
        if not order or order[-1] != event:
            assert event not in order
            order.append(event)
        by_event.setdefault(event, []).append(name)
    assert all(names == sorted(names) for names in by_event.values())
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 22


def test_resource_query_with_conditions(
    ddb_resource: Any, ddb: Any, make_table: TableFactory
) -> None:
    table = ddb_resource.Table(signup_table(ddb, make_table))
    found = table.query(
        KeyConditionExpression=Key("event").eq("hike") & Key("name").begins_with("person-0"),
        FilterExpression=Attr("guests").gte(2),
    )
    assert [i["name"] for i in found["Items"]] == [
        "person-02",
        "person-03",
        "person-06",
        "person-07",
    ]
    assert (found["Count"], found["ScannedCount"]) == (4, 10)
    between = table.query(
        KeyConditionExpression=Key("event").eq("ski")
        & Key("name").between("person-02", "person-04"),
        ScanIndexForward=False,
    )
    assert [i["name"] for i in between["Items"]] == ["person-04", "person-03", "person-02"]
    scanned = table.scan(
        FilterExpression=Attr("event").is_in(["ski", "swim"]) & Attr("guests").eq(0)
    )
    assert sorted((i["event"], i["name"]) for i in scanned["Items"]) == [
        ("ski", "person-00"),
        ("ski", "person-04"),
        ("swim", "person-00"),
    ]
    paginated = ddb.get_paginator("query").paginate(
        TableName=table.name,
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"S": "hike"}},
        PaginationConfig={"PageSize": 5},
    )
    assert sum(len(page["Items"]) for page in paginated) == 12


SORT_CONDITIONS = [
    ("sk = :a", {":a": {"N": "0"}}, ["0"]),
    ("sk < :a", {":a": {"N": "0"}}, ["-100", "-1.5", "-1.25", "-1"]),
    ("sk <= :a", {":a": {"N": "-1.25"}}, ["-100", "-1.5", "-1.25"]),
    ("sk > :a", {":a": {"N": "1"}}, ["1.5", "10", "1e3"]),
    ("sk >= :a", {":a": {"N": "1"}}, ["1", "1.5", "10", "1e3"]),
    (
        "sk BETWEEN :a AND :b",
        {":a": {"N": "-1.5"}, ":b": {"N": "1"}},
        ["-1.5", "-1.25", "-1", "0", "1"],
    ),
    (":a < sk", {":a": {"N": "10"}}, ["1e3"]),
]


@pytest.mark.parametrize(("condition", "values", "expected"), SORT_CONDITIONS)
def test_numeric_sort_key_conditions(
    ddb: Any, make_table: TableFactory, condition: str, values: dict[str, Any], expected: list[str]
) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "N"))
    numbers = ["1e3", "-1", "0", "1.5", "-100", "10", "1", "-1.25", "-1.5"]
    for number in numbers:
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": number}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "other"}, "sk": {"N": "0"}})
    found = ddb.query(
        TableName=table,
        KeyConditionExpression=f"pk = :p AND {condition}",
        ExpressionAttributeValues={":p": {"S": "p"}, **values},
    )
    canonical = {"1e3": "1000"}
    assert [i["sk"]["N"] for i in found["Items"]] == [canonical.get(n, n) for n in expected]


def test_string_and_binary_sort_orders(ddb: Any, make_table: TableFactory) -> None:
    strings = make_table(hash=("pk", "S"), range=("sk", "S"))
    for text in ("😀", "b", "\uff21", "aé", "a"):
        ddb.put_item(TableName=strings, Item={"pk": {"S": "p"}, "sk": {"S": text}})
    found = ddb.query(
        TableName=strings,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    # UTF-8 byte order: U+FF21 sorts before U+1F600 (unlike UTF-16).
    assert [i["sk"]["S"] for i in found["Items"]] == ["a", "aé", "b", "\uff21", "😀"]
    prefixed = ddb.query(
        TableName=strings,
        KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
        ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"S": "a"}},
    )
    assert [i["sk"]["S"] for i in prefixed["Items"]] == ["a", "aé"]
    blobs = make_table(hash=("pk", "B"), range=("sk", "B"))
    for raw in (b"\xff", b"\x00\x01", b"\x00", b"\x7f\xff", b"\x80"):
        ddb.put_item(TableName=blobs, Item={"pk": {"B": b"\x00p"}, "sk": {"B": raw}})
    found = ddb.query(
        TableName=blobs,
        KeyConditionExpression="pk = :p AND sk >= :low",
        ExpressionAttributeValues={":p": {"B": b"\x00p"}, ":low": {"B": b"\x00\x01"}},
    )
    assert [i["sk"]["B"] for i in found["Items"]] == [b"\x00\x01", b"\x7f\xff", b"\x80", b"\xff"]


def test_limit_counts_items_before_the_filter(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    page = ddb.query(
        TableName=table,
        KeyConditionExpression="event = :e",
        FilterExpression="guests > :many",
        ExpressionAttributeValues={":e": {"S": "hike"}, ":many": {"N": "10"}},
        Limit=3,
    )
    assert (page["Count"], page["ScannedCount"], page["Items"]) == (0, 3, [])
    assert page["LastEvaluatedKey"] == {"event": {"S": "hike"}, "name": {"S": "person-02"}}
    # A Limit equal to what is left still reports a LastEvaluatedKey; the next page is empty.
    exact = ddb.query(
        TableName=table,
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"S": "swim"}},
        Limit=3,
    )
    assert exact["Count"] == 3
    after = ddb.query(
        TableName=table,
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"S": "swim"}},
        Limit=3,
        ExclusiveStartKey=exact["LastEvaluatedKey"],
    )
    assert (after["Count"], after["ScannedCount"]) == (0, 0)
    assert "LastEvaluatedKey" not in after


def test_one_megabyte_page(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "N"))
    blob = "x" * (100 * 1024)
    for i in range(14):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": blob}}
        )
    first = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        Select="COUNT",
    )
    # Each item is a little over 100 KB: the 11th crosses 1 MB and ends the page.
    assert first["Count"] == 11
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "10"}}
    rest = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [i["sk"]["N"] for i in rest["Items"]] == ["11", "12", "13"]
    scanned = ddb.scan(TableName=table, Select="COUNT", ReturnConsumedCapacity="TOTAL")
    assert scanned["Count"] == 11
    assert scanned["ConsumedCapacity"]["CapacityUnits"] == pytest.approx(138.0, abs=2)


def test_select_and_projection(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    base = {
        "TableName": table,
        "KeyConditionExpression": "event = :e",
        "ExpressionAttributeValues": {":e": {"S": "swim"}},
    }
    counted = ddb.query(**base, Select="COUNT")
    assert counted["Count"] == 3
    assert "Items" not in counted
    projected = ddb.query(**base, ProjectionExpression="email", Select="SPECIFIC_ATTRIBUTES")
    assert projected["Items"][0] == {"email": {"S": "p0@example.com"}}
    # The legacy AttributesToGet does not mix with expressions.
    code, message = error_of(ddb.query, **base, AttributesToGet=["name"])
    assert code == "ValidationException"
    assert message.startswith("Can not use both expression and non-expression parameters")
    assert error_of(ddb.query, **base, Select="COUNT", ProjectionExpression="email") == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    )
    assert error_of(ddb.query, **base, Select="ALL_ATTRIBUTES", ProjectionExpression="email") == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
    )
    assert error_of(ddb.query, **base, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException",
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
    )


def test_query_errors(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    assert error_of(ddb.query, TableName=table) == (
        "ValidationException",
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.",
    )
    assert error_of(
        ddb.query,
        TableName=table,
        KeyConditionExpression="#n = :n",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": "x"}},
    ) == ("ValidationException", "Query condition missed key schema element: event")
    assert error_of(
        ddb.query,
        TableName=table,
        KeyConditionExpression="event = :e AND guests = :g",
        ExpressionAttributeValues={":e": {"S": "x"}, ":g": {"N": "1"}},
    ) == ("ValidationException", "Query condition missed key schema element: name")
    assert error_of(
        ddb.query,
        TableName=table,
        KeyConditionExpression="event = :e",
        FilterExpression="#n = :n",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":e": {"S": "x"}, ":n": {"S": "y"}},
    ) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: "
        "name",
    )
    assert error_of(
        ddb.query,
        TableName=table,
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"N": "1"}},
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type",
    )
    assert error_of(
        ddb.query,
        TableName=table,
        IndexName="by-email",
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"S": "x"}},
    ) == ("ValidationException", "The table does not have the specified index: by-email")
    assert error_of(
        ddb.query,
        TableName="no-such-table",
        KeyConditionExpression="event = :e",
        ExpressionAttributeValues={":e": {"S": "x"}},
    ) == ("ResourceNotFoundException", "Requested resource not found")


def test_exclusive_start_key_is_validated(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    query = {
        "TableName": table,
        "KeyConditionExpression": "event = :e",
        "ExpressionAttributeValues": {":e": {"S": "hike"}},
    }
    assert error_of(ddb.query, **query, ExclusiveStartKey={"event": {"S": "hike"}}) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
    assert error_of(
        ddb.query, **query, ExclusiveStartKey={"event": {"S": "ski"}, "name": {"S": "a"}}
    ) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )
    assert error_of(ddb.scan, TableName=table, ExclusiveStartKey={"event": {"N": "1"}}) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
    # A start key need not name an existing item.
    page = ddb.query(
        **query, ExclusiveStartKey={"event": {"S": "hike"}, "name": {"S": "person-09a"}}
    )
    assert [i["name"]["S"] for i in page["Items"]] == ["person-10", "person-11"]


def test_parallel_scan(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    for i in range(60):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"item-{i}"}})
    seen: list[str] = []
    for segment in range(4):
        for page in pages(ddb, "scan", TableName=table, Segment=segment, TotalSegments=4, Limit=7):
            seen.extend(item["pk"]["S"] for item in page["Items"])
    assert sorted(seen) == sorted(f"item-{i}" for i in range(60))
    assert error_of(ddb.scan, TableName=table, Segment=4, TotalSegments=4) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4",
    )
    assert error_of(ddb.scan, TableName=table, Segment=1) == (
        "ValidationException",
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present",
    )
    assert error_of(ddb.scan, TableName=table, TotalSegments=2) == (
        "ValidationException",
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present",
    )
    first = ddb.scan(TableName=table, Segment=0, TotalSegments=2, Limit=1)
    code, message = error_of(
        ddb.scan,
        TableName=table,
        Segment=1,
        TotalSegments=2,
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert code == "ValidationException"
    assert message.startswith("The provided starting key is invalid: Invalid ExclusiveStartKey.")


def test_legacy_key_conditions_and_filters(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    found = ddb.query(
        TableName=table,
        KeyConditions={
            "event": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "hike"}]},
            "name": {
                "ComparisonOperator": "BEGINS_WITH",
                "AttributeValueList": [{"S": "person-1"}],
            },
        },
        QueryFilter={"guests": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}},
        AttributesToGet=["name"],
    )
    assert [i["name"]["S"] for i in found["Items"]] == ["person-10", "person-11"]
    assert found["ScannedCount"] == 2
    scanned = ddb.scan(
        TableName=table,
        ScanFilter={
            "event": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "swim"}]},
            "guests": {"ComparisonOperator": "NOT_NULL"},
        },
        ConditionalOperator="AND",
    )
    assert scanned["Count"] == 3


def test_scan_counts_and_capacity(ddb: Any, make_table: TableFactory) -> None:
    table = signup_table(ddb, make_table)
    result = ddb.scan(
        TableName=table,
        FilterExpression="guests = :three",
        ExpressionAttributeValues={":three": {"N": "3"}},
        ReturnConsumedCapacity="INDEXES",
        ConsistentRead=True,
    )
    assert result["ScannedCount"] == 22
    assert result["Count"] == 4
    assert result["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
