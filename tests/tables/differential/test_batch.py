"""BatchWriteItem and BatchGetItem across tables, and the batches AWS rejects as a whole."""

from __future__ import annotations

from typing import Any

from .harness import Differ, N, S, Side


def _put(item: dict[str, Any]) -> dict[str, Any]:
    return {"PutRequest": {"Item": item}}


def _delete(key: dict[str, Any]) -> dict[str, Any]:
    return {"DeleteRequest": {"Key": key}}


def test_batch_write_then_get(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        one = s.table()
        two = s.table(("h", "N"), ("r", "S"))
        s.call("put_item", TableName=one, Item={"h": S("old"), "v": N(1)})
        s.call(
            "batch_write_item",
            RequestItems={
                one: [_put({"h": S(f"k{i}"), "v": N(i)}) for i in range(10)]
                + [_delete({"h": S("old")}), _delete({"h": S("never-there")})],
                two: [_put({"h": N(i % 3), "r": S(f"r{i}"), "x": S("y")}) for i in range(12)],
            },
        )
        s.call(
            "batch_get_item",
            RequestItems={
                one: {"Keys": [{"h": S(f"k{i}")} for i in (0, 3, 9)] + [{"h": S("old")}]},
                two: {
                    "Keys": [{"h": N(1), "r": S("r1")}, {"h": N(2), "r": S("r2")}],
                    "ProjectionExpression": "#r, x",
                    "ExpressionAttributeNames": {"#r": "r"},
                    "ConsistentRead": True,
                },
            },
        )
        s.call(
            "batch_get_item",
            RequestItems={one: {"Keys": [{"h": S("k1")}], "AttributesToGet": ["v"]}},
        )
        s.call("batch_get_item", RequestItems={one: {"Keys": [{"h": S("nothing")}]}})
        s.call(
            "query",
            TableName=two,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": N(0)},
        )

    diff.check(scenario)


def test_rejected_batches_change_nothing(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("good")}
        good = _put(key)
        s.call(
            "batch_get_item",
            RequestItems={table: {"Keys": [{"h": S("a")}, {"h": S("a")}]}},
            aws_message="Provided list of item keys contains duplicates",
        )
        s.call(
            "batch_write_item",
            RequestItems={table: [good, _put({"h": S("a")}), _delete({"h": S("a")})]},
        )
        s.call(
            "batch_write_item",
            RequestItems={table: [_put({"h": S(f"k{i}")}) for i in range(26)]},
        )
        s.call(
            "batch_get_item",
            RequestItems={table: {"Keys": [{"h": S(f"k{i}")} for i in range(101)]}},
        )
        s.call("batch_write_item", RequestItems={table: [good, _put({"h": N(1)})]})
        s.call("batch_write_item", RequestItems={table: [good, _put({"v": S("no key")})]})
        s.call("batch_write_item", RequestItems={table: [good, _put({"h": S("")})]})
        s.call(
            "batch_write_item",
            RequestItems={table: [good, _put({"h": S("big"), "v": S("x" * 410_000)})]},
        )
        s.call(
            "batch_write_item",
            RequestItems={table: [good], f"{table}-missing": [_put({"h": S("x")})]},
        )
        s.call(
            "batch_get_item",
            RequestItems={table: {"Keys": [key]}, f"{table}-missing": {"Keys": [key]}},
        )
        s.call(
            "batch_get_item",
            RequestItems={table: {"Keys": [{"h": S("good"), "extra": S("x")}]}},
        )
        s.call("batch_write_item", RequestItems={table: [{}]})
        s.scan_all(table)

    diff.check(scenario)
