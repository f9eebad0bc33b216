"""Numbers: how they are normalized on write and read, how equal spellings address the same
key, their range and precision, and exact arithmetic at 38 digits."""

from __future__ import annotations

from .harness import NS, Differ, L, M, N, S, Side

SPELLINGS = [
    "+1.50",
    "001",
    "-0",
    "0.000",
    ".5",
    "-.5",
    "1e3",
    "1E-20",
    "1e125",
    "-1.0e-5",
    "12345678901234567890123456789012345678",
    "0.12345678901234567890123456789012345678",
    "9.9999999999999999999999999999999999999E+125",
    "-9.9999999999999999999999999999999999999E+125",
    "1e-130",
    "-1E-130",
    "100",
    "1.0e2",
    "5E+0",
    "123.4560000",
    "1000000000000000000000000000000000000000000",
]

INVALID = [
    "NaN",
    "Infinity",
    "-Infinity",
    " 1",
    "1 ",
    "0x10",
    "1e126",
    "1e-131",
    "123456789012345678901234567890123456789",
    "",
    "e5",
    "1e",
    "--1",
    "1,0",
    "one",
]


def test_normalized_on_write_and_read(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        item = {
            "h": S("n"),
            **{f"n{i}": N(spelling) for i, spelling in enumerate(SPELLINGS)},
            "set": NS("1", "2.50", "3e2", "-0.0100"),
            # DynamoDB Local keeps numbers inside lists and maps as they were sent, where AWS
            # normalizes every number; only spellings both answer alike are nested here.
            "nested": M(inner=L(N("7"), N("0"), M(deep=N("12.3")))),
        }
        s.call("put_item", TableName=table, Item=item)
        s.call("get_item", TableName=table, Key={"h": S("n")})
        s.call("put_item", TableName=table, Item=item, ReturnValues="ALL_OLD")
        s.call("get_item", TableName=table, Key={"h": S("n")}, ProjectionExpression="n3, n6, n9")

    diff.check(scenario)


def test_invalid_numbers_rejected(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        for spelling in INVALID:
            s.call("put_item", TableName=table, Item={"h": S(spelling), "v": N(spelling)})
        s.call("put_item", TableName=table, Item={"h": S("set"), "v": NS("1", "1.0")})
        s.call("put_item", TableName=table, Item={"h": S("set"), "v": NS("1", "NaN")})
        s.scan_all(table)

    diff.check(scenario)


def test_equal_spellings_are_one_key(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "N"), ("r", "N"))
        s.call("put_item", TableName=table, Item={"h": N("1e3"), "r": N("1.50"), "a": S("first")})
        s.call(
            "put_item",
            TableName=table,
            Item={"h": N("1000"), "r": N("1.5"), "a": S("second")},
            ReturnValues="ALL_OLD",
        )
        s.call("get_item", TableName=table, Key={"h": N("1000.0"), "r": N("15e-1")})
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": N("+1000")},
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h AND r = :r",
            ExpressionAttributeValues={":h": N("1E3"), ":r": N("0.15e1")},
        )
        s.call(
            "update_item",
            TableName=table,
            Key={"h": N("10e2"), "r": N("1.500")},
            UpdateExpression="SET a = :a",
            ExpressionAttributeValues={":a": S("third")},
            ReturnValues="ALL_NEW",
        )
        s.call(
            "delete_item",
            TableName=table,
            Key={"h": N("1000"), "r": N("1.5")},
            ReturnValues="ALL_OLD",
        )
        s.scan_all(table)
        # Number keys at the edges of the range, and zero spelled several ways.
        for spelling in ("0", "-0", "0.0", SPELLINGS[12], "1e-130"):
            s.call("put_item", TableName=table, Item={"h": N(spelling), "r": N(spelling)})
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": N("0.000")},
        )

    diff.check(scenario)


def test_exact_arithmetic(diff: Differ) -> None:
    # DynamoDB Local keeps the scale of a sum (ADD 5.000 to -5 reads back as 0.000) where AWS
    # normalizes every stored number, so no case here has a result with trailing zeros.
    updates = [
        ("SET n = n + :v", "1e50", "1"),  # needs 51 digits
        ("SET n = n + :v", "99999999999999999999999999999999999999", "1"),
        ("SET n = n - :v", "0.1", "0.3"),
        ("SET n = n + :v", "12345678901234567890123456789012345678", "0.5"),
        ("SET n = n + :v", "1", "1e-130"),
        ("SET n = n + :v", "9.9999999999999999999999999999999999999E+125", "1e125"),
        ("SET n = n - :v", "-9.9999999999999999999999999999999999999E+125", "1e125"),
        ("SET n = n - :v", "2e-130", "1e-130"),
        ("ADD n :v", "1e50", "1"),
        ("ADD n :v", "99999999999999999999999999999999999999", "1"),
        ("ADD n :v", "-5", "4.75"),
        ("ADD n :v", "1.1", "2.2"),
        ("ADD n :v", "9.9999999999999999999999999999999999999E+125", "1e125"),
        ("SET n = :v + :v", "0", "4.5e125"),
    ]

    def scenario(s: Side) -> None:
        table = s.table()
        for index, (expression, start, operand) in enumerate(updates):
            key = {"h": S(f"a{index}")}
            s.call("put_item", TableName=table, Item={**key, "n": N(start)})
            s.call(
                "update_item",
                TableName=table,
                Key=key,
                UpdateExpression=expression,
                ExpressionAttributeValues={":v": N(operand)},
                ReturnValues="UPDATED_NEW",
            )
            s.call("get_item", TableName=table, Key=key)

    diff.check(scenario)
