"""KeyConditionExpression and KeyConditions: shape checks without the table, then matching to
a key schema (messages recorded from AWS)."""

# ruff: noqa: E501
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from skybus.engines.tables.expressions import (
    ExpressionError,
    KeyCondition,
    compile_request,
    key_condition,
    parse_key_condition,
)


@dataclass
class Key:
    name: str
    type: str


HASH = [Key("a", "S")]
RANGE = [Key("a", "S"), Key("b", "N")]
VALUES = {":a": {"S": "x"}, ":b": {"N": "1"}, ":c": {"N": "5"}}


def shape_error(expression: str, values: Any = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        parse_key_condition(expression, None, values)
    return str(caught.value)


@pytest.mark.parametrize(
    ("expression", "operator"),
    [
        ("a > b and size(b) > c or a > c", "OR"),
        ("a in (b, size(c), d)", "IN"),
        ("attribute_exists(a)", "attribute_exists"),
        ("attribute_not_exists(a)", "attribute_not_exists"),
        ("contains(a.d, b)", "contains"),
        ("not a > b", "NOT"),
        ("a <> b", "<>"),
    ],
)
def test_invalid_operators(expression: str, operator: str) -> None:
    assert shape_error(expression) == f"Invalid operator used in KeyConditionExpression: {operator}"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            ":a between size(b) and size(a) and b > :b",
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
            "attribute as its first operand",
        ),
        (
            "begins_with(:a, b) and a > :b",
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
            "attribute as its first operand",
        ),
        ("size(b) > a AND a.b > b AND b > c", "KeyConditionExpressions cannot contain nested operations"),
        ("a > size(b.d)", "KeyConditionExpressions cannot contain nested operations"),
        ("a between size(b) and size(a)", "KeyConditionExpressions cannot contain nested operations"),
        ("b > a.b", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("a between b and size(a)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("begins_with(a, b)", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
        ("b.d > a AND c.d > e.f", "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"),
        ("b[0] > a", "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"),
        (":b > :a AND a < :b", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        ("b > :a AND b < :a and c = :a and d = :a", "KeyConditionExpressions must only contain one condition per key"),
        ("p = :a AND p = :a", "KeyConditionExpressions must only contain one condition per key"),
        (":a = a and b = :a and :a = c", "Conditions can be of length 1 or 2 only"),
        ("a = :a and c = :a", None),
    ],
)  # fmt: skip
def test_shape(expression: str, message: str | None) -> None:
    values = {k: v for k, v in VALUES.items() if k in expression}
    if message is None:
        parse_key_condition(expression, None, values)
    else:
        assert shape_error(expression, values) == message


def test_parse_errors_carry_the_prefix() -> None:
    assert shape_error("a > 4").startswith("Invalid KeyConditionExpression: Syntax error; ")
    assert shape_error("status = :a", VALUES) == (
        "Invalid KeyConditionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: status"
    )
    assert shape_error("a between :c and :b", VALUES).startswith(
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound"
    )


def resolved(expression: str, schema: list[Key]) -> KeyCondition:
    values = {k: v for k, v in VALUES.items() if k in expression}
    return key_condition(parse_key_condition(expression, None, values), schema)


@pytest.mark.parametrize(
    ("expression", "op", "operands"),
    [
        ("a = :a", None, ()),
        ("((a = :a) AND (b < :c))", "<", ({"N": "5"},)),
        (":a = a AND :c < b", ">", ({"N": "5"},)),
        ("a = :a AND b BETWEEN :b AND :c", "BETWEEN", ({"N": "1"}, {"N": "5"})),
        ("a = :a AND b >= :c", ">=", ({"N": "5"},)),
    ],
)
def test_key_condition(expression: str, op: str | None, operands: tuple[Any, ...]) -> None:
    found = resolved(expression, RANGE)
    assert found.partition_name == "a"
    assert found.partition_value == {"S": "x"}
    assert found.sort_op == op
    assert found.sort_operands == operands
    assert found.sort_name == (None if op is None else "b")


@pytest.mark.parametrize(
    ("expression", "schema", "message"),
    [
        ("z = :a", HASH, "Query condition missed key schema element: a"),
        ("b between :b and :c", RANGE, "Query condition missed key schema element: a"),
        ("a = :a and c = :b", RANGE, "Query condition missed key schema element: b"),
        ("y = :a and z = :a", HASH, "Query key condition not supported"),
        ("a > :a", HASH, "Query key condition not supported"),
        ("begins_with(a, :a)", HASH, "Query key condition not supported"),
        ("a = :a AND b = :a", HASH, "Query key condition not supported"),
        (":c > a", HASH, "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("a = :a and b = :a", RANGE, "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ],
)  # fmt: skip
def test_key_condition_against_schema(expression: str, schema: list[Key], message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        resolved(expression, schema)
    assert str(caught.value) == message


def test_begins_with_needs_a_string_or_binary_operand() -> None:
    assert "begins_with" in shape_error("a = :a AND begins_with(b, :b)", VALUES)


def legacy(conditions: dict[str, Any], schema: list[Key]) -> KeyCondition:
    compiled = compile_request("Query", {"KeyConditions": conditions})
    assert compiled.key_condition is not None
    return key_condition(compiled.key_condition, schema)


def test_legacy_key_conditions() -> None:
    found = legacy(
        {
            "a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
            "b": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "1"}]},
        },
        [Key("a", "S"), Key("b", "S")],
    )
    assert (found.sort_op, found.sort_operands) == ("begins_with", ({"S": "1"},))
    with pytest.raises(ExpressionError, match="not an indexable operation"):
        legacy({"a": {"ComparisonOperator": "NULL"}}, HASH)
    with pytest.raises(ExpressionError, match="missed key schema element: b"):
        legacy(
            {
                "a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
                "c": {"ComparisonOperator": "NULL"},
            },
            RANGE,
        )
    with pytest.raises(ExpressionError, match="Conditions can be of length 1 or 2 only"):
        compile_request("Query", {"KeyConditions": {}})
    with pytest.raises(ExpressionError, match="lower bound is greater than the upper bound"):
        compile_request(
            "Query",
            {
                "KeyConditions": {
                    "a": {
                        "ComparisonOperator": "BETWEEN",
                        "AttributeValueList": [{"S": "b"}, {"S": "a"}],
                    }
                }
            },
        )
