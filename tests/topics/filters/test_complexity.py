"""The combination rule: per $or branch, the product of (nesting depth x number of values) over
its keys, summed over branches, at most 150; and at most five keys per branch."""

from __future__ import annotations

import json

import pytest

from skybus.engines.topics.filters.canonical import canonicalize
from skybus.engines.topics.filters.compiler import compile_branches
from skybus.engines.topics.filters.cursor import Cursor
from skybus.engines.topics.filters.policy import combinations
from tests.topics.filters.helpers import policy, refusal

# Recorded on AWS: 4*6 + 4*4*4 + 4*4*4 = 152, refused.
OR_FLAT_152 = {
    "source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]},
        {
            "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
            "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}],
        },
    ],
}
# Recorded on AWS: 3*6 + 3*4*4 + 3*4*7 = 150, accepted.
OR_FLAT_150 = {
    "source": ["aws.cloudwatch", "aws.events", "aws.test"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "V4"]},
        {
            "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
            "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}],
        },
    ],
}
# Recorded on AWS (MessageBody): (3*4*2) + (3*4*6) + (2*4*2) + (2*4*6) = 160, refused.
OR_NESTED_160 = {
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]},
        {"namespace": ["AWS/EC2", "AWS/ES"]},
    ],
    "detail": {
        "scope": ["Service", "Test"],
        "$or": [
            {"source": ["aws.cloudwatch"]},
            {"type": ["CloudWatch Alarm State Change", "TestValue", "TestValue2"]},
        ],
    },
}
# AWS documentation: (3 x 4) x (2 x 3) = 72.
DOCUMENTED_72 = {
    "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
    "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
}


def count(document: object) -> int:
    text, tokens = canonicalize(json.loads(json.dumps(document)))
    return combinations(compile_branches(Cursor(text, tokens)))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"a": ["x", "y", "z"], "b": ["x"], "c": ["x", "y"]}, 6),
        (OR_FLAT_152, 152),
        (OR_FLAT_150, 150),
        (OR_NESTED_160, 160),
        (DOCUMENTED_72, 72),
        ({"a": {"b": [1, 2]}}, 4),
        ({"a": ["x", {"prefix": "y"}, {"exists": True}]}, 3),
    ],
)
def test_combination_count(document: object, expected: int) -> None:
    assert count(document) == expected


def test_or_flat_over_limit_refused() -> None:
    assert refusal(OR_FLAT_152).reason == "Filter policy is too complex"


def test_or_flat_at_limit_accepted() -> None:
    assert policy(OR_FLAT_150).scope == "MessageAttributes"


def test_or_nested_over_limit_refused() -> None:
    assert refusal(OR_NESTED_160, "MessageBody").reason == "Filter policy is too complex"


def test_documented_nested_example_accepted() -> None:
    policy(DOCUMENTED_72, "MessageBody")


def test_exactly_150_values_accepted_151_refused() -> None:
    policy({"key": [f"v{i}" for i in range(150)]})
    assert refusal({"key": [f"v{i}" for i in range(151)]}).reason == "Filter policy is too complex"


def test_depth_multiplies() -> None:
    # 75 values at depth 2 = 150; 76 at depth 2 = 152.
    policy({"a": {"b": [f"v{i}" for i in range(75)]}}, "MessageBody")
    assert refusal({"a": {"b": [f"v{i}" for i in range(76)]}}, "MessageBody").reason == (
        "Filter policy is too complex"
    )


def test_five_keys_accepted_six_refused() -> None:
    policy({f"k{i}": ["v"] for i in range(5)})
    assert refusal({f"k{i}": ["v"] for i in range(6)}).reason == (
        "Filter policy can not have more than 5 keys"
    )


def test_keys_are_counted_by_leaf_and_per_branch() -> None:
    # Intermediate objects are not keys: five leaves under one parent pass.
    policy({"p": {f"k{i}": ["v"] for i in range(5)}}, "MessageBody")
    # Six distinct keys spread over two $or branches of four: each branch has four.
    policy({"a": ["v"], "b": ["v"], "$or": [{"c": ["v"], "d": ["v"]}, {"e": ["v"], "f": ["v"]}]})
    assert (
        refusal({"$or": [{f"k{i}": ["v"] for i in range(6)}, {"x": ["v"]}]}).reason
        == "Filter policy can not have more than 5 keys"
    )


def test_many_or_branches_are_too_complex() -> None:
    branches = [{f"k{i}": ["v"]} for i in range(151)]
    assert refusal({"$or": branches}).reason == "Filter policy is too complex"


def test_deep_nesting_is_too_complex_not_a_crash() -> None:
    document: object = ["v"]
    for depth in range(400):
        document = {f"k{depth}": document}
    assert refusal(document, "MessageBody").reason == "Filter policy is too complex"
    nested_or: object = {"a": ["v"]}
    for _ in range(300):
        nested_or = {"$or": [nested_or, {"b": ["v"]}]}
    assert refusal(nested_or).reason == "Filter policy is too complex"


def test_key_repeated_inside_or_branch_replaces_outer_value() -> None:
    document = {"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}
    text, tokens = canonicalize(document)
    branches = compile_branches(Cursor(text, tokens))
    assert [sorted(branch) for branch in branches] == [[("a",)], [("a",), ("b",)]]
