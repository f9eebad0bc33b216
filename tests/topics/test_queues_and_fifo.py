"""Queue subscriptions (envelope and raw) and FIFO topics: order per message group across
several subscribed queues, deduplication, sequence numbers, and what FIFO topics refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.servers import RunningServer
from tests.topics.conftest import make_queue, receive_all, unique
from tests.topics.receivers import signature_problem


def subscribe_queue(sns: Any, topic: str, queue_arn: str, **attributes: str) -> str:
    arn: str = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return arn


def test_queue_gets_the_signed_envelope(
    sns: Any, sqs: Any, topic: str, sns_server: RunningServer
) -> None:
    url, queue_arn = make_queue(sqs)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert arn.startswith(topic + ":")  # confirmed at once: no "pending confirmation"
    message_id = sns.publish(
        TopicArn=topic,
        Message="to the queue",
        Subject="s",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "7"}},
    )["MessageId"]
    (got,) = receive_all(sqs, url, 1)
    envelope = json.loads(got["Body"])
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == message_id
    assert envelope["UnsubscribeURL"].endswith(f"SubscriptionArn={arn}")
    assert envelope["MessageAttributes"] == {"n": {"Type": "Number", "Value": "7"}}
    assert signature_problem(envelope, sns_server.endpoint) is None


def test_raw_delivery_to_a_queue_carries_attributes(sns: Any, sqs: Any, topic: str) -> None:
    url, queue_arn = make_queue(sqs)
    subscribe_queue(sns, topic, queue_arn, RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message="raw",
        MessageAttributes={
            "s": {"DataType": "String", "StringValue": "v"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )
    (got,) = receive_all(sqs, url, 1)
    assert got["Body"] == "raw"
    assert got["MessageAttributes"]["s"] == {"StringValue": "v", "DataType": "String"}
    assert got["MessageAttributes"]["b"] == {"BinaryValue": b"\x01\x02", "DataType": "Binary"}


def test_message_structure_json_gives_queues_their_variant(sns: Any, sqs: Any, topic: str) -> None:
    url, queue_arn = make_queue(sqs)
    subscribe_queue(sns, topic, queue_arn, RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        MessageStructure="json",
        Message=json.dumps({"default": "d", "sqs": "for sqs"}),
    )
    assert receive_all(sqs, url, 1)[0]["Body"] == "for sqs"


def fifo_topic(sns: Any, **attributes: str) -> str:
    arn: str = sns.create_topic(
        Name=unique() + ".fifo", Attributes={"FifoTopic": "true", **attributes}
    )["TopicArn"]
    return arn


def test_fifo_order_is_the_same_in_every_subscribed_queue(sns: Any, sqs: Any) -> None:
    topic = fifo_topic(sns, ContentBasedDeduplication="true")
    queues = [make_queue(sqs, fifo=True) for _ in range(2)]
    for _, queue_arn in queues:
        subscribe_queue(sns, topic, queue_arn, RawMessageDelivery="true")
    sent: list[tuple[str, str]] = []
    sequences: list[int] = []
    for i in range(30):
        group = f"g{i % 3}"
        reply = sns.publish(TopicArn=topic, Message=f"{group}-{i}", MessageGroupId=group)
        sequences.append(int(reply["SequenceNumber"]))
        sent.append((group, f"{group}-{i}"))
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 30
    assert all(len(reply) == 20 for reply in map(str, sequences))
    for url, _ in queues:
        got = receive_all(sqs, url, 30)
        for group in ("g0", "g1", "g2"):
            expected = [body for g, body in sent if g == group]
            received = [m["Body"] for m in got if m["Attributes"]["MessageGroupId"] == group]
            assert received == expected


def test_fifo_deduplication_accepts_but_does_not_deliver_again(sns: Any, sqs: Any) -> None:
    topic = fifo_topic(sns)
    url, queue_arn = make_queue(sqs, fifo=True)
    subscribe_queue(sns, topic, queue_arn)
    first = sns.publish(
        TopicArn=topic, Message="once", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    again = sns.publish(
        TopicArn=topic, Message="twice", MessageGroupId="g", MessageDeduplicationId="d1"
    )
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    other = sns.publish(
        TopicArn=topic, Message="other", MessageGroupId="g", MessageDeduplicationId="d2"
    )
    got = receive_all(sqs, url, 2)
    envelopes = [json.loads(m["Body"]) for m in got]
    assert [e["Message"] for e in envelopes] == ["once", "other"]
    # FIFO envelopes carry the sequence number and no signature (as AWS's do).
    assert envelopes[1]["SequenceNumber"] == other["SequenceNumber"]
    assert "Signature" not in envelopes[0]
    assert "SigningCertURL" not in envelopes[0]
    assert got[0]["Attributes"]["MessageDeduplicationId"] == "d1"


def test_fifo_batch_deduplicates_within_and_across_batches(sns: Any, sqs: Any) -> None:
    topic = fifo_topic(sns, ContentBasedDeduplication="true")
    url, queue_arn = make_queue(sqs, fifo=True)
    subscribe_queue(sns, topic, queue_arn, RawMessageDelivery="true")
    entries = [
        {"Id": "a", "Message": "same", "MessageGroupId": "g"},
        {"Id": "b", "Message": "same", "MessageGroupId": "g"},
        {"Id": "c", "Message": "new", "MessageGroupId": "g"},
    ]
    reply = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    ids = {s["Id"]: s["MessageId"] for s in reply["Successful"]}
    assert ids["a"] == ids["b"] != ids["c"]
    sns.publish(TopicArn=topic, Message="new", MessageGroupId="g")
    assert [m["Body"] for m in receive_all(sqs, url, 2)] == ["same", "new"]
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"Message": "m"}, "The MessageGroupId parameter is required for FIFO topics"),
        (
            {"Message": "m", "MessageGroupId": "g"},
            "The topic should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly",
        ),
    ],
)
def test_fifo_publish_refusals(sns: Any, params: dict[str, str], message: str) -> None:
    topic = fifo_topic(sns)
    with pytest.raises(ClientError) as refused:
        sns.publish(TopicArn=topic, **params)
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"
    assert refused.value.response["Error"]["Message"] == f"Invalid parameter: {message}"


def test_fifo_topics_take_only_queues_and_standard_topics_no_fifo_queues(
    sns: Any, sqs: Any, topic: str
) -> None:
    fifo = fifo_topic(sns)
    with pytest.raises(ClientError) as refused:
        sns.subscribe(TopicArn=fifo, Protocol="http", Endpoint="http://127.0.0.1:9/x")
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: Invalid protocol type: http"
    )
    _, queue_arn = make_queue(sqs, fifo=True)
    with pytest.raises(ClientError) as refused:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
        "subscribed to standard SNS topics"
    )
    with pytest.raises(ClientError) as refused:
        sns.publish(TopicArn=topic, Message="m", MessageDeduplicationId="x")
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: MessageDeduplicationId Reason: The request includes "
        "MessageDeduplicationId parameter that is not valid for this topic type"
    )
