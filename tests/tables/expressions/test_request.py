"""Request-level checks: mixing legacy and expression parameters, the names and values maps,
unused placeholders across all expressions, and the legacy parameters' conversion."""

# ruff: noqa: E501
from __future__ import annotations

from typing import Any

import pytest

from skybus.engines.tables.expressions import (
    ExpressionError,
    apply_update,
    check_filter_keys,
    compile_request,
    evaluate_condition,
    project,
)


def refused(operation: str, params: dict[str, Any], **options: Any) -> str:
    with pytest.raises(ExpressionError) as caught:
        compile_request(operation, params, **options)
    return str(caught.value)


def test_mixing_legacy_and_expressions() -> None:
    assert refused(
        "UpdateItem",
        {
            "Expected": {"a": {}},
            "AttributeUpdates": {},
            "ExpressionAttributeNames": {},
            "ExpressionAttributeValues": {},
            "ConditionExpression": "",
            "UpdateExpression": "",
        },
    ) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates, Expected} "
        "Expression parameters: {UpdateExpression, ConditionExpression}"
    )
    assert refused(
        "Scan",
        {
            "ScanFilter": {},
            "AttributesToGet": ["a"],
            "ConditionalOperator": "OR",
            "FilterExpression": "",
            "ProjectionExpression": "",
        },
    ) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} "
        "Expression parameters: {ProjectionExpression, FilterExpression}"
    )
    assert refused(
        "PutItem", {"Expected": {"a": {"Exists": False}}, "ConditionExpression": "a = b"}
    ).endswith("Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
    assert refused(
        "Query",
        {
            "QueryFilter": {},
            "KeyConditions": {},
            "KeyConditionExpression": "",
            "FilterExpression": "",
        },
    ).endswith(
        "Non-expression parameters: {QueryFilter, KeyConditions} "
        "Expression parameters: {FilterExpression, KeyConditionExpression}"
    )


def test_names_and_values_need_expressions() -> None:
    assert refused("UpdateItem", {"Expected": {"a": {}}, "ExpressionAttributeNames": {}}) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )
    assert refused("UpdateItem", {"Expected": {"a": {}}, "ExpressionAttributeValues": {}}) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null"
    )
    assert refused("Scan", {"ExpressionAttributeValues": {":a": {"S": "x"}}}).endswith(
        "FilterExpression is null"
    )
    assert refused("Query", {"KeyConditions": {}, "ExpressionAttributeValues": {}}).endswith(
        "FilterExpression and KeyConditionExpression are null"
    )
    compile_request("PutItem", {"ExpressionAttributeNames": {"#n": "foo"}}, transact=True)


@pytest.mark.parametrize(
    ("names", "values", "message"),
    [
        ({}, None, "ExpressionAttributeNames must not be empty"),
        ({"a": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        ({"#": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'),
        ({"#a-b": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'),
        ({"#" + "a" * 255: "a"}, None, "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256"),
        ({"#a": ""}, None, "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"),
        (None, {}, "ExpressionAttributeValues must not be empty"),
        (None, {"b": {"S": "a"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'),
        (None, {":" + "a" * 255: {"S": "a"}}, "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"),
        (None, {":b": {}}, "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :b"),
        (None, {":b": {"SS": []}}, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b"),
        (None, {":b": {"N": "b"}}, "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: b for key :b"),
    ],
)  # fmt: skip
def test_maps(names: Any, values: Any, message: str) -> None:
    params: dict[str, Any] = {"UpdateExpression": "", "ConditionExpression": ""}
    if names is not None:
        params["ExpressionAttributeNames"] = names
    if values is not None:
        params["ExpressionAttributeValues"] = values
    assert refused("UpdateItem", params) == message


def test_empty_expressions_are_checked_first_in_aws_order() -> None:
    assert refused("UpdateItem", {"UpdateExpression": "", "ConditionExpression": ""}) == (
        "Invalid UpdateExpression: The expression can not be empty;"
    )
    assert refused(
        "Query",
        {
            "KeyConditionExpression": "attribute_type(a, :a)",
            "FilterExpression": "",
            "ProjectionExpression": "",
            "ExpressionAttributeValues": {":a": {"S": "N"}},
        },
    ) == ("Invalid FilterExpression: The expression can not be empty;")


def test_unused_names_and_values_across_expressions() -> None:
    message = refused(
        "UpdateItem",
        {
            "UpdateExpression": "remove a set b = list_append(b, if_not_exists(a, :a))",
            "ConditionExpression": "a = :b",
            "ExpressionAttributeValues": {":a": {"L": []}, ":b": {"S": "a"}},
            "ExpressionAttributeNames": {"#a": "a", "#b": "b"},
        },
    )
    assert (
        message
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
    )
    message = refused(
        "UpdateItem",
        {
            "UpdateExpression": "remove a",
            "ConditionExpression": "a = :b",
            "ExpressionAttributeValues": {":a": {"S": "a"}, ":b": {"S": "a"}, ":c": {"S": "a"}},
        },
    )
    assert (
        message
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}"
    )
    compiled = compile_request(
        "Query",
        {
            "KeyConditionExpression": "#k = :k",
            "FilterExpression": "#f > :f",
            "ProjectionExpression": "#p",
            "ExpressionAttributeNames": {"#k": "pk", "#f": "n", "#p": "x"},
            "ExpressionAttributeValues": {":k": {"S": "a"}, ":f": {"N": "1"}},
        },
    )
    assert compiled.key_condition is not None
    assert compiled.projection is not None


def test_overlap_is_reported_before_unused_names() -> None:
    message = refused(
        "GetItem", {"ProjectionExpression": "a, a.b", "ExpressionAttributeNames": {"#z": "zzz"}}
    )
    assert message.startswith("Invalid ProjectionExpression: Two document paths overlap")


def test_condition_expression_size_message() -> None:
    expression = "attribute_not_exists(a" + "z" * 4096 + ")"
    assert refused("PutItem", {"ConditionExpression": expression}) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        f"expression size: {len(expression)}"
    )


def test_filter_may_not_read_keys() -> None:
    compiled = compile_request(
        "Query",
        {
            "KeyConditionExpression": "a = :a",
            "FilterExpression": "attribute_exists(a.b) AND b = :b",
            "ExpressionAttributeValues": {":a": {"S": "1"}, ":b": {"N": "1"}},
        },
    )
    with pytest.raises(ExpressionError) as caught:
        check_filter_keys(compiled.filter, ("a",))
    assert str(caught.value) == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: a"
    )
    check_filter_keys(compiled.filter, ("z",))


# --- legacy parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"a": {}}, "Value must be provided when Exists is null for Attribute: a"),
        ({"a": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: a"),
        ({"a": {"Exists": False, "Value": {"S": "a"}}}, "Value cannot be used when Exists is false for Attribute: a"),
        ({"a": {"ComparisonOperator": "LT"}}, "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
        ({"a": {"Exists": True, "ComparisonOperator": "LT"}}, "Exists and ComparisonOperator cannot be used together for Attribute: a"),
        ({"a": {"AttributeValueList": [{"S": "a"}], "Value": {"S": "a"}, "ComparisonOperator": "LT"}}, "Value and AttributeValueList cannot be used together for Attribute: a"),
        ({"a": {"AttributeValueList": [{"S": "a"}]}}, "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
        ({"a": {"Exists": True, "AttributeValueList": [{"S": "a"}]}}, "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
        ({"a": {"AttributeValueList": [], "ComparisonOperator": "EQ"}}, "Invalid number of argument(s) for the EQ ComparisonOperator"),
        ({"a": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "NULL"}}, "Invalid number of argument(s) for the NULL ComparisonOperator"),
        ({"a": {"Value": {"S": "a"}, "ComparisonOperator": "BETWEEN"}}, "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
        ({"a": {"AttributeValueList": [{"BOOL": True}], "ComparisonOperator": "GT"}}, "ComparisonOperator GT is not valid for BOOL AttributeValue type"),
        ({"a": {"AttributeValueList": [{"SS": ["a"]}], "ComparisonOperator": "CONTAINS"}}, "ComparisonOperator CONTAINS is not valid for SS AttributeValue type"),
        ({"a": {"AttributeValueList": [{"N": "1"}], "ComparisonOperator": "BEGINS_WITH"}}, "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    ],
)  # fmt: skip
def test_expected_errors(expected: dict[str, Any], message: str) -> None:
    assert refused("PutItem", {"Expected": expected}) == (
        "One or more parameter values were invalid: " + message
    )


ITEM: dict[str, Any] = {"a": {"S": "hello"}, "n": {"N": "5"}, "s": {"SS": ["x"]}}


@pytest.mark.parametrize(
    ("expected", "operator", "holds"),
    [
        ({"a": {"Value": {"S": "hello"}}}, None, True),
        ({"a": {"Value": {"S": "hello"}, "Exists": True}}, None, True),
        ({"zz": {"Exists": False}}, None, True),
        ({"a": {"Exists": False}}, None, False),
        ({"a": {"Value": {"S": "hello"}, "ComparisonOperator": "EQ"}}, None, True),
        ({"a": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}, None, True),
        ({"zz": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}, None, True),
        ({"n": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "5"}]}}, None, True),
        ({"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "5"}]}}, None, False),
        ({"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "6"}]}}, None, False),
        ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "4"}]}}, None, True),
        ({"a": {"ComparisonOperator": "NOT_NULL"}}, None, True),
        ({"zz": {"ComparisonOperator": "NULL"}}, None, True),
        ({"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "ell"}]}}, None, True),
        ({"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}}, None, False),
        ({"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}}, None, True),
        ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}, None, True),
        ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "4"}]}}, None, False),
        ({"a": {"Value": {"S": "no"}}, "n": {"Value": {"N": "5"}}}, "OR", True),
        ({"a": {"Value": {"S": "no"}}, "n": {"Value": {"N": "5"}}}, "AND", False),
    ],
)  # fmt: skip
def test_expected_semantics(expected: dict[str, Any], operator: str | None, holds: bool) -> None:
    params: dict[str, Any] = {"Expected": expected}
    if operator:
        params["ConditionalOperator"] = operator
    compiled = compile_request("PutItem", params)
    assert evaluate_condition(compiled.condition, ITEM) is holds


def test_scan_filter_and_attributes_to_get() -> None:
    compiled = compile_request(
        "Scan",
        {
            "ScanFilter": {"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "1"}]}},
            "AttributesToGet": ["a", "zz"],
        },
    )
    assert evaluate_condition(compiled.filter, ITEM)
    assert compiled.projection is not None
    assert project(compiled.projection.paths, ITEM) == {"a": {"S": "hello"}}
    assert refused("Scan", {"AttributesToGet": ["a", "a"]}) == (
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    )


def test_attribute_updates() -> None:
    compiled = compile_request(
        "UpdateItem",
        {
            "AttributeUpdates": {
                "b": {"Action": "DELETE"},
                "c": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}},
                "d": {"Action": "ADD", "Value": {"N": "5"}},
                "e": {"Action": "ADD", "Value": {"SS": ["a", "b"]}},
                "f": {"Action": "ADD", "Value": {"L": [{"S": "a"}]}},
                "g": {"Value": {"S": "put"}},
            }
        },
    )
    assert compiled.update is not None
    outcome = apply_update(compiled.update, None, ("k",), {"k": {"S": "1"}})
    assert outcome.item == {
        "k": {"S": "1"},
        "d": {"N": "5"},
        "e": {"SS": ["a", "b"]},
        "f": {"L": [{"S": "a"}]},
        "g": {"S": "put"},
    }
    again = apply_update(compiled.update, outcome.item, ("k",))
    assert again.item["d"] == {"N": "10"}
    assert again.item["f"] == {"L": [{"S": "a"}, {"S": "a"}]}
    with pytest.raises(ExpressionError, match=r"^Type mismatch for attribute to update$"):
        apply_update(compiled.update, {"k": {"S": "1"}, "d": {"S": "x"}}, ("k",))


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ({"a": {"Action": "PUT"}}, "Only DELETE action is allowed when no attribute value is specified"),
        ({"a": {"Action": "DELETE", "Value": {"S": "1"}}}, "DELETE action with value is not supported for the type S"),
        ({"a": {"Action": "ADD", "Value": {"BOOL": True}}}, "ADD action is not supported for the type BOOL"),
    ],
)  # fmt: skip
def test_attribute_update_errors(updates: dict[str, Any], message: str) -> None:
    assert refused("UpdateItem", {"AttributeUpdates": updates}) == (
        "One or more parameter values were invalid: " + message
    )
