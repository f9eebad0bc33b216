"""HTTP/S delivery as AWS does it: the confirmation handshake, the bodies and headers of each
message type, both signature versions, raw delivery and the Content-Type override. Every
message a receiver gets has its signature checked independently (see receivers.py)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.servers import RunningServer
from tests.topics.conftest import ReceiverFactory, subscribe_http, unique

UUID_LENGTH = 36


def test_subscription_is_pending_until_the_endpoint_visits_subscribe_url(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver(confirm=False)
    answer = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url())
    assert answer["SubscriptionArn"] == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == ["PendingConfirmation"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"

    confirmation = endpoint.wait_for(1, "SubscriptionConfirmation")[0]
    sns.publish(TopicArn=topic, Message="before confirming")
    body = confirmation.json
    assert list(body) == [
        "Type",
        "MessageId",
        "Token",
        "TopicArn",
        "Message",
        "SubscribeURL",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
    ]
    assert body["Message"] == (
        f"You have chosen to subscribe to the topic {topic}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message."
    )
    assert body["SubscribeURL"].startswith(
        f"{endpoint.skybus}/?Action=ConfirmSubscription&TopicArn={topic}&Token="
    )
    assert len(body["Token"]) > 200
    headers = confirmation.headers
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-message-id"] == body["MessageId"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert "x-amz-sns-subscription-arn" not in headers
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"

    time.sleep(0.3)
    assert endpoint.notifications() == []  # nothing flows while pending

    # The endpoint confirms with an unsigned GET, as a browser or curl would.
    with urllib.request.urlopen(body["SubscribeURL"], timeout=5) as reply:
        xml = reply.read().decode()
    assert "<ConfirmSubscriptionResponse" in xml
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    arn = listed[0]["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    assert len(arn) == len(topic) + 1 + UUID_LENGTH
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["ConfirmationWasAuthenticated"] == "false"

    sns.publish(TopicArn=topic, Message="after confirming")
    assert [n.json["Message"] for n in endpoint.wait_for(1)] == ["after confirming"]


def test_notification_body_headers_and_signature(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver()
    arn = subscribe_http(sns, topic, endpoint)
    message_id = sns.publish(
        TopicArn=topic,
        Message='line one\nline "two" / ünïcödé',
        Subject="greetings",
        MessageAttributes={
            "colour": {"DataType": "String", "StringValue": "blue"},
            "count": {"DataType": "Number", "StringValue": "42"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )["MessageId"]
    got = endpoint.wait_for(1)[0]
    body = got.json
    assert list(body) == [
        "Type",
        "MessageId",
        "TopicArn",
        "Subject",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
        "MessageAttributes",
    ]
    assert body["MessageId"] == message_id
    assert body["Message"] == 'line one\nline "two" / ünïcödé'
    assert body["SignatureVersion"] == "1"
    assert body["UnsubscribeURL"] == f"{endpoint.skybus}/?Action=Unsubscribe&SubscriptionArn={arn}"
    assert body["MessageAttributes"] == {
        "colour": {"Type": "String", "Value": "blue"},
        "count": {"Type": "Number", "Value": "42"},
        "blob": {"Type": "Binary", "Value": "AAE="},
    }
    assert body["Timestamp"].endswith("Z")
    assert len(body["Timestamp"]) == 24
    assert got.headers["x-amz-sns-subscription-arn"] == arn
    assert got.headers["x-amz-sns-message-id"] == message_id
    assert got.headers["accept-encoding"] == "gzip,deflate"
    assert "x-amz-sns-rawdelivery" not in got.headers


def test_no_subject_is_left_out_of_body_and_signature(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver()
    subscribe_http(sns, topic, endpoint)
    sns.publish(TopicArn=topic, Message="plain")
    body = endpoint.wait_for(1)[0].json
    assert "Subject" not in body
    assert "MessageAttributes" not in body


def test_signature_version_2_signs_with_sha256(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue="2")
    endpoint = receiver()
    subscribe_http(sns, topic, endpoint)
    sns.publish(TopicArn=topic, Message="v2", Subject="s")
    body = endpoint.wait_for(1)[0].json
    assert body["SignatureVersion"] == "2"
    assert endpoint.of_kind("SubscriptionConfirmation")[0].json["SignatureVersion"] == "2"


def test_raw_delivery_and_content_type_override(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver(raw=True)
    policy = json.dumps({"requestPolicy": {"headerContentType": "application/json"}})
    arn = subscribe_http(
        sns, topic, endpoint, {"RawMessageDelivery": "true", "DeliveryPolicy": policy}
    )
    sns.publish(
        TopicArn=topic,
        Message='{"raw": true}',
        MessageAttributes={"a": {"DataType": "String", "StringValue": "b"}},
    )
    got = endpoint.wait_for(1)[0]
    assert got.body == b'{"raw": true}'
    assert got.headers["x-amz-sns-rawdelivery"] == "true"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-amz-sns-subscription-arn"] == arn
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["requestPolicy"] == {"headerContentType": "application/json"}


def test_message_structure_json_sends_the_http_variant(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver()
    subscribe_http(sns, topic, endpoint)
    sns.publish(
        TopicArn=topic,
        MessageStructure="json",
        Message=json.dumps({"default": "for everyone", "http": "for http", "sqs": "for queues"}),
        MessageAttributes={"a": {"DataType": "String", "StringValue": "b"}},
    )
    body = endpoint.wait_for(1)[0].json
    assert body["Message"] == "for http"
    assert "MessageAttributes" not in body


def test_unsubscribe_url_sends_unsubscribe_confirmation_that_can_restore(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver(confirm=False)
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url())
    token = endpoint.wait_for(1, "SubscriptionConfirmation")[0].json["Token"]
    arn = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["ConfirmationWasAuthenticated"] == "true"
    sns.publish(TopicArn=topic, Message="one")
    unsubscribe_url = endpoint.wait_for(1)[0].json["UnsubscribeURL"]

    with urllib.request.urlopen(unsubscribe_url, timeout=5) as reply:
        assert b"<UnsubscribeResponse" in reply.read()
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    goodbye = endpoint.wait_for(1, "UnsubscribeConfirmation")[0]
    body = goodbye.json
    assert body["Message"] == (
        f"You have chosen to deactivate subscription {arn}.\n"
        "To cancel this operation and restore the subscription, visit the SubscribeURL "
        "included in this message."
    )
    assert goodbye.headers["x-amz-sns-subscription-arn"] == arn
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"

    with urllib.request.urlopen(body["SubscribeURL"], timeout=5) as reply:
        assert arn.encode() in reply.read()
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == [arn]
    sns.publish(TopicArn=topic, Message="two")
    assert [n.json["Message"] for n in endpoint.wait_for(2)] == ["one", "two"]


def test_authenticate_on_unsubscribe_refuses_unsigned_unsubscribe(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver(confirm=False)
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url())
    token = endpoint.wait_for(1, "SubscriptionConfirmation")[0].json["Token"]
    arn = sns.confirm_subscription(TopicArn=topic, Token=token, AuthenticateOnUnsubscribe="true")[
        "SubscriptionArn"
    ]
    sns.publish(TopicArn=topic, Message="x")
    unsubscribe_url = endpoint.wait_for(1)[0].json["UnsubscribeURL"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsubscribe_url, timeout=5)
    assert refused.value.code == 403
    assert b"<Code>AuthorizationError</Code>" in refused.value.read()
    refused.value.close()
    sns.unsubscribe(SubscriptionArn=arn)  # the owner, signed, may
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_signing_certificate_is_served_and_the_same_after_a_second_topic(
    sns: Any, sns_server: RunningServer, receiver: ReceiverFactory
) -> None:
    endpoint = receiver()
    urls = set()
    for _ in range(2):
        arn = sns.create_topic(Name=unique())["TopicArn"]
        subscribe_http(sns, arn, endpoint)
        sns.publish(TopicArn=arn, Message="m")
    for got in endpoint.wait_for(2):
        urls.add(got.json["SigningCertURL"])
    (url,) = urls
    assert url.startswith(f"{sns_server.endpoint}/_sns/SimpleNotificationService-")
    assert url.endswith(".pem")
    with urllib.request.urlopen(url, timeout=5) as reply:
        assert reply.read().startswith(b"-----BEGIN CERTIFICATE-----")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{sns_server.endpoint}/_sns/SimpleNotificationService-0.pem")
    assert missing.value.code == 404
    missing.value.close()


def test_https_endpoint_with_a_trusted_certificate_and_basic_auth(
    sns: Any, topic: str, receiver: ReceiverFactory, tls_files: tuple[Path, Path]
) -> None:
    endpoint = receiver(tls=tls_files)
    url = endpoint.url().replace("https://", "https://user:secret@")
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=url)
    endpoint.wait_for(1, "SubscriptionConfirmation")
    deadline = time.monotonic() + 5
    while (
        sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]
        == "PendingConfirmation"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    sns.publish(TopicArn=topic, Message="over TLS")
    got = endpoint.wait_for(1)[0]
    assert got.json["Message"] == "over TLS"
    assert got.headers["authorization"] == "Basic dXNlcjpzZWNyZXQ="
