"""Failure injection against real endpoints: 5xx then success, client errors, refused
connections, endpoints that never answer, exhausted policies going to the dead-letter queue,
throttling, and the per-subscription counters that make failures visible.

The session node runs SNS delays 100 times faster (conftest.TIME_SCALE), so AWS's default
policy (3 retries, 20 s apart) retries after 0.2 s here.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.topics.conftest import ReceiverFactory, make_queue, receive_all, subscribe_http
from tests.topics.receivers import Receiver, answers

FAST = json.dumps(
    {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 2}}
)


def counters(sns: Any, arn: str) -> dict[str, int]:
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    return {
        k[len("Skybus") :]: int(v)
        for k, v in attributes.items()
        if v.isdigit() and k.startswith("Skybus")
    }


def wait_counter(
    sns: Any, arn: str, name: str, value: int, timeout: float = 10.0
) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = counters(sns, arn)
        if got.get(name, 0) >= value:
            return got
        time.sleep(0.05)
    raise AssertionError(f"{name} did not reach {value}: {counters(sns, arn)}")


def test_500_then_200_is_retried_after_the_default_delay(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver(script=answers(500))
    arn = subscribe_http(sns, topic, endpoint)
    message_id = sns.publish(TopicArn=topic, Message="again")["MessageId"]
    first, second = endpoint.wait_for(2)
    assert first.status == 500
    assert second.status == 200
    assert first.json["MessageId"] == second.json["MessageId"] == message_id
    assert first.body == second.body  # same message, same signature, on every retry
    assert second.at - first.at >= 0.18  # 20 s x 0.01
    got = wait_counter(sns, arn, "Delivered", 1)
    assert got["FailedAttempts"] == 1
    assert got["Retried"] == 1
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["SkybusLastError"] == "HTTP 500"


def test_client_errors_are_not_retried(sns: Any, topic: str, receiver: ReceiverFactory) -> None:
    endpoint = receiver(script=answers(404))
    arn = subscribe_http(sns, topic, endpoint)
    sns.publish(TopicArn=topic, Message="gone")
    endpoint.wait_for(1)
    got = wait_counter(sns, arn, "Discarded", 1)
    time.sleep(0.4)
    assert len(endpoint.notifications()) == 1
    assert got["FailedAttempts"] == 1
    assert got.get("Delivered", 0) == 0


def test_connection_refused_is_retried_until_the_endpoint_is_back(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    endpoint = receiver()
    arn = subscribe_http(sns, topic, endpoint)
    port = endpoint.port
    endpoint.stop()
    sns.publish(TopicArn=topic, Message="while down")
    wait_counter(sns, arn, "FailedAttempts", 1)
    back = receiver(port=port)
    assert [n.json["Message"] for n in back.wait_for(1)] == ["while down"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["SkybusLastError"].startswith("refused")


def test_an_endpoint_that_never_answers_times_out_and_blocks_no_one(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    stuck = receiver(script=answers((200, 3.0)))  # answers after the 2 s timeout
    fine = receiver()
    subscribe_http(sns, topic, stuck)
    subscribe_http(sns, topic, fine)
    started = time.monotonic()
    sns.publish(TopicArn=topic, Message="m")
    fine.wait_for(1)
    # Delivered before the stalled endpoint's 2 s timeout: it holds only its own lane.
    assert time.monotonic() - started < 1.9
    first, second = stuck.wait_for(2, timeout=15)
    assert second.at - first.at >= 2.0  # timeout, then the policy's delay


def test_exhausted_policy_sends_the_message_to_the_dead_letter_queue(
    sns: Any, sqs: Any, topic: str, receiver: ReceiverFactory
) -> None:
    queue_url, queue_arn = make_queue(sqs)
    endpoint = receiver(script=lambda item: (503, 0.0))
    arn = subscribe_http(
        sns,
        topic,
        endpoint,
        {
            "DeliveryPolicy": FAST,
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": queue_arn}),
        },
    )
    message_id = sns.publish(TopicArn=topic, Message="undeliverable")["MessageId"]
    (dead,) = receive_all(sqs, queue_url, 1)
    envelope = json.loads(dead["Body"])
    assert envelope["MessageId"] == message_id
    assert envelope["Message"] == "undeliverable"
    assert len(endpoint.notifications()) == 3  # the first attempt and 2 retries
    got = wait_counter(sns, arn, "DeadLettered", 1)
    assert got["FailedAttempts"] == 3


def test_client_error_goes_to_the_dead_letter_queue_at_once(
    sns: Any, sqs: Any, topic: str, receiver: ReceiverFactory
) -> None:
    queue_url, queue_arn = make_queue(sqs)
    endpoint = receiver(raw=True, script=lambda item: (403, 0.0))
    subscribe_http(
        sns,
        topic,
        endpoint,
        {
            "RawMessageDelivery": "true",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": queue_arn}),
        },
    )
    sns.publish(
        TopicArn=topic,
        Message="raw body",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    (dead,) = receive_all(sqs, queue_url, 1)
    assert dead["Body"] == "raw body"
    assert dead["MessageAttributes"]["k"]["StringValue"] == "v"
    assert len(endpoint.notifications()) == 1


def test_throttle_policy_spaces_deliveries(sns: Any, topic: str, receiver: ReceiverFactory) -> None:
    endpoint = receiver()
    policy = json.dumps({"throttlePolicy": {"maxReceivesPerSecond": 20}})
    subscribe_http(sns, topic, endpoint, {"DeliveryPolicy": policy})
    sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[{"Id": str(i), "Message": str(i)} for i in range(10)],
    )
    got = endpoint.wait_for(10)
    assert got[-1].at - got[0].at >= 9 / 20 - 0.05


def test_failures_of_one_subscription_leave_the_others_alone(
    sns: Any, topic: str, receiver: ReceiverFactory
) -> None:
    failing: Receiver = receiver(script=lambda item: (500, 0.0))
    healthy = receiver()
    subscribe_http(sns, topic, failing, {"DeliveryPolicy": FAST})
    subscribe_http(sns, topic, healthy)
    for i in range(20):
        sns.publish(TopicArn=topic, Message=str(i))
    assert sorted(int(n.json["Message"]) for n in healthy.wait_for(20)) == list(range(20))
