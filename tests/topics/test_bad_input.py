"""Bad input gets AWS's code, status and message, and changes nothing."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.servers import RunningServer
from tests.topics.conftest import unique


def refusal(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def invalid(message: str) -> tuple[str, str, int]:
    return ("InvalidParameter", message, 400)


def test_bad_topic_arns(sns: Any) -> None:
    assert refusal(sns.publish, TopicArn="nope", Message="m") == invalid(
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"
    )
    assert refusal(sns.publish, TargetArn="arn:aws:sqs:us-east-1:000000000000:q", Message="m") == (
        invalid("Invalid parameter: TargetArn")
    )
    missing = "arn:aws:sns:us-east-1:000000000000:" + unique()
    assert refusal(sns.publish, TopicArn=missing, Message="m") == (
        "NotFound",
        "Topic does not exist",
        404,
    )
    elsewhere = "arn:aws:sns:eu-west-1:000000000000:" + unique()
    assert refusal(sns.publish, TopicArn=elsewhere, Message="m") == invalid(
        "Invalid parameter: TopicArn"
    )
    assert refusal(sns.get_subscription_attributes, SubscriptionArn="pending confirmation")[0] == (
        "InvalidParameter"
    )
    assert refusal(
        sns.get_subscription_attributes,
        SubscriptionArn=missing + ":" + "0" * 8 + "-0000-0000-0000-" + "0" * 12,
    ) == (
        "NotFound",
        "Subscription does not exist",
        404,
    )


def test_message_size_counts_attributes(sns: Any, topic: str) -> None:
    body = "x" * (256 * 1024 - 10)
    sns.publish(TopicArn=topic, Message=body)
    attributes = {"abc": {"DataType": "String", "StringValue": "1234567890"}}
    assert refusal(sns.publish, TopicArn=topic, Message=body, MessageAttributes=attributes) == (
        invalid("Invalid parameter: Message too long")
    )
    assert refusal(sns.publish, TopicArn=topic, Message="é" * (128 * 1024 + 1)) == invalid(
        "Invalid parameter: Message too long"
    )


def test_empty_message_and_subject(sns: Any, topic: str) -> None:
    assert refusal(sns.publish, TopicArn=topic, Message="") == invalid(
        "Invalid parameter: Empty message"
    )
    assert refusal(sns.publish, TopicArn=topic, Message="m", Subject="") == invalid(
        "Invalid parameter: Subject"
    )
    assert refusal(sns.publish, TopicArn=topic, Message="m", Subject="a\nb") == invalid(
        "Invalid parameter: Subject"
    )


def test_message_structure(sns: Any, topic: str) -> None:
    assert refusal(
        sns.publish, TopicArn=topic, Message='{"http": "x"}', MessageStructure="json"
    ) == invalid("Invalid parameter: Message Structure - No default entry in JSON message body")
    assert refusal(sns.publish, TopicArn=topic, Message="{", MessageStructure="json")[0] == (
        "InvalidParameter"
    )


def text(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


ATTRIBUTE_REFUSALS = [
    (
        "n",
        {"DataType": "Float", "StringValue": "1"},
        "The message attribute 'n' has an invalid message attribute type, the set of "
        "supported type prefixes is Binary, Number, and String.",
    ),
    (
        "n",
        {"DataType": "Number", "StringValue": "one"},
        "Could not cast message attribute 'n' value to number.",
    ),
    (
        "s",
        text(""),
        "The message attribute 's' must contain non-empty message attribute value for message "
        "attribute type 'String'.",
    ),
    (
        "b",
        {"DataType": "Binary", "StringValue": "x"},
        "The message attribute 'b' with type 'Binary' must use field 'Binary'.",
    ),
    (".dot", text("v"), "Invalid message attribute name starting with character '.' was found."),
    ("a..b", text("v"), "Message attribute name can not have successive '.' character."),
    (
        "a b",
        text("v"),
        "Invalid non-alphanumeric character '#x20' was found in the message attribute name. "
        "Can only include alphanumeric characters, hyphens, underscores, or dots.",
    ),
]


@pytest.mark.parametrize(("name", "value", "message"), ATTRIBUTE_REFUSALS)
def test_invalid_message_attributes(
    sns: Any, topic: str, name: str, value: dict[str, str], message: str
) -> None:
    assert refusal(sns.publish, TopicArn=topic, Message="m", MessageAttributes={name: value}) == (
        "ParameterValueInvalid",
        message,
        400,
    )


def test_subscribe_refusals(sns: Any, topic: str) -> None:
    assert refusal(sns.subscribe, TopicArn=topic, Protocol="carrier-pigeon", Endpoint="x") == (
        invalid(
            "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"
        )
    )
    code, message, _ = refusal(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="a@b.c")
    assert code == "InvalidParameter"
    assert "Skybus does not deliver to email" in message
    assert refusal(sns.subscribe, TopicArn=topic, Protocol="http", Endpoint="https://x/")[0] == (
        "InvalidParameter"
    )
    assert refusal(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint="not-an-arn") == invalid(
        "Invalid parameter: SQS endpoint ARN"
    )
    assert refusal(
        sns.subscribe,
        TopicArn=topic,
        Protocol="sqs",
        Endpoint="arn:aws:sqs:us-east-1:000000000000:q",
        Attributes={"DeliveryPolicy": "{}"},
    )[1].startswith("Invalid parameter: Attributes Reason: DeliveryPolicy")
    assert refusal(
        sns.subscribe,
        TopicArn=topic,
        Protocol="https",
        Endpoint="https://127.0.0.1:9/",
        Attributes={
            "RedrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:000000000000:q"}'
        },
    )[1].startswith("Invalid parameter: Attributes Reason: RedrivePolicy")
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_confirm_subscription_refusals(sns: Any, topic: str, sns_server: RunningServer) -> None:
    assert refusal(sns.confirm_subscription, TopicArn=topic, Token="garbage") == invalid(
        "Invalid token"
    )
    fake = (
        ("us-east-1/000000000000/t/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12 + "|" + "0" * 64)
        .encode()
        .hex()
    )
    assert refusal(sns.confirm_subscription, TopicArn=topic, Token=fake) == invalid(
        "Invalid parameter: Token"
    )
    other_region = topic.replace("us-east-1", "eu-west-1")
    assert refusal(sns.confirm_subscription, TopicArn=other_region, Token=fake) == invalid(
        "Invalid parameter: Topic"
    )
    # An unsigned GET that is no ConfirmSubscription is answered as such, not served.
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(
            f"{sns_server.endpoint}/?Action=ConfirmSubscription&TopicArn={topic}&Token=x"
        )
    assert bad.value.code == 400
    bad.value.close()


def test_subscription_attribute_refusals(sns: Any, topic: str) -> None:
    arn = sns.subscribe(
        TopicArn=topic,
        Protocol="https",
        Endpoint="https://127.0.0.1:9/",
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    assert refusal(
        sns.set_subscription_attributes,
        SubscriptionArn=arn,
        AttributeName="Colour",
        AttributeValue="x",
    ) == invalid("Invalid parameter: AttributeName")
    assert refusal(
        sns.set_subscription_attributes,
        SubscriptionArn=arn,
        AttributeName="RawMessageDelivery",
        AttributeValue="maybe",
    ) == invalid(
        "Invalid parameter: RawMessageDelivery: Invalid value [maybe]. Must be true or false."
    )
    assert refusal(
        sns.set_subscription_attributes,
        SubscriptionArn=arn,
        AttributeName="SkybusLeaseSeconds",
        AttributeValue="5",
    )[1].startswith("Invalid parameter: SkybusLeaseSeconds")
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["RawMessageDelivery"] == "false"
    assert "SkybusLeaseSeconds" not in attributes
