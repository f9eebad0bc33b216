"""Items: every attribute type round-trips, ReturnValues of PutItem and DeleteItem,
ProjectionExpression, missing items, and the ConsumedCapacity a write and a read report."""

from __future__ import annotations

from .harness import BS, NS, SS, B, Differ, L, M, N, S, Side, optional

EVERY_TYPE = {
    "s": S("text é 😀"),
    "empty_s": S(""),
    "n": N("-12.5"),
    "b": B(b"\x00\x01\xfe\xff"),
    "empty_b": B(b""),
    "ss": SS("b", "a", "😀", ""),
    "ns": NS("3", "-1", "2.5"),
    "bs": BS(b"\x02", b"\x01", b""),
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "nul": {"NULL": True},
    "l": L(S("a"), N(1), L(), M(), {"NULL": True}, L(L(S("deep")))),
    "m": M(a=M(b=M(c=S("d"))), list=L(N(1), N(2)), empty=M(), e=S("")),
    "empty_l": L(),
    "empty_m": M(),
    "dotted.name": S("dot"),
    "with space": S("space"),
    "ünï": S("unicode name"),
}


def test_every_type_round_trips(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("all")}
        s.call("put_item", TableName=table, Item={**key, **EVERY_TYPE})
        s.call("get_item", TableName=table, Key=key)
        s.call("get_item", TableName=table, Key=key, ConsistentRead=True)
        s.call("put_item", TableName=table, Item=key, ReturnValues="ALL_OLD")
        s.call("put_item", TableName=table, Item={**key, **EVERY_TYPE}, ReturnValues="NONE")
        s.call("delete_item", TableName=table, Key=key, ReturnValues="ALL_OLD")
        s.call("delete_item", TableName=table, Key=key, ReturnValues="ALL_OLD")
        s.call("get_item", TableName=table, Key=key)
        s.call("get_item", TableName=table, Key={"h": S("never")})

    diff.check(scenario)


def test_projection_expressions(diff: Differ) -> None:
    projections = [
        "s, n",
        "m.a.b",
        "m.a.b.c, l[0]",
        "l[5], l[1], l[3]",
        "l[5][0][0]",
        "#d, #sp",
        "m.list[1], m.e",
        "nothing, h",
        "ss, missing.path",
        "m, m.a",
        "l[0], l",
        "m.a, m.a.b",
        "s, s",
        "",
        "s,",
        "name",
        "#undefined",
        "l[x]",
        "m.a[0]",
        "s.x",
    ]

    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("p")}
        s.call("put_item", TableName=table, Item={**key, **EVERY_TYPE})
        for projection in projections:
            names = {
                name: value
                for name, value in (("#d", "dotted.name"), ("#sp", "with space"))
                if name in projection
            }
            s.call(
                "get_item",
                TableName=table,
                Key=key,
                ProjectionExpression=projection,
                **optional(ExpressionAttributeNames=names),
            )

    diff.check(scenario)


def test_consumed_capacity(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        for size in (10, 1_500, 5_000):
            item = {"h": S("c"), "r": N(size), "v": S("x" * size)}
            s.call("put_item", TableName=table, Item=item, ReturnConsumedCapacity="TOTAL")
            key = {"h": S("c"), "r": N(size)}
            for consistent in (False, True):
                s.call(
                    "get_item",
                    TableName=table,
                    Key=key,
                    ConsistentRead=consistent,
                    ReturnConsumedCapacity="TOTAL",
                )
        s.call(
            "query",
            TableName=table,
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": S("c")},
            ReturnConsumedCapacity="TOTAL",
        )
        s.call(
            "delete_item",
            TableName=table,
            Key={"h": S("c"), "r": N(10)},
            ReturnConsumedCapacity="TOTAL",
        )

    diff.check(scenario)
