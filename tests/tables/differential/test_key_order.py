"""Sort-key order: S by UTF-8 bytes (so ``aé < b < U+FF21 < 😀``, unlike UTF-16 order), N
numerically, B by unsigned bytes; in both directions, with paging and range conditions."""

from __future__ import annotations

from typing import Any

from .harness import B, Differ, N, S, Side

STRINGS = [
    "b",
    "aé",
    "\uff21",
    "😀",
    "a",
    "A",
    "Z",
    "z",
    "~",
    "\u007f",
    "\u0080",
    "ä",
    "ab",
    "a b",
    "a\u0001",
    "\uffff",
    "\U00010000",
    "ﬀ",
    "0",
    " ",
]
NUMBERS = [
    "-9.9999999999999999999999999999999999999E+125",
    "-1e125",
    "-10",
    "-1",
    "-0.11",
    "-0.1",
    "-1e-130",
    "0",
    "1e-130",
    "0.1",
    "0.11",
    "1",
    "2",
    "10",
    "10.5",
    "100",
    "12345678901234567890123456789012345678",
    "9.9999999999999999999999999999999999999E+125",
]
BINARIES = [
    b"\x00",
    b"\x00\x00",
    b"\x01",
    b"\x7f",
    b"\x80",
    b"\xff",
    b"\xff\x00",
    b"\xff\xff",
    b"a",
    b"ab",
]


def _walk(s: Side, table: str, bounds: tuple[Any, Any]) -> None:
    """The partition in both directions, whole and three at a time, and within bounds."""
    values = {":h": S("p")}
    for forward in (True, False):
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues=values,
            ScanIndexForward=forward,
        )
        s.pages(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues=values,
            ScanIndexForward=forward,
            Limit=3,
        )
        for condition in ("r < :a", "r <= :a", "r > :a", "r >= :a", "r BETWEEN :a AND :b"):
            expression = f"h = :h AND {condition}"
            bound_values = {":a": bounds[0]} | ({":b": bounds[1]} if ":b" in condition else {})
            s.call(
                "query",
                TableName=table,
                KeyConditionExpression=expression,
                ExpressionAttributeValues=values | bound_values,
                ScanIndexForward=forward,
            )


def test_string_sort_keys_in_utf8_byte_order(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "S"))
        for value in STRINGS:
            s.call("put_item", TableName=table, Item={"h": S("p"), "r": S(value)})
        _walk(s, table, (S("aé"), S("\uff21")))
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h AND begins_with(r, :p)",
            ExpressionAttributeValues={":h": S("p"), ":p": S("a")},
        )

    diff.check(scenario)


def test_number_sort_keys_in_numeric_order(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        for value in NUMBERS:
            s.call("put_item", TableName=table, Item={"h": S("p"), "r": N(value)})
        _walk(s, table, (N("-0.1"), N("10")))

    diff.check(scenario)


def test_binary_sort_keys_in_unsigned_byte_order(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "B"))
        for value in BINARIES:
            s.call("put_item", TableName=table, Item={"h": S("p"), "r": B(value)})
        _walk(s, table, (B(b"\x00\x00"), B(b"\xff")))
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h AND begins_with(r, :p)",
            ExpressionAttributeValues={":h": S("p"), ":p": B(b"\xff")},
        )

    diff.check(scenario)


def test_binary_and_number_hash_keys(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        by_bytes = s.table(("h", "B"))
        for value in BINARIES:
            s.call("put_item", TableName=by_bytes, Item={"h": B(value), "v": B(value)})
        for value in BINARIES[:4]:
            s.call("get_item", TableName=by_bytes, Key={"h": B(value)})
        s.call("get_item", TableName=by_bytes, Key={"h": B(b"\x02")})
        by_number = s.table(("h", "N"))
        for number in NUMBERS:
            s.call("put_item", TableName=by_number, Item={"h": N(number)})
        for number in ("-1.0", "1E-130", "0.110", "+2"):
            s.call("get_item", TableName=by_number, Key={"h": N(number)})

    diff.check(scenario)
