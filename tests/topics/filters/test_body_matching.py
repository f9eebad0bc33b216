"""Matching MessageBody: nested keys, dotted keys, arrays, types, and bodies that are not JSON."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.topics.filters.helpers import policy


def body(document: object) -> str:
    return json.dumps(document)


def test_recorded_nested_policy() -> None:
    rule = policy(
        {
            "object": {
                "key": [{"prefix": "auto-"}, "hardcodedvalue"],
                "nested_key": [{"exists": False}],
            },
            "test": [{"exists": False}],
        },
        "MessageBody",
    )
    assert rule.matches_body(body({"object": {"key": "auto-test"}}))
    assert rule.matches_body(body({"object": {"key": "hardcodedvalue"}}))
    for rejected in [
        {"object": {"key": "test-auto"}},
        {"object": {"key": "auto-test"}, "test": "just-exists"},
        {"object": {"key": "auto-test", "nested_key": "just-exists"}},
        {"object": {"test": "auto-test"}},
        {"test": "auto-test"},
    ]:
        assert not rule.matches_body(body(rejected))
    assert not rule.matches_body("Regular string message")
    assert not rule.matches_body(body("Regular string message"))


def test_recorded_dotted_keys() -> None:
    rule = policy({"object.nested": ["string.value"]}, "MessageBody")
    assert rule.matches_body(body({"object": {"nested": "string.value"}}))
    assert rule.matches_body(body({"object.nested": "string.value"}))
    assert not rule.matches_body(body({"object": {"nested": "test-auto"}}))
    deep = policy({"object.nested.test": ["string.value"]}, "MessageBody")
    for accepted in [
        {"object": {"nested": {"test": "string.value"}}},
        {"object.nested.test": "string.value"},
        {"object.nested": {"test": "string.value"}},
        {"object": {"nested.test": "string.value"}},
    ]:
        assert deep.matches_body(body(accepted))
    assert not deep.matches_body(body({"object": {"nested": {"test": "string.notvalue"}}}))


def test_recorded_array_values() -> None:
    queue1 = policy({"headers": {"route-to": ["queue1"]}}, "MessageBody")
    queue2 = policy({"headers": {"route-to": ["queue2"]}}, "MessageBody")
    messages = [["queue3"], ["queue1"], ["queue2"], ["queue1", "queue2"]]
    got1 = [m for m in messages if queue1.matches_body(body({"headers": {"route-to": m}}))]
    got2 = [m for m in messages if queue2.matches_body(body({"headers": {"route-to": m}}))]
    assert got1 == [["queue1"], ["queue1", "queue2"]]
    assert got2 == [["queue2"], ["queue1", "queue2"]]


S3_CREATED: dict[str, Any] = {
    "Records": [
        {
            "eventSource": "aws:s3",
            "eventName": "ObjectCreated:Put",
            "s3": {
                "bucket": {"name": "insurance-bucket-demo"},
                "object": {"key": "auto-insurance-2314.xml", "size": 17},
            },
        }
    ]
}


def test_recorded_array_of_objects() -> None:
    rule = policy(
        {
            "Records": {
                "s3": {"object": {"key": [{"prefix": "auto-"}]}},
                "eventName": [{"prefix": "ObjectCreated:"}],
            }
        },
        "MessageBody",
    )
    removed = copy.deepcopy(S3_CREATED)
    removed["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    home = copy.deepcopy(S3_CREATED)
    home["Records"][0]["s3"]["object"]["key"] = "home-insurance-2314.xml"
    multiple = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"object": [[{"key": "auto-insurance-2314.xml", "size": 17}]]},
            },
            {
                "eventName": "ObjectRemoved:Delete",
                "s3": {"object": {"key": "home-insurance-2314.xml", "size": 17}},
            },
        ]
    }
    assert rule.matches_body(body(S3_CREATED))
    assert rule.matches_body(body(multiple))
    assert not rule.matches_body(body(removed))
    assert not rule.matches_body(body(home))


def test_matches_in_one_array_must_come_from_one_element() -> None:
    rule = policy(
        {"Records": {"eventName": ["created"], "key": [{"prefix": "auto-"}]}}, "MessageBody"
    )
    crossed = {
        "Records": [{"eventName": "created", "key": "home"}, {"eventName": "x", "key": "auto-1"}]
    }
    assert not rule.matches_body(body(crossed))
    aligned = {
        "Records": [{"eventName": "x", "key": "auto-1"}, {"eventName": "created", "key": "auto-2"}]
    }
    assert rule.matches_body(body(aligned))
    # Different arrays are independent.
    apart = policy({"a": {"x": [1]}, "b": {"y": [2]}}, "MessageBody")
    assert apart.matches_body(body({"a": [{"x": 0}, {"x": 1}], "b": [{"y": 2}, {"y": 3}]}))


def test_or_in_body() -> None:
    rule = policy(
        {
            "$or": [
                {"metricName": ["CPUUtilization", "ReadLatency"]},
                {"namespace": ["AWS/EC2", "AWS/ES"]},
            ],
            "detail": {
                "scope": ["Service"],
                "$or": [
                    {"source": ["aws.cloudwatch"]},
                    {"type": ["CloudWatch Alarm State Change"]},
                ],
            },
        },
        "MessageBody",
    )
    accepted = [
        {
            "metricName": "CPUUtilization",
            "detail": {"scope": "Service", "source": "aws.cloudwatch"},
        },
        {"metricName": "ReadLatency", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
        {"namespace": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
        {"namespace": "AWS/ES", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
        {
            "metricName": "CPUUtilization",
            "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"},
        },
    ]
    rejected = [
        {
            "metricName": "CPUUtilization",
            "detail": {"scope": "aws.cloudwatch", "type": "CloudWatch Alarm State Change"},
        },
        {"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}},
        {"metricName": "CPUUtilization", "detail": {"type": "CloudWatch Alarm State Change"}},
        {"metricName": "CPUUtilization", "detail": {"scope": "Service"}},
        {"metricName": "CPUUtilization", "scope": "Service"},
        {
            "metricName": "AWS/EC2",
            "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"},
        },
    ]
    assert all(rule.matches_body(body(m)) for m in accepted)
    assert not any(rule.matches_body(body(m)) for m in rejected)


@pytest.mark.parametrize(
    ("values", "document", "expected"),
    [
        (["5"], {"k": "5"}, True),
        (["5"], {"k": 5}, False),
        ([5], {"k": 5.0}, True),
        ([5], {"k": "5"}, False),
        ([{"numeric": [">", 1]}], {"k": 2}, True),
        ([{"numeric": [">", 1]}], {"k": "2"}, False),
        ([None], {"k": None}, True),
        ([None], {}, False),
        ([True], {"k": True}, True),
        ([True], {"k": "true"}, False),
        ([False], {"k": False}, True),
        ([{"exists": True}], {"k": None}, True),
        ([{"exists": True}], {"k": {"inner": 1}}, False),  # only leaves exist
        ([{"exists": True}], {"k": []}, False),
        ([{"exists": False}], {"k": {"inner": 1}}, True),
        ([{"exists": False}], {}, True),
        ([{"anything-but": "a"}], {"k": ["a", "b"]}, True),  # per element in a body
        ([{"anything-but": "a"}], {"k": ["a"]}, False),
        ([{"anything-but": "a"}], {"k": None}, True),
        ([{"equals-ignore-case": "ÄB"}], {"k": "äb"}, True),
        ([{"suffix": ".png"}], {"k": ["a.jpg", "b.png"]}, True),
        ([{"cidr": "192.168.0.0/16"}], {"k": "192.168.4.2"}, True),
        ([123456789012345678901234567890], {"k": 123456789012345678901234567890}, True),
        (["x"], {"k": [[["x"]]]}, True),
    ],
)
def test_values_in_body(values: list[object], document: object, expected: bool) -> None:
    assert policy({"k": values}, "MessageBody").matches_body(body(document)) is expected


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "5", "null", '"{}"', '{"k": NaN}'])
def test_bodies_that_are_not_objects_match_nothing(text: str) -> None:
    assert not policy({"k": [{"exists": False}]}, "MessageBody").matches_body(text)


def test_parsed_document_is_matched_directly() -> None:
    rule = policy({"a": {"b": ["c"]}}, "MessageBody")
    assert rule.matches_document({"a": {"b": "c"}})
    assert not rule.matches_document(["not", "an", "object"])


def test_deep_body_does_not_exhaust_the_stack() -> None:
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    rule = policy({"k": ["x"]}, "MessageBody")
    assert rule.matches_document({"k": deep})
