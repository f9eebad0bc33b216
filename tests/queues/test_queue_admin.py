"""Queues through boto3: CreateQueue, GetQueueUrl, ListQueues, attributes, tags, PurgeQueue,
DeleteQueue and ListDeadLetterSourceQueues, with AWS's errors, on both store backends."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.queues.conftest import QueueFactory, error_of, unique_name
from tests.servers import RunningServer

NOT_FOUND = ("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")


def test_create_get_url_and_delete(sqs: Any, any_server: RunningServer) -> None:
    name = unique_name()
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"{any_server.endpoint}/000000000000/{name}"
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    # Any host reaching the node names the same queue.
    other_host = url.replace("127.0.0.1", "localhost")
    assert sqs.get_queue_attributes(QueueUrl=other_host, AttributeNames=["QueueArn"])[
        "Attributes"
    ] == {"QueueArn": f"arn:aws:sqs:us-east-1:000000000000:{name}"}
    sqs.delete_queue(QueueUrl=url)
    code, message, status, query = error_of(sqs.get_queue_url, QueueName=name)
    assert (code, message, status, query) == (*NOT_FOUND, 400, "QueueDoesNotExist")
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x")[:2] == NOT_FOUND


def test_create_is_idempotent_for_the_same_attributes(sqs: Any, make_queue: QueueFactory) -> None:
    name = unique_name()
    url = make_queue(name, VisibilityTimeout=20, DelaySeconds=0)
    again = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "20"})
    assert again["QueueUrl"] == url
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url
    code, message, status, query = error_of(
        sqs.create_queue, QueueName=name, Attributes={"DelaySeconds": "5"}
    )
    assert (code, status, query) == ("QueueAlreadyExists", 400, "QueueNameExists")
    assert message == (
        "A queue already exists with the same name and a different value for attribute DelaySeconds"
    )


def test_default_and_all_attributes(sqs: Any, make_queue: QueueFactory) -> None:
    before = int(time.time()) - 5
    url = make_queue()
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert {k: v for k, v in attributes.items() if not k.endswith("Timestamp")} == {
        "QueueArn": f"arn:aws:sqs:us-east-1:000000000000:{url.rsplit('/', 1)[1]}",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "VisibilityTimeout": "30",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }
    assert int(attributes["CreatedTimestamp"]) >= before
    assert int(attributes["LastModifiedTimestamp"]) >= before
    # Without AttributeNames the answer has no attributes at all.
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)


def test_set_attributes_and_fifo_defaults(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"VisibilityTimeout": "69", "DelaySeconds": "420", "MaximumMessageSize": "2048"},
    )
    got = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "VisibilityTimeout",
            "DelaySeconds",
            "MaximumMessageSize",
            "FifoQueue",
            "ContentBasedDeduplication",
            "DeduplicationScope",
            "FifoThroughputLimit",
        ],
    )["Attributes"]
    assert got == {
        "VisibilityTimeout": "69",
        "DelaySeconds": "420",
        "MaximumMessageSize": "2048",
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
        "DeduplicationScope": "queue",
        "FifoThroughputLimit": "perQueue",
    }


def out_of_range(name: str, value: str) -> tuple[dict[str, str], str, str]:
    return {name: value}, "InvalidAttributeValue", f"Invalid value for the parameter {name}."


@pytest.mark.parametrize(
    ("attributes", "code", "message"),
    [
        out_of_range("VisibilityTimeout", "43201"),
        out_of_range("DelaySeconds", "abc"),
        out_of_range("MessageRetentionPeriod", "59"),
        (
            {"ContentBasedDeduplication": "true"},
            "InvalidAttributeName",
            "Unknown Attribute ContentBasedDeduplication.",
        ),
        ({"QueueArn": "x"}, "InvalidAttributeName", "Unknown Attribute QueueArn."),
    ],
)
def test_bad_attributes(sqs: Any, attributes: dict[str, str], code: str, message: str) -> None:
    name = unique_name()
    got = error_of(sqs.create_queue, QueueName=name, Attributes=attributes)
    assert got[:3] == (code, message, 400)
    assert error_of(sqs.get_queue_url, QueueName=name)[0] == NOT_FOUND[0]


def test_queue_type_cannot_change(sqs: Any, make_queue: QueueFactory) -> None:
    standard = make_queue()
    fifo = make_queue(fifo=True)
    assert error_of(sqs.set_queue_attributes, QueueUrl=standard, Attributes={"FifoQueue": "true"})[
        :2
    ] == ("InvalidAttributeName", "Unknown Attribute FifoQueue.")
    assert error_of(sqs.set_queue_attributes, QueueUrl=fifo, Attributes={"FifoQueue": "true"})[
        :2
    ] == (
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
    )


STANDARD_NAME = (
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
)
FIFO_NAME = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
    "underscores, must end with .fifo suffix and be 1 to 80 in length."
)


@pytest.mark.parametrize(
    ("name", "attributes", "message"),
    [
        ("has space", {}, STANDARD_NAME),
        ("x" * 81, {}, STANDARD_NAME),
        ("plain.fifo", {}, STANDARD_NAME),
        ("nofifo", {"FifoQueue": "true"}, FIFO_NAME),
    ],
)
def test_bad_queue_names(sqs: Any, name: str, attributes: dict[str, str], message: str) -> None:
    assert error_of(sqs.create_queue, QueueName=name, Attributes=attributes)[:3] == (
        "InvalidParameterValue",
        message,
        400,
    )


def test_list_queues_with_prefix_and_pages(sqs: Any, make_queue: QueueFactory) -> None:
    prefix = unique_name("list")
    urls = sorted(make_queue(f"{prefix}-{i}") for i in range(5))
    assert sorted(sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]) == urls
    assert "NextToken" not in sqs.list_queues(QueueNamePrefix=prefix)
    seen: list[str] = []
    page = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    while True:
        seen += page["QueueUrls"]
        if "NextToken" not in page:
            break
        page = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=page["NextToken"])
    assert sorted(seen) == urls
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique_name("none"))


def test_tags(sqs: Any, make_queue: QueueFactory) -> None:
    name = unique_name()
    url = sqs.create_queue(QueueName=name, tags={"tag1": "value1"})["QueueUrl"]
    try:
        sqs.tag_queue(QueueUrl=url, Tags={"tag2": "value2", "tag3": ""})
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {
            "tag1": "value1",
            "tag2": "value2",
            "tag3": "",
        }
        sqs.untag_queue(QueueUrl=url, TagKeys=["tag1", "tag3", "missing"])
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"tag2": "value2"}
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_purge_queue_once_a_minute(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)]
    )
    sqs.purge_queue(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    name = url.rsplit("/", 1)[1]
    assert error_of(sqs.purge_queue, QueueUrl=url) == (
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {name} is allowed every 60 seconds.",
        403,
        "PurgeQueueInProgress",
    )


def test_redrive_policy_and_dead_letter_sources(sqs: Any, make_queue: QueueFactory) -> None:
    dlq = make_queue()
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}
    sources = [make_queue(RedrivePolicy=json.dumps(policy)) for _ in range(2)]
    stored = sqs.get_queue_attributes(QueueUrl=sources[0], AttributeNames=["RedrivePolicy"])
    assert json.loads(stored["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": 3,
    }
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == sorted(sources)
    # An empty value removes the policy.
    sqs.set_queue_attributes(QueueUrl=sources[1], Attributes={"RedrivePolicy": ""})
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [sources[0]]


ARN = "arn:aws:sqs:us-east-1:000000000000"


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (
            '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}',
            "Invalid value for deadLetterTargetArn.",
        ),
        (
            f'{{"deadLetterTargetArn": "{ARN}:nowhere", "maxReceiveCount": 2}}',
            "Dead letter target does not exist.",
        ),
        (
            f'{{"deadLetterTargetArn": "{ARN}:x", "maxReceiveCount": 0}}',
            "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.",
        ),
        (
            '{"maxReceiveCount": 2}',
            "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        ),
    ],
)
def test_bad_redrive_policies(sqs: Any, make_queue: QueueFactory, policy: str, reason: str) -> None:
    url = make_queue()
    code, message, status, _ = error_of(
        sqs.set_queue_attributes, QueueUrl=url, Attributes={"RedrivePolicy": policy}
    )
    assert (code, status) == ("InvalidParameterValue", 400)
    assert message == f"Value {policy} for parameter RedrivePolicy is invalid. Reason: {reason}"


def test_dead_letter_queue_must_be_same_type(sqs: Any, make_queue: QueueFactory) -> None:
    fifo_dlq = make_queue(fifo=True)
    arn = sqs.get_queue_attributes(QueueUrl=fifo_dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 1})
    code, message, _, _ = error_of(
        sqs.create_queue, QueueName=unique_name(), Attributes={"RedrivePolicy": policy}
    )
    assert code == "InvalidParameterValue"
    assert message.endswith("Reason: Dead-letter queue must be same type of queue as the source.")


def test_redrive_allow_policy(sqs: Any, make_queue: QueueFactory) -> None:
    dlq = make_queue(RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 1})
    code, message, _, _ = error_of(
        sqs.create_queue, QueueName=unique_name(), Attributes={"RedrivePolicy": policy}
    )
    assert code == "InvalidParameterValue"
    assert "is not allowed to use" in message
