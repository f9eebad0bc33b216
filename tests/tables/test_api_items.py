"""PutItem, GetItem, UpdateItem and DeleteItem through boto3, with conditions, every
ReturnValues option, consumed capacity and AWS's errors, on both store backends."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from tests.tables.conftest import TableFactory, unique_name


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def test_word_counter_add_twice(ddb: Any, make_table: TableFactory) -> None:
    """The seed word counter's legacy update, exactly as it is written there."""
    table = make_table(hash=("word", "S"))
    first = ddb.update_item(
        TableName=table,
        Key={"word": {"S": "hello"}},
        AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "1"}}},
        ReturnValues="UPDATED_NEW",
    )
    assert first["Attributes"] == {"count": {"N": "1"}}
    second = ddb.update_item(
        TableName=table,
        Key={"word": {"S": "hello"}},
        AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "1"}}},
        ReturnValues="UPDATED_NEW",
    )
    assert second["Attributes"] == {"count": {"N": "2"}}
    item = ddb.get_item(TableName=table, Key={"word": {"S": "hello"}})["Item"]
    assert item == {"word": {"S": "hello"}, "count": {"N": "2"}}


def test_put_get_round_trip_all_types(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "N"))
    item = {
        "pk": {"S": "user#1"},
        "sk": {"N": "1e3"},
        "s": {"S": "héllo 😀"},
        "empty": {"S": ""},
        "n": {"N": "-0.50"},
        "b": {"B": b"\x00\xff\x10"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "m": {"M": {"inner": {"L": [{"N": "1"}, {"B": b"z"}, {"NULL": True}]}}},
        "l": {"L": []},
        "t": {"BOOL": True},
        "null": {"NULL": True},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "user#1"}, "sk": {"N": "1000"}})["Item"]
    assert got["sk"] == {"N": "1000"}
    assert got["n"] == {"N": "-0.5"}
    assert got["b"] == {"B": b"\x00\xff\x10"}
    assert sorted(got["bs"]["BS"]) == [b"x", b"y"]
    assert sorted(got["ns"]["NS"]) == ["1", "2.5"]
    assert got["m"] == item["m"]
    assert got["s"] == item["s"]
    assert got["empty"] == {"S": ""}
    assert got["l"] == {"L": []}
    assert (got["t"], got["null"]) == ({"BOOL": True}, {"NULL": True})
    # Equal numbers are the same key.
    same = ddb.get_item(TableName=table, Key={"pk": {"S": "user#1"}, "sk": {"N": "1000.00"}})
    assert same["Item"]["s"] == item["s"]


def test_get_missing_item_and_projection(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "nope"}})
    ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "a"}, "x": {"N": "1"}, "m": {"M": {"a": {"S": "1"}, "b": {"S": "2"}}}},
    )
    got = ddb.get_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        ProjectionExpression="#x, m.b",
        ExpressionAttributeNames={"#x": "x"},
        ConsistentRead=True,
    )["Item"]
    assert got == {"x": {"N": "1"}, "m": {"M": {"b": {"S": "2"}}}}
    legacy = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}, AttributesToGet=["pk"])
    assert legacy["Item"] == {"pk": {"S": "a"}}


def test_put_return_values(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    first = ddb.put_item(
        TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}}, ReturnValues="ALL_OLD"
    )
    assert "Attributes" not in first
    second = ddb.put_item(
        TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD"
    )
    assert second["Attributes"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    for wrong in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
        assert error_of(
            ddb.put_item, TableName=table, Item={"pk": {"S": "a"}}, ReturnValues=wrong
        ) == ("ValidationException", "Return values set to invalid value")
        assert error_of(
            ddb.delete_item, TableName=table, Key={"pk": {"S": "a"}}, ReturnValues=wrong
        ) == ("ValidationException", "Return values set to invalid value")


def test_update_return_values(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    key = {"pk": {"S": "a"}}
    ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "a"}, "n": {"N": "5"}, "m": {"M": {"x": {"S": "1"}, "y": {"S": "2"}}}},
    )

    def update(wanted: str) -> dict[str, Any] | None:
        result = ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET n = n + :one, m.x = :v REMOVE gone",
            ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"S": wanted}},
            ReturnValues=wanted,
        )
        found: dict[str, Any] | None = result.get("Attributes")
        return found

    assert update("NONE") is None
    assert update("UPDATED_OLD") == {"n": {"N": "6"}, "m": {"M": {"x": {"S": "NONE"}}}}
    assert update("UPDATED_NEW") == {"n": {"N": "8"}, "m": {"M": {"x": {"S": "UPDATED_NEW"}}}}
    assert update("ALL_OLD") == {
        "pk": {"S": "a"},
        "n": {"N": "8"},
        "m": {"M": {"x": {"S": "UPDATED_NEW"}, "y": {"S": "2"}}},
    }
    assert update("ALL_NEW") == {
        "pk": {"S": "a"},
        "n": {"N": "10"},
        "m": {"M": {"x": {"S": "ALL_NEW"}, "y": {"S": "2"}}},
    }


def test_update_creates_item_and_rejects_key_change(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "S"))
    key = {"pk": {"S": "a"}, "sk": {"S": "b"}}
    created = ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET #l = list_append(if_not_exists(#l, :empty), :more)",
        ExpressionAttributeNames={"#l": "list"},
        ExpressionAttributeValues={":empty": {"L": []}, ":more": {"L": [{"S": "x"}]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert created == {**key, "list": {"L": [{"S": "x"}]}}
    code, message = error_of(
        ddb.update_item,
        TableName=table,
        Key=key,
        UpdateExpression="SET sk = :v",
        ExpressionAttributeValues={":v": {"S": "c"}},
    )
    assert code == "ValidationException"
    assert message == (
        "One or more parameter values were invalid: Cannot update attribute sk. "
        "This attribute is part of the key"
    )
    only_key = ddb.update_item(TableName=table, Key={"pk": {"S": "x"}, "sk": {"S": "y"}})
    assert "Attributes" not in only_key
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "x"}, "sk": {"S": "y"}})["Item"]
    assert got == {"pk": {"S": "x"}, "sk": {"S": "y"}}


def test_malformed_update_expression(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    code, message = error_of(
        ddb.update_item, TableName=table, Key={"pk": {"S": "a"}}, UpdateExpression="SET a ="
    )
    assert code == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Syntax error; token: ")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})


def test_conditions(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    item = {"pk": {"S": "a"}, "v": {"N": "1"}}
    ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
    code, message = error_of(
        ddb.put_item,
        TableName=table,
        Item={"pk": {"S": "a"}, "v": {"N": "2"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    with pytest.raises(ClientError) as caught:
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "a"}, "v": {"N": "3"}},
            ConditionExpression="v > :limit",
            ExpressionAttributeValues={":limit": {"N": "5"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert caught.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert caught.value.response["Item"] == item
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :two",
        ConditionExpression="v = :one AND attribute_exists(pk)",
        ExpressionAttributeValues={":one": {"N": "1"}, ":two": {"N": "2"}},
    )
    with pytest.raises(ClientError) as caught:
        ddb.delete_item(
            TableName=table,
            Key={"pk": {"S": "a"}},
            ConditionExpression="v = :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert caught.value.response["Item"] == {"pk": {"S": "a"}, "v": {"N": "2"}}
    # Without ALL_OLD the exception carries no item; a condition on a missing item sees {}.
    with pytest.raises(ClientError) as caught:
        ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "missing"}},
            UpdateExpression="SET v = :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    assert "Item" not in caught.value.response
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "missing"}})
    deleted = ddb.delete_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        Expected={"v": {"Value": {"N": "2"}}},
        ReturnValues="ALL_OLD",
    )
    assert deleted["Attributes"] == {"pk": {"S": "a"}, "v": {"N": "2"}}
    # Deleting what is not there succeeds.
    assert "Attributes" not in ddb.delete_item(
        TableName=table, Key={"pk": {"S": "a"}}, ReturnValues="ALL_OLD"
    )


def test_legacy_expected(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, Expected={"pk": {"Exists": False}})
    code, _ = error_of(
        ddb.put_item, TableName=table, Item={"pk": {"S": "a"}}, Expected={"pk": {"Exists": False}}
    )
    assert code == "ConditionalCheckFailedException"
    code, message = error_of(
        ddb.put_item,
        TableName=table,
        Item={"pk": {"S": "a"}},
        Expected={"pk": {"Exists": False}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    assert code == "ValidationException"
    assert message.startswith("Can not use both expression and non-expression parameters")


def test_unused_expression_values(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    assert error_of(
        ddb.put_item,
        TableName=table,
        Item={"pk": {"S": "a"}},
        ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":unused": {"S": "x"}},
    ) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )


KEY_ERRORS = [
    ({"pk": {"N": "1"}}, "The provided key element does not match the schema"),
    ({"pk": {"S": "a"}, "x": {"S": "b"}}, "The provided key element does not match the schema"),
    ({"other": {"S": "a"}}, "The provided key element does not match the schema"),
    (
        {"pk": {"S": ""}},
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: pk",
    ),
]


@pytest.mark.parametrize(("key", "message"), KEY_ERRORS)
def test_key_errors(ddb: Any, make_table: TableFactory, key: dict[str, Any], message: str) -> None:
    table = make_table()
    assert error_of(ddb.get_item, TableName=table, Key=key) == ("ValidationException", message)
    assert error_of(ddb.delete_item, TableName=table, Key=key) == ("ValidationException", message)


def test_item_key_errors(ddb: Any, make_table: TableFactory) -> None:
    table = make_table(hash=("pk", "S"), range=("sk", "N"))
    assert error_of(ddb.put_item, TableName=table, Item={"pk": {"S": "a"}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key sk in the item",
    )
    assert error_of(ddb.put_item, TableName=table, Item={"pk": {"N": "1"}, "sk": {"N": "1"}}) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
    )
    code, message = error_of(
        ddb.put_item, TableName=table, Item={"pk": {"S": "a" * 2049}, "sk": {"N": "1"}}
    )
    assert code == "ValidationException"
    assert "Size of hashkey has exceeded the maximum size limit of2048 bytes" in message


def test_missing_table_for_items(ddb: Any) -> None:
    expected = ("ResourceNotFoundException", "Requested resource not found")
    assert error_of(ddb.get_item, TableName="no-such-table", Key={"pk": {"S": "a"}}) == expected
    assert error_of(ddb.put_item, TableName="no-such-table", Item={"pk": {"S": "a"}}) == expected


def test_item_size_limit(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    # 400 KB in all: the name "pk", the key "a", the name "big" and its value.
    fits = 400 * 1024 - len("pk") - 1 - len("big")
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "big": {"S": "x" * fits}})
    assert error_of(
        ddb.put_item, TableName=table, Item={"pk": {"S": "b"}, "big": {"S": "x" * (fits + 1)}}
    ) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "b"}})
    assert error_of(
        ddb.update_item,
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET more = :x",
        ExpressionAttributeValues={":x": {"S": "xx"}},
    ) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")


def test_consumed_capacity_shapes(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    put = ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "a"}, "big": {"S": "x" * 1500}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}
    get = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="INDEXES")
    assert get["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }
    strong = ddb.get_item(
        TableName=table, Key={"pk": {"S": "a"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    none = ddb.put_item(
        TableName=table,
        Item={"pk": {"S": "b"}},
        ReturnConsumedCapacity="NONE",
        ReturnItemCollectionMetrics="SIZE",
    )
    assert "ConsumedCapacity" not in none
    # Item collection metrics exist only for tables with local secondary indexes.
    assert "ItemCollectionMetrics" not in none


def test_item_count_and_size(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    for i in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "v": {"S": "abcd"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "k0"}, "v": {"S": "ab"}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k2"}})
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 2
    # k0: "pk" + "k0" + "v" + "ab" = 7 bytes; k1: "pk" + "k1" + "v" + "abcd" = 9 bytes.
    assert described["TableSizeBytes"] == 16


def test_resource_api_with_conditions(ddb_resource: Any, make_table: TableFactory) -> None:
    table = ddb_resource.Table(make_table(hash=("id", "S")))
    table.put_item(Item={"id": "u1", "name": "Ann", "visits": 1, "tags": {"a", "b"}})
    table.update_item(
        Key={"id": "u1"},
        UpdateExpression="ADD visits :one, tags :more",
        ExpressionAttributeValues={":one": 1, ":more": {"c"}},
        ConditionExpression=Attr("name").eq("Ann") & Attr("visits").lt(10),
    )
    table.update_item(
        Key={"id": "u1"},
        UpdateExpression="DELETE tags :less",
        ExpressionAttributeValues={":less": {"a"}},
    )
    got = table.get_item(Key={"id": "u1"})["Item"]
    assert got["visits"] == Decimal(2)
    assert got["tags"] == {"b", "c"}
    with pytest.raises(ClientError) as caught:
        table.put_item(Item={"id": "u1"}, ConditionExpression=Attr("id").not_exists())
    assert caught.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    table.delete_item(Key={"id": "u1"}, ConditionExpression=Attr("tags").contains("c"))
    assert "Item" not in table.get_item(Key={"id": "u1"})


def test_number_precision_is_exact(ddb: Any, make_table: TableFactory) -> None:
    table = make_table()
    digits = "1234567890" * 3 + "12345678"
    ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "v": {"N": digits}})
    added = ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "n"}},
        UpdateExpression="SET v = v + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    assert added["Attributes"]["v"] == {"N": digits[:-1] + "9"}
    # 39 significant digits are refused, never rounded.
    code, _ = error_of(
        ddb.update_item,
        TableName=table,
        Key={"pk": {"S": "n"}},
        UpdateExpression="SET v = v + :tenth",
        ExpressionAttributeValues={":tenth": {"N": "0.1"}},
    )
    assert code == "ValidationException"
    stored = ddb.get_item(TableName=table, Key={"pk": {"S": "n"}})["Item"]["v"]
    assert stored == {"N": digits[:-1] + "9"}


def test_recreated_table_starts_empty(ddb: Any) -> None:
    """Reads after DeleteTable see the deletion, and a table created again under the same name
    is a new, empty table."""
    name = unique_name("again")
    definition = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    ddb.create_table(**definition)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
    ddb.create_table(**definition)
    try:
        assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
        assert ddb.scan(TableName=name)["Count"] == 0
        assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 0
    finally:
        ddb.delete_table(TableName=name)
