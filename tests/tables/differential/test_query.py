"""Query: every sort-key condition in both directions, Limit and paging, Limit applied before
the filter, Select and projections, the 1 MB page, and the key condition's restrictions."""

from __future__ import annotations

from typing import Any

from .harness import Differ, N, S, Side, optional, used

VALUES: dict[str, Any] = {
    ":h": S("p"),
    ":x": N(7),
    ":lo": N(5),
    ":hi": N(12),
    ":even": S("even"),
    ":odd": S("odd"),
    ":s": S("p"),
}
CONDITIONS = [
    "h = :h",
    "h = :h AND r = :x",
    "h = :h AND r < :x",
    "h = :h AND r <= :x",
    "h = :h AND r > :x",
    "h = :h AND r >= :x",
    "h = :h AND r BETWEEN :lo AND :hi",
    "(h = :h) AND (r > :x)",
    "r > :x AND h = :h",
    "#h = :h AND #r BETWEEN :lo AND :hi",
]


def _numbered(s: Side) -> str:
    """Twenty items 1..20 in partition ``p``, and some in other partitions."""
    table = s.table(("h", "S"), ("r", "N"))
    for r in range(1, 21):
        parity = "even" if r % 2 == 0 else "odd"
        item = {"h": S("p"), "r": N(r), "par": S(parity), "v": S("x" * r)}
        s.call("put_item", TableName=table, Item=item)
    for h in ("o", "pp", "P"):
        s.call("put_item", TableName=table, Item={"h": S(h), "r": N(1), "par": S("odd")})
    return table


def _names(expression: str) -> dict[str, str]:
    return used({"#h": "h", "#r": "r", "#p": "par"}, expression)


def test_every_sort_key_condition_both_directions_and_paged(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _numbered(s)
        for condition in CONDITIONS:
            for forward in (True, False):
                params: dict[str, Any] = dict(
                    TableName=table,
                    KeyConditionExpression=condition,
                    ExpressionAttributeValues=used(VALUES, condition),
                    ScanIndexForward=forward,
                    **optional(ExpressionAttributeNames=_names(condition)),
                )
                s.call("query", **params)
                s.pages("query", Limit=4, **params)
        s.pages(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("p")},
            Limit=20,
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("nothing")},
        )

    diff.check(scenario)


def test_begins_with_on_string_sort_keys(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "S"))
        for r in ("a", "ab", "abc", "abd", "ac", "b", "ba", "aé", "a\uffff", "ab\U0001f600"):
            s.call("put_item", TableName=table, Item={"h": S("p"), "r": S(r)})
        for prefix in ("a", "ab", "abc", "z", "aé", "a\uffff"):
            for forward in (True, False):
                s.pages(
                    "query",
                    TableName=table,
                    KeyConditionExpression="h = :h AND begins_with(r, :p)",
                    ExpressionAttributeValues={":h": S("p"), ":p": S(prefix)},
                    ScanIndexForward=forward,
                    Limit=2,
                )

    diff.check(scenario)


def test_limit_applies_before_the_filter(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _numbered(s)
        for forward in (True, False):
            for limit in (1, 5, 7):
                s.pages(
                    "query",
                    TableName=table,
                    KeyConditionExpression="h = :h AND r > :x",
                    FilterExpression="par = :even",
                    ExpressionAttributeValues=used(VALUES, "h = :h AND r > :x", ":even"),
                    ScanIndexForward=forward,
                    Limit=limit,
                )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            FilterExpression="par = :odd",
            ExpressionAttributeValues=used(VALUES, ":h :odd"),
            Select="COUNT",
        )
        s.pages(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            FilterExpression="par = :s",
            ExpressionAttributeValues=used(VALUES, ":h :s"),
            Limit=6,
        )

    diff.check(scenario)


def test_select_projection_and_consistent_read(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _numbered(s)
        base: dict[str, Any] = dict(
            TableName=table,
            KeyConditionExpression="h = :h AND r BETWEEN :lo AND :hi",
            ExpressionAttributeValues=used(VALUES, ":h :lo :hi"),
        )
        s.call("query", Select="COUNT", **base)
        s.pages("query", Select="COUNT", Limit=3, **base)
        s.call("query", Select="ALL_ATTRIBUTES", ConsistentRead=True, **base)
        s.call("query", ProjectionExpression="par, r", **base)
        s.call(
            "query",
            ProjectionExpression="#p",
            ExpressionAttributeNames={"#p": "par"},
            Select="SPECIFIC_ATTRIBUTES",
            **base,
        )
        s.call("query", ProjectionExpression="v", Select="ALL_ATTRIBUTES", **base)
        s.call("query", Select="SPECIFIC_ATTRIBUTES", **base)
        s.call("query", Select="ALL_PROJECTED_ATTRIBUTES", **base)

    diff.check(scenario)


def test_one_megabyte_pages(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        for r in range(24):
            blob = "y" * (100_000 + r * 1_000)
            s.call("put_item", TableName=table, Item={"h": S("big"), "r": N(r), "v": S(blob)})
        query: dict[str, Any] = dict(
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("big")},
            ProjectionExpression="r",
        )
        for forward in (True, False):
            s.pages("query", ScanIndexForward=forward, **query)
        count = {k: v for k, v in query.items() if k != "ProjectionExpression"}
        s.pages("query", Select="COUNT", **count)

    diff.check(scenario)


def test_key_condition_restrictions(diff: Differ) -> None:
    bad = [
        ("r = :x", VALUES),
        ("h = :h OR r = :x", VALUES),
        ("h = :h AND r <> :x", VALUES),
        ("h = :h AND r = :x AND r = :lo", VALUES),
        ("h = :h AND par = :even", VALUES),
        ("h < :h", VALUES),
        ("h = :h AND begins_with(r, :x)", VALUES),
        ("h = :h AND r BETWEEN :hi AND :lo", VALUES),
        ("h = :h AND r IN (:x, :lo)", VALUES),
        ("h = :h AND NOT r = :x", VALUES),
        ("h = :x", VALUES),
        ("h = :h AND r = :s", VALUES),
        ("h = :h AND attribute_exists(r)", VALUES),
        ("h = :h AND h = :s", VALUES),
        ("h = :h AND", VALUES),
        ("h = :missing", VALUES),
        ("h = :h AND r > r", VALUES),
        ("h = :h AND size(r) > :x", VALUES),
    ]

    def scenario(s: Side) -> None:
        table = _numbered(s)
        for expression, pool in bad:
            values = used(pool, expression) or {":h": S("p")}
            s.call(
                "query",
                TableName=table,
                KeyConditionExpression=expression,
                ExpressionAttributeValues=values,
            )
        # AWS and DynamoDB Local word this one alike.
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h AND r = :x AND r = :lo",
            ExpressionAttributeValues=used(VALUES, ":h :x :lo"),
            aws_message="KeyConditionExpressions must only contain one condition per key",
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("p")},
            ExclusiveStartKey={"h": S("p")},
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("p")},
            ExclusiveStartKey={"h": S("p"), "r": S("1")},
        )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("p")},
            ExclusiveStartKey={"h": S("other"), "r": N(3)},
        )
        s.call(
            "query",
            TableName=f"{table}-missing",
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("p")},
        )

    diff.check(scenario)
