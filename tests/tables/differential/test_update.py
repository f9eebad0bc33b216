"""UpdateExpression: SET (arithmetic, if_not_exists, list_append, nested paths, list indexes),
REMOVE, ADD and DELETE, each with every ReturnValues; upserts; and the expressions AWS rejects."""

from __future__ import annotations

from typing import Any

from .harness import BS, NS, SS, B, Differ, L, M, N, S, Side, optional, used

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")

BASE: dict[str, Any] = {
    "a": S("x"),
    "n": N(5),
    "l": L(N(1), S("two"), N(3)),
    "m": M(inner=M(deep=S("d"), k=N(1)), top={"BOOL": True}),
    "ss": SS("a", "b", "c"),
    "ns": NS(1, 2),
    "bs": BS(b"\x01", b"\x02"),
    "e": S(""),
    "nul": {"NULL": True},
    "bin": B(b"\x00\xff"),
}
VALUES: dict[str, Any] = {
    ":v": S("y"),
    ":w": S("w"),
    ":one": N(1),
    ":ten": N(10),
    ":zero": N(0),
    ":more": L(S("m1"), N(2)),
    ":empty": L(),
    ":ss2": SS("c", "d"),
    ":ssb": SS("b", "z"),
    ":ssall": SS("a", "b", "c"),
    ":ns2": NS(2, 3),
    ":bs1": BS(b"\x01"),
    ":map": M(x=N(1)),
    ":s": S("1"),
}
NAMES = {"#m": "m", "#i": "inner", "#a": "a", "#dot": "a.b"}

UPDATES = [
    "SET a = :v",
    "SET fresh = :v",
    "SET n = n + :one",
    "SET n = n - :one",
    "SET n2 = :one + :ten",
    "SET n = :ten - n",
    "SET c = if_not_exists(c, :zero)",
    "SET n = if_not_exists(n, :zero)",
    "SET l = list_append(l, :more)",
    "SET l = list_append(:more, l)",
    "SET l = list_append(l, :empty)",
    "SET m.inner.deep = :v",
    "SET m.inner.newkey = :v",
    "SET m.fresh = :map",
    "SET l[1] = :v",
    "SET l[10] = :v",
    "SET l[7] = :v, l[5] = :w",
    "SET #m.#i.k = #m.#i.k + :one",
    "SET #dot = :v",
    "SET a = n",
    "SET m.copy = l[1]",
    "SET l[1] = if_not_exists(l[1], :v)",
    "SET m.top = :v, m.inner.k = :one",
    "SET nul = :v",
    "REMOVE a",
    "REMOVE l[0]",
    "REMOVE l[0], l[2]",
    "REMOVE l[5]",
    "REMOVE m.inner",
    "REMOVE missing",
    "REMOVE m.inner.deep, a",
    "REMOVE m.nothere",
    "ADD n :one",
    "ADD newn :one",
    "ADD ss :ss2",
    "ADD newss :ss2",
    "ADD ns :ns2",
    "ADD m.inner.k :ten",
    "DELETE ss :ssb",
    "DELETE ss :ssall",
    "DELETE bs :bs1",
    "DELETE nothere :ssb",
    "SET a = :v REMOVE e ADD n :one DELETE ss :ssb",
    "set a = :v remove e",
    "REMOVE e SET a = :v",
    "SET a = :v, n = n + :one, l = list_append(l, :more)",
]


def _update(s: Side, table: str, key: dict[str, Any], expression: str, **extra: Any) -> None:
    names = used(NAMES, expression)
    values = used(VALUES, expression)
    s.call(
        "update_item",
        TableName=table,
        Key=key,
        UpdateExpression=expression,
        **optional(ExpressionAttributeNames=names, ExpressionAttributeValues=values),
        **extra,
    )


def _return_values_for(expression: str) -> tuple[str, ...]:
    """Every ReturnValues, except UPDATED_* for nested paths: for those AWS returns only the
    touched elements nested in their parents (``SET a.c[1]`` gives ``{a: {c: [old]}}``), where
    DynamoDB Local returns whole top-level attributes, so those belong to the engine's own tests."""
    if "." in expression or "[" in expression:
        return ("NONE", "ALL_OLD", "ALL_NEW")
    return RETURN_VALUES


def _each_with_every_return_value(s: Side, table: str, expressions: list[str]) -> None:
    for index, expression in enumerate(expressions):
        for return_values in _return_values_for(expression):
            key = {"h": S(f"u{index}-{return_values}")}
            s.call("put_item", TableName=table, Item={**key, **BASE})
            _update(s, table, key, expression, ReturnValues=return_values)
            if return_values in ("NONE", "ALL_OLD"):
                s.call("get_item", TableName=table, Key=key)


def test_set_with_every_return_value(diff: Differ) -> None:
    expressions = [e for e in UPDATES if e.upper().startswith("SET")]
    diff.check(lambda s: _each_with_every_return_value(s, s.table(), expressions))


def test_remove_add_delete_with_every_return_value(diff: Differ) -> None:
    expressions = [e for e in UPDATES if not e.upper().startswith("SET")]
    diff.check(lambda s: _each_with_every_return_value(s, s.table(), expressions))


def test_upsert_of_missing_items(diff: Differ) -> None:
    expressions = [
        "SET a = :v",
        "ADD n :one",
        "ADD ss :ss2",
        # Not "REMOVE m.x": AWS accepts it on a missing item, DynamoDB Local rejects it.
        "REMOVE a",
        "SET l = list_append(if_not_exists(l, :empty), :more)",
        "SET n = if_not_exists(n, :zero) + :one",
        "DELETE ss :ssb",
        "SET l[3] = :v",
        "SET m.x = :v",
    ]

    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        for index, expression in enumerate(expressions):
            for return_values in ("NONE", "ALL_NEW", "UPDATED_OLD"):
                key = {"h": S(f"new{index}"), "r": N(len(return_values))}
                _update(s, table, key, expression, ReturnValues=return_values)
                s.call("get_item", TableName=table, Key=key)
        # An update with no expression at all creates the bare item.
        s.call("update_item", TableName=table, Key={"h": S("bare"), "r": N(0)})
        s.call("get_item", TableName=table, Key={"h": S("bare"), "r": N(0)})

    diff.check(scenario)


REJECTED = [
    "SET a = :v, a = :w",
    "SET m.inner = :v, m.inner.deep = :w",
    "SET m.x = :v REMOVE m[1]",
    "SET l[0] = :v REMOVE l[0]",
    "SET h = :v",
    "REMOVE h",
    "ADD a :one",
    "ADD n :s",
    "ADD l :one",
    "ADD ss :ns2",
    "ADD m.x.y :one",
    "DELETE n :one",
    "DELETE ss :ns2",
    "DELETE ss :s",
    "SET n = n + :s",
    "SET a = a + :one",
    "SET l = list_append(n, :more)",
    "SET l = list_append(l, :v)",
    "SET nothere.x = :v",
    "SET a[0] = :v",
    "SET a.b = :v",
    "REMOVE nothere.x",
    "REMOVE a[0]",
    "SET a = :undefined",
    "SET #undefined = :v",
    "SET name = :v",
    "REMOVE status",
    "SET a = ",
    "SET a :v",
    "SET a = :v SET n = :one",
    "SET = :v",
    "FROB a",
    "SET a = :v,",
    "ADD n",
    "SET a = if_not_exists(:v, a)",
    "SET a = list_append(:more)",
    "SET a = unknown_fn(a)",
    "SET a = size(a)",
    "SET l[x] = :v",
    "SET n = n + :one + :one",
    "SET a = (:v)",
    "SET a = :v REMOVE",
    "SET l[-1] = :v",
    "SET a = :v DELETE a",
    "SET if_not_exists(a, :v) = :v",
]


def test_rejected_update_expressions(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("k")}
        s.call("put_item", TableName=table, Item={**key, **BASE})
        for expression in REJECTED:
            _update(s, table, key, expression, ReturnValues="ALL_NEW")
        s.call("get_item", TableName=table, Key=key)  # unchanged by all of the above

    diff.check(scenario)


EMPTY = "Invalid UpdateExpression: The expression can not be empty;"
UNUSED = "Value provided in ExpressionAttribute{kind} unused in expressions: keys: {{{key}}}"


def test_update_messages_shared_with_aws(diff: Differ) -> None:
    """The cases where AWS's wording is recorded and DynamoDB Local words it alike."""

    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("k")}
        s.call("put_item", TableName=table, Item={**key, **BASE})
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="",
            aws_message="Invalid UpdateExpression: The expression can not be empty;",
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET #nope = :v",
            ExpressionAttributeValues={":v": S("v")},
            aws_message=(
                "Invalid UpdateExpression: An expression attribute name used in the document "
                "path is not defined; attribute name: #nope"
            ),
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :nope",
            aws_message=(
                "Invalid UpdateExpression: An expression attribute value used in expression "
                "is not defined; attribute value: :nope"
            ),
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues={":v": S("v"), ":unused": S("u")},
            aws_message=UNUSED.format(kind="Values", key=":unused"),
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :v",
            ExpressionAttributeNames={"#unused": "u"},
            ExpressionAttributeValues={":v": S("v")},
            aws_message=UNUSED.format(kind="Names", key="#unused"),
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET big = :big",
            ExpressionAttributeValues={":big": S("z" * 409_600)},
            aws_message="Item size to update has exceeded the maximum allowed size",
        )
        s.call(
            "update_item",
            TableName=table,
            Key=key,
            UpdateExpression="SET a = :v",
            AttributeUpdates={"b": {"Action": "PUT", "Value": S("b")}},
            ExpressionAttributeValues={":v": S("v")},
            aws_message=(
                "Can not use both expression and non-expression parameters in the same request: "
                "Non-expression parameters: {AttributeUpdates} "
                "Expression parameters: {UpdateExpression}"
            ),
        )
        s.call("get_item", TableName=table, Key=key)

    diff.check(scenario)


def test_item_size_limit_on_update(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = s.table()
        key = {"h": S("grow")}
        for index in range(5):
            s.call(
                "update_item",
                TableName=table,
                Key=key,
                UpdateExpression=f"SET part{index} = :v",
                ExpressionAttributeValues={":v": S("q" * 100_000)},
                ReturnValues="UPDATED_NEW",
            )
        s.call("get_item", TableName=table, Key=key, ProjectionExpression="part0, part3, part4")

    diff.check(scenario)
