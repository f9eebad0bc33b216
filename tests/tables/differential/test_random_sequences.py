"""Random sequences of puts, updates and deletes on a small key space (so writes collide and
conditions both pass and fail), then every partition read back in both directions: each
write's answer and the final state must match DynamoDB Local's."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .harness import SS, Differ, L, N, S, Side, used

HASHES = ["a", "b"]
# "1" and "1.0" are the same key, spelled twice on purpose.
RANGES = ["-1", "0", "1", "1.0", "2", "1e1"]
UPDATES = [
    "SET n = if_not_exists(n, :zero) + :v",
    "ADD n :v",
    "SET n = n - :v",
    "SET s = :s",
    "REMOVE s",
    "ADD tags :set",
    "DELETE tags :set",
    "SET l = list_append(if_not_exists(l, :empty), :list)",
    # Not "REMOVE l[0]": on a missing item AWS accepts a nested REMOVE (and creates the item)
    # where DynamoDB Local refuses it; test_update.py covers list-index REMOVE on items.
    "REMOVE l",
    "SET m = :s, n = :v REMOVE tags",
]
CONDITIONS = [
    None,
    "attribute_not_exists(h)",
    "attribute_exists(h)",
    "n > :zero",
    "contains(tags, :tag)",
    "size(l) < :v",
]
RETURN_VALUES = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]

keys = st.tuples(st.sampled_from(HASHES), st.sampled_from(RANGES))
numbers = st.integers(min_value=-3, max_value=3)
texts = st.text(alphabet="xyé", min_size=0, max_size=3)
tag_sets = st.sets(st.sampled_from("pqr"), min_size=1, max_size=3)

puts = st.fixed_dictionaries(
    {
        "op": st.just("put"),
        "key": keys,
        "n": st.none() | numbers,
        "s": st.none() | texts,
        "tags": st.none() | tag_sets,
        "condition": st.sampled_from(CONDITIONS),
        "values": st.tuples(numbers, texts, tag_sets),
        "return": st.sampled_from(["NONE", "ALL_OLD"]),
    }
)
updates = st.fixed_dictionaries(
    {
        "op": st.just("update"),
        "key": keys,
        "expression": st.sampled_from(UPDATES),
        "condition": st.sampled_from(CONDITIONS),
        "values": st.tuples(numbers, texts, tag_sets),
        "return": st.sampled_from(RETURN_VALUES),
    }
)
deletes = st.fixed_dictionaries(
    {
        "op": st.just("delete"),
        "key": keys,
        "condition": st.sampled_from(CONDITIONS),
        "values": st.tuples(numbers, texts, tag_sets),
        "return": st.sampled_from(["NONE", "ALL_OLD"]),
    }
)
operations = st.lists(st.one_of(puts, updates, deletes), min_size=1, max_size=14)


def _pool(values: tuple[int, str, set[str]]) -> dict[str, Any]:
    number, text, tags = values
    return {
        ":v": N(number),
        ":zero": N(0),
        ":s": S(text),
        ":set": SS(*sorted(tags)),
        ":tag": S(sorted(tags)[0]),
        ":empty": L(),
        ":list": L(S(text), N(number)),
    }


def _expressions(text: str | None, pool: dict[str, Any], *more: str | None) -> dict[str, Any]:
    mentioned = [t for t in (text, *more) if t]
    values = used(pool, *mentioned)
    return {"ExpressionAttributeValues": values} if values else {}


def _apply(s: Side, table: str, operation: dict[str, Any]) -> None:
    h, r = operation["key"]
    key = {"h": S(h), "r": N(r)}
    condition = operation["condition"]
    pool = _pool(operation["values"])
    params: dict[str, Any] = {"TableName": table, "ReturnValues": operation["return"]}
    if condition:
        params["ConditionExpression"] = condition
        params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if operation["op"] == "put":
        item = dict(key)
        if operation["n"] is not None:
            item["n"] = N(operation["n"])
        if operation["s"] is not None:
            item["s"] = S(operation["s"])
        if operation["tags"] is not None:
            item["tags"] = SS(*sorted(operation["tags"]))
        s.call("put_item", Item=item, **params, **_expressions(condition, pool))
    elif operation["op"] == "update":
        expression = operation["expression"]
        s.call(
            "update_item",
            Key=key,
            UpdateExpression=expression,
            **params,
            **_expressions(expression, pool, condition),
        )
    else:
        s.call("delete_item", Key=key, **params, **_expressions(condition, pool))


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(sequence=operations)
def test_random_write_sequences(diff: Differ, sequence: list[dict[str, Any]]) -> None:
    def scenario(s: Side) -> None:
        table = s.table(("h", "S"), ("r", "N"))
        for operation in sequence:
            _apply(s, table, operation)
        for h in HASHES:
            for forward in (True, False):
                s.call(
                    "query",
                    TableName=table,
                    KeyConditionExpression="h = :h",
                    ExpressionAttributeValues={":h": S(h)},
                    ScanIndexForward=forward,
                )
        s.call("scan", TableName=table, Select="COUNT")

    diff.check(scenario)
