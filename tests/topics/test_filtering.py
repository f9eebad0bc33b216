"""Filter policies end to end: only matching messages reach a subscription, on attributes and on
the body, and policies are refused with AWS's wording for each call. (The matching rules
themselves are tested table by table in tests/topics/filters/.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.topics.conftest import make_queue, receive_all


def raw_queue(sns: Any, sqs: Any, topic: str, **attributes: str) -> tuple[str, str]:
    url, queue_arn = make_queue(sqs)
    arn: str = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true", **attributes},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return url, arn


def string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def number(value: str) -> dict[str, str]:
    return {"DataType": "Number", "StringValue": value}


def test_attribute_policy_selects_messages(sns: Any, sqs: Any, topic: str) -> None:
    policy = {
        "store": ["example_corp"],
        "price_usd": [{"numeric": [">=", 100]}],
        "event": [{"anything-but": "order_cancelled"}],
    }
    url, _ = raw_queue(sns, sqs, topic, FilterPolicy=json.dumps(policy))
    everyone, _ = raw_queue(sns, sqs, topic)

    def order(price: str, event: str) -> dict[str, dict[str, str]]:
        return {
            "store": string("example_corp"),
            "price_usd": number(price),
            "event": string(event),
        }

    cases = [
        ("match", order("100.0", "order_placed")),
        ("cheap", order("99.9", "order_placed")),
        ("cancelled", order("500", "order_cancelled")),
        ("no attributes", {}),
    ]
    for body, attributes in cases:
        sns.publish(TopicArn=topic, Message=body, MessageAttributes=attributes)
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["match"]
    assert len(receive_all(sqs, everyone, 4)) == 4
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None


def test_body_policy_with_nested_keys_prefix_and_exists(sns: Any, sqs: Any, topic: str) -> None:
    policy = {"detail": {"kind": [{"prefix": "order-"}], "coupon": [{"exists": False}]}}
    url, _ = raw_queue(
        sns, sqs, topic, FilterPolicy=json.dumps(policy), FilterPolicyScope="MessageBody"
    )
    bodies = [
        {"detail": {"kind": "order-created"}},
        {"detail": {"kind": "order-created", "coupon": "X"}},
        {"detail": {"kind": "refund"}},
    ]
    for body in bodies:
        sns.publish(TopicArn=topic, Message=json.dumps(body))
    sns.publish(TopicArn=topic, Message="not json")
    (got,) = receive_all(sqs, url, 1)
    assert json.loads(got["Body"]) == bodies[0]
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None


def test_changing_the_policy_applies_to_the_next_messages(sns: Any, sqs: Any, topic: str) -> None:
    url, arn = raw_queue(sns, sqs, topic, FilterPolicy=json.dumps({"k": ["a"]}))
    sns.publish(TopicArn=topic, Message="b1", MessageAttributes={"k": string("b")})
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps({"k": ["b"]})
    )
    sns.publish(TopicArn=topic, Message="b2", MessageAttributes={"k": string("b")})
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["b2"]
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=""
    )
    sns.publish(TopicArn=topic, Message="any")
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["any"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert "FilterPolicy" not in attributes


def test_policies_are_refused_in_each_calls_words(sns: Any, sqs: Any, topic: str) -> None:
    _, queue_arn = make_queue(sqs)
    too_many = json.dumps({k: ["v"] for k in "abcdef"})
    with pytest.raises(ClientError) as refused:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"FilterPolicy": too_many},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more "
        "than 5 keys"
    )
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    with pytest.raises(ClientError) as refused:
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=too_many
        )
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
    )
    with pytest.raises(ClientError) as refused:
        sns.set_subscription_attributes(
            SubscriptionArn=arn,
            AttributeName="FilterPolicy",
            AttributeValue=json.dumps({"a": {"b": ["c"]}}),
        )
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
        "filter policy"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageBody"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn,
        AttributeName="FilterPolicy",
        AttributeValue=json.dumps({"a": {"b": ["c"]}}),
    )
    with pytest.raises(ClientError) as refused:  # the stored policy is checked in the new scope
        sns.set_subscription_attributes(
            SubscriptionArn=arn,
            AttributeName="FilterPolicyScope",
            AttributeValue="MessageAttributes",
        )
    assert "does not support nested filter policy" in refused.value.response["Error"]["Message"]
