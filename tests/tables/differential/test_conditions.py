"""Condition and filter expressions: every comparator and function, precedence, type rules,
conditional writes that pass and fail (with ReturnValuesOnConditionCheckFailure), and the
condition expressions AWS rejects."""

from __future__ import annotations

from typing import Any

from .harness import NS, SS, B, Differ, L, M, N, S, Side, used

ITEMS: list[dict[str, Any]] = [
    {
        "s": S("apple"),
        "n": N(10),
        "ss": SS("x", "y"),
        "l": L(N(1), S("a")),
        "m": M(k=S("v")),
        "b": B(b"ab"),
        "flag": {"BOOL": True},
    },
    {"s": S("banana"), "n": N(20), "ns": NS(1, 2), "l": L(), "m": M(), "nul": {"NULL": True}},
    {"s": S(""), "n": N(-5), "flag": {"BOOL": False}},
    {"s": N(10), "n": S("10")},
    {"s": S("Apple"), "l": L(S("apple")), "ss": SS("apple")},
    {"s": S("aé😀"), "n": N("1e-130")},
    {},
    {"s": S("cherry"), "n": N(30), "m": M(k=N(5)), "nested": M(deep=L(M(x=N(1))))},
]
VALUES: dict[str, Any] = {
    ":apple": S("apple"),
    ":banana": S("banana"),
    ":b": S("b"),
    ":a": S("a"),
    ":an": S("an"),
    ":x": S("x"),
    ":v": S("v"),
    ":empty": S(""),
    ":ten": N(10),
    ":tenAlt": N("10.0"),
    ":twenty": N(20),
    ":thirty": N(30),
    ":lo": N(0),
    ":hi": N(15),
    ":zero": N(0),
    ":one": N(1),
    ":two": N(2),
    ":three": N(3),
    ":five": N(5),
    ":str10": S("10"),
    ":binA": B(b"a"),
    ":true": {"BOOL": True},
    ":null": {"NULL": True},
    ":typeN": S("N"),
    ":typeS": S("S"),
    ":typeL": S("L"),
    ":typeM": S("M"),
    ":typeSS": S("SS"),
    ":typeNULL": S("NULL"),
    ":typeBOOL": S("BOOL"),
    ":set": SS("x", "y"),
    ":list": L(N(1), S("a")),
    ":map": M(k=S("v")),
}
NAMES = {"#s": "s", "#n": "n", "#m": "m", "#k": "k", "#size": "size"}

FILTERS = [
    "s = :apple",
    "s <> :apple",
    "s < :b",
    "s <= :apple",
    "s > :apple",
    "s >= :banana",
    "n BETWEEN :lo AND :hi",
    "s BETWEEN :a AND :b",
    "n IN (:ten, :twenty)",
    "s IN (:apple, :ten, :empty)",
    "n = :tenAlt",
    "n = :str10",
    "n < :str10",
    "s = n",
    "s <> n",
    "attribute_exists(ss)",
    "attribute_not_exists(s)",
    "attribute_exists(m.k)",
    "attribute_exists(l[1])",
    "attribute_type(s, :typeN)",
    "attribute_type(s, :typeS)",
    "attribute_type(l, :typeL)",
    "attribute_type(m, :typeM)",
    "attribute_type(ss, :typeSS)",
    "attribute_type(nul, :typeNULL)",
    "attribute_type(flag, :typeBOOL)",
    "begins_with(s, :a)",
    "begins_with(s, :empty)",
    "begins_with(b, :binA)",
    "begins_with(n, :a)",
    "contains(s, :an)",
    "contains(s, :empty)",
    "contains(ss, :x)",
    "contains(l, :one)",
    "contains(l, :a)",
    "contains(l, :apple)",
    "contains(ns, :one)",
    "contains(b, :binA)",
    "size(s) > :three",
    "size(s) = :zero",
    "size(l) = :zero",
    "size(l) = :two",
    "size(m) >= :one",
    "size(b) = :two",
    "size(ss) = :two",
    "size(n) = :two",
    "NOT s = :apple",
    "NOT attribute_exists(s) OR n > :ten",
    "s = :apple OR s = :banana AND n = :ten",
    "(s = :apple OR s = :banana) AND n = :ten",
    "NOT (s = :apple OR s = :banana)",
    "NOT NOT s = :apple",
    "n > :ten AND n < :thirty",
    "n > :lo AND n < :thirty OR s = :empty",
    "m.k = :v",
    "m.k = :five",
    "nested.deep[0].x = :one",
    "l[1] = :a",
    "l[5] = :a",
    "#s = :apple",
    "#m.#k = :v",
    "flag = :true",
    "nul = :null",
    "ss = :set",
    "l = :list",
    "m = :map",
    "ss < :x",
    "l > :list",
    "s > :ten",
    "n BETWEEN :str10 AND :hi",
    "n IN (:str10)",
    "attribute_exists(#size)",
]


def _filled(s: Side) -> str:
    table = s.table(("h", "S"), ("r", "N"))
    for index, item in enumerate(ITEMS):
        s.call("put_item", TableName=table, Item={"h": S("f"), "r": N(index), **item})
    return table


def _expression_params(*expressions: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if names := used(NAMES, *expressions):
        params["ExpressionAttributeNames"] = names
    if values := used(VALUES, *expressions):
        params["ExpressionAttributeValues"] = values
    return params


def test_filter_expressions(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _filled(s)
        for expression in FILTERS:
            params = _expression_params("h = :h", expression)
            params["ExpressionAttributeValues"] = params.get("ExpressionAttributeValues", {}) | {
                ":h": S("f")
            }
            s.call(
                "query",
                TableName=table,
                KeyConditionExpression="h = :h",
                FilterExpression=expression,
                ProjectionExpression="r",
                **params,
            )

    diff.check(scenario)


def test_conditional_writes(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("c")}
        item = {**key, "n": N(5), "s": S("v")}
        new_only = "attribute_not_exists(h)"
        s.call("put_item", TableName=table, Item=item, ConditionExpression=new_only)
        s.call(
            "put_item",
            TableName=table,
            Item=item,
            ConditionExpression=new_only,
            aws_message="The conditional request failed",
        )
        for on_failure in ("ALL_OLD", "NONE"):
            s.call(
                "put_item",
                TableName=table,
                Item={**key, "n": N(6)},
                ConditionExpression=new_only,
                ReturnValuesOnConditionCheckFailure=on_failure,
            )
            s.call(
                "update_item",
                TableName=table,
                Key=key,
                UpdateExpression="SET n = n + :one",
                ConditionExpression="n > :ten",
                ExpressionAttributeValues={":one": N(1), ":ten": N(10)},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure=on_failure,
            )
            s.call(
                "delete_item",
                TableName=table,
                Key=key,
                ConditionExpression="s = :other",
                ExpressionAttributeValues={":other": S("other")},
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure=on_failure,
            )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET n = n + :one",
            ConditionExpression="n = :five AND s = :v",
            ExpressionAttributeValues={":one": N(1), ":five": N(5), ":v": S("v")},
            ReturnValues="UPDATED_OLD",
        )
        s.call(
            "put_item",
            TableName=table,
            Item={**key, "fresh": S("yes")},
            ConditionExpression="attribute_exists(h) AND n = :six",
            ExpressionAttributeValues={":six": N(6)},
            ReturnValues="ALL_OLD",
        )
        s.call(
            "delete_item",
            TableName=table,
            Key=key,
            ConditionExpression="attribute_exists(fresh)",
            ReturnValues="ALL_OLD",
        )
        # Conditions on items that do not exist see an empty item.
        missing = {"h": S("missing")}
        for on_failure in ("ALL_OLD", "NONE"):
            s.call(
                "delete_item",
                TableName=table,
                Key=missing,
                ConditionExpression="attribute_exists(h)",
                ReturnValuesOnConditionCheckFailure=on_failure,
            )
            s.call(
                "update_item",
                TableName=table,
                Key=missing,
                UpdateExpression="SET a = :a",
                ConditionExpression="attribute_exists(h)",
                ExpressionAttributeValues={":a": S("a")},
                ReturnValuesOnConditionCheckFailure=on_failure,
            )
        s.call(
            "update_item",
            TableName=table,
            Key=missing,
            UpdateExpression="SET a = :a",
            ConditionExpression="attribute_not_exists(a) AND NOT n = :one",
            ExpressionAttributeValues={":a": S("a"), ":one": N(1)},
            ReturnValues="ALL_NEW",
        )
        s.call("delete_item", TableName=table, Key={"h": S("never")}, ReturnValues="ALL_OLD")
        s.scan_all(table)

    diff.check(scenario)


REJECTED = [
    "s = ",
    "s = :undefined",
    "#undefined = :apple",
    "status = :apple",
    "ATTRIBUTE_EXISTS(s)",
    "size(s)",
    "attribute_type(s, :x)",
    "begins_with(s, :ten)",
    "contains(s)",
    "s BETWEEN :hi AND :lo",
    "s = :apple AND",
    "(s = :apple",
    "s == :apple",
    "s IN ()",
    "unknown_fn(s)",
    ":apple = :apple",
    "attribute_exists(:apple)",
    "s = :apple OR",
    "size(s) = size(l)",
    "l[x] = :a",
    "s IN (" + ", ".join(f":v{i}" for i in range(101)) + ")",
]


def test_rejected_condition_expressions(diff: Differ) -> None:
    many = {f":v{i}": N(i) for i in range(101)}

    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("k")}
        s.call("put_item", TableName=table, Item={**key, "s": S("apple")})
        for expression in REJECTED:
            params = _expression_params(expression)
            if ":v0" in expression:
                params["ExpressionAttributeValues"] = many
            s.call(
                "put_item",
                TableName=table,
                Item={**key, "changed": S("yes")},
                ConditionExpression=expression,
                **params,
            )
            s.call(
                "scan",
                TableName=table,
                FilterExpression=expression,
                **params,
            )
        s.call(
            "put_item",
            TableName=table,
            Item=key,
            ConditionExpression="attribute_exists(h)",
            ExpressionAttributeValues={":unused": S("u")},
            aws_message="Value provided in ExpressionAttributeValues unused in expressions: "
            "keys: {:unused}",
        )
        s.call(
            "put_item",
            TableName=table,
            Item=key,
            Expected={"s": {"Exists": False}},
            ConditionExpression="attribute_exists(h)",
            aws_message="Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {Expected} Expression parameters: "
            "{ConditionExpression}",
        )
        s.call("get_item", TableName=table, Key=key)

    diff.check(scenario)
