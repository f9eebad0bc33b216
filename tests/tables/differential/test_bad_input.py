"""Bad input: keys of the wrong type or shape, empty key values, empty sets, NULL false,
oversize items and keys, reserved words, unused or missing placeholders, syntax errors,
unknown tables and misplaced ReturnValues: the same error code, and nothing changes."""

from __future__ import annotations

from typing import Any

from .harness import BS, NS, SS, B, Differ, L, M, N, S, Side, optional

ITEM_LIMIT = 400 * 1024


def test_keys_of_the_wrong_type_or_shape(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        bad_items: list[dict[str, Any]] = [
            {"h": N(1), "r": N(1)},
            {"h": S("a"), "r": S("1")},
            {"h": S("a")},
            {"r": N(1)},
            {"h": S(""), "r": N(1)},
            {"h": SS("a"), "r": N(1)},
            {"h": L(S("a")), "r": N(1)},
            {"h": {"NULL": True}, "r": N(1)},
            {"h": S("x" * 2049), "r": N(1)},
            {"h": S("é" * 1025), "r": N(1)},
        ]
        for item in bad_items:
            s.call("put_item", TableName=table, Item=item)
        s.call("put_item", TableName=table, Item={"h": S("x" * 2048), "r": N(1)})
        s.call("get_item", TableName=table, Key={"h": S("x" * 2048), "r": N(1)})
        bad_keys: list[dict[str, Any]] = [
            {"h": S("a")},
            {"h": S("a"), "r": N(1), "extra": S("x")},
            {"h": S("a"), "x": N(1)},
            {"h": N(1), "r": N(1)},
            {"h": S(""), "r": N(1)},
        ]
        for key in bad_keys:
            s.call("get_item", TableName=table, Key=key)
            s.call("delete_item", TableName=table, Key=key)
            s.call(
                "update_item",
                TableName=table,
                Key=key,
                UpdateExpression="SET v = :v",
                ExpressionAttributeValues={":v": S("v")},
            )
        s.call(
            "get_item",
            TableName=table,
            Key={"h": S(""), "r": N(1)},
            aws_message="One or more parameter values are not valid. The AttributeValue for a "
            "key attribute cannot contain an empty string value. Key: h",
        )
        binary = s.table(("h", "B"))
        s.call("put_item", TableName=binary, Item={"h": B(b"")})
        s.call("put_item", TableName=binary, Item={"h": B(b"x" * 2049)})
        s.scan_all(table)
        s.scan_all(binary)

    diff.check(scenario)


def test_bad_attribute_values(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        values: list[Any] = [
            SS(),
            NS(),
            BS(),
            M(inner=SS()),
            L(NS()),
            SS("a", "a"),
            BS(b"a", b"a"),
            {"NULL": False},
            {"S": "a", "N": "1"},
            {},
            {"L": [{}]},
        ]
        for value in values:
            s.call("put_item", TableName=table, Item={"h": S("k"), "v": value})
        s.call(
            "put_item",
            TableName=table,
            Item={"h": S("k"), "v": SS()},
            aws_message="An string set  may not be empty",
        )
        s.call(
            "put_item",
            TableName=table,
            Item={"h": S("k"), "v": {"NULL": False}},
            aws_message="Null attribute value types must have the value of true",
        )
        s.scan_all(table)

    diff.check(scenario)


def test_item_size_limit(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        # Size = attribute name lengths + value lengths: 1 + 1 ("h", "k") + 1 + len(v).
        fits = ITEM_LIMIT - 3
        s.call("put_item", TableName=table, Item={"h": S("k"), "v": S("x" * fits)})
        s.call(
            "put_item",
            TableName=table,
            Item={"h": S("k"), "v": S("x" * (fits + 1))},
            aws_message="Item size has exceeded the maximum allowed size",
        )
        s.call("put_item", TableName=table, Item={"h": S("k"), "v": B(b"x" * (fits + 1))})
        s.call(
            "put_item",
            TableName=table,
            Item={"h": S("k"), "v" * 300: S("x" * (fits - 299))},
        )
        s.call(
            "put_item",
            TableName=table,
            Item={"h": S("m"), "v": M(a=S("x" * (ITEM_LIMIT - 5)))},
        )
        s.call("get_item", TableName=table, Key={"h": S("k")}, ProjectionExpression="h")
        s.call("get_item", TableName=table, Key={"h": S("m")}, ProjectionExpression="h")

    diff.check(scenario)


def test_placeholders_reserved_words_and_syntax(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("k")}
        s.call("put_item", TableName=table, Item={**key, "a": S("a")})
        s.call(
            "get_item",
            TableName=table,
            Key=key,
            ProjectionExpression="a",
            ExpressionAttributeNames={"#x": "y"},
            aws_message="Value provided in ExpressionAttributeNames unused in expressions: "
            "keys: {#x}",
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("k"), ":x": S("x")},
            aws_message="Value provided in ExpressionAttributeValues unused in expressions: "
            "keys: {:x}",
        )
        s.call(
            "scan",
            TableName=table,
            FilterExpression="a = :a",
            ExpressionAttributeValues={":a": S("a")},
            ExpressionAttributeNames={"#unused": "u"},
        )
        s.call("scan", TableName=table, ExpressionAttributeValues={":a": S("a")})
        s.call("scan", TableName=table, ExpressionAttributeNames={"#a": "a"})
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET a = a",
            ExpressionAttributeValues={},
        )
        for projection in ("name", "a, status", "#a.value"):
            names = {"#a": "a"} if "#a" in projection else {}
            s.call(
                "get_item",
                TableName=table,
                Key=key,
                ProjectionExpression=projection,
                **optional(ExpressionAttributeNames=names),
            )
        s.call(
            "scan",
            TableName=table,
            FilterExpression="name = :a",
            ExpressionAttributeValues={":a": S("a")},
        )
        for syntax in ("a = ", "a = :a AND", "a := :a", "a = :a)", "((a = :a)"):
            s.call(
                "scan",
                TableName=table,
                FilterExpression=syntax,
                ExpressionAttributeValues={":a": S("a")},
            )
        for depth in (2100, 1000, 2, 1):
            s.call(
                "put_item",
                TableName=table,
                Item=key,
                ConditionExpression="(" * depth + "attribute_exists(h)" + ")" * depth,
            )
        s.call(
            "put_item",
            TableName=table,
            Item=key,
            ConditionExpression=" OR ".join(["attribute_exists(h)"] * 400),
        )
        s.call("get_item", TableName=table, Key=key)

    diff.check(scenario)


def test_unknown_tables_and_misplaced_options(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        missing = f"{table}-missing"
        key = {"h": S("k")}
        s.call("get_item", TableName=missing, Key=key)
        s.call("put_item", TableName=missing, Item=key)
        s.call("delete_item", TableName=missing, Key=key)
        s.call("update_item", TableName=missing, Key=key, UpdateExpression="REMOVE a")
        s.call("scan", TableName=missing)
        s.call("describe_table", TableName=missing)
        s.call("put_item", TableName=table, Item=key, ReturnValues="UPDATED_NEW")
        s.call("put_item", TableName=table, Item=key, ReturnValues="ALL_NEW")
        s.call("delete_item", TableName=table, Key=key, ReturnValues="ALL_NEW")
        s.call("put_item", TableName=table, Item=key, ReturnValues="BOGUS")
        s.call("update_item", TableName=table, Key=key, ReturnValues="SOMETIMES")
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            Select="BOGUS",
            ExpressionAttributeValues={":h": S("k")},
        )
        s.call("scan", TableName=table, Select="SPECIFIC_ATTRIBUTES")
        s.call("scan", TableName=table, Select="COUNT", ProjectionExpression="h")
        s.call("scan", TableName="ab")
        s.call("scan", TableName="bad name!")
        s.call("create_table", **_definition(table))
        s.call("describe_table", TableName=table)
        s.scan_all(table)

    diff.check(scenario)


def _definition(name: str) -> dict[str, Any]:
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


def test_bad_table_definitions(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        base = _definition(f"diff-{s.run_id}-def")
        s.tables.append(base["TableName"])  # dropped afterwards should a variant be accepted
        variants: list[dict[str, Any]] = [
            base | {"AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}]},
            base
            | {
                "AttributeDefinitions": [
                    {"AttributeName": "h", "AttributeType": "S"},
                    {"AttributeName": "extra", "AttributeType": "S"},
                ]
            },
            base | {"AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "BOOL"}]},
            base | {"KeySchema": [{"AttributeName": "h", "KeyType": "RANGE"}]},
            base
            | {
                "KeySchema": [
                    {"AttributeName": "h", "KeyType": "HASH"},
                    {"AttributeName": "h", "KeyType": "RANGE"},
                ]
            },
            base | {"BillingMode": "PROVISIONED"},
            # Not compared: throughput with PAY_PER_REQUEST, which AWS rejects and DynamoDB
            # Local accepts.
        ]
        for variant in variants:
            s.call("create_table", **variant)
        s.call("describe_table", TableName=base["TableName"])

    diff.check(scenario)
