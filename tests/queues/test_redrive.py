"""Dead-letter queues through boto3: redrive after maxReceiveCount, and message move tasks back
out of a dead-letter queue (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask),
on both store backends."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from tests.queues.conftest import QueueFactory, error_of


def arn_of(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return arn


def with_dead_letter_queue(
    sqs: Any, make_queue: QueueFactory, *, fifo: bool = False, max_receives: int = 2
) -> tuple[str, str]:
    dlq = make_queue(fifo=fifo)
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": max_receives})
    return make_queue(fifo=fifo, RedrivePolicy=policy), dlq


def visible(sqs: Any, url: str) -> int:
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(found["Attributes"]["ApproximateNumberOfMessages"])


def wait_for(check: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_redrive_after_max_receive_count(sqs: Any, make_queue: QueueFactory) -> None:
    source, dlq = with_dead_letter_queue(sqs, make_queue, max_receives=2)
    sent = sqs.send_message(
        QueueUrl=source,
        MessageBody="poison",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    for _ in range(2):
        assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
    moved = sqs.receive_message(
        QueueUrl=dlq,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["DeadLetterQueueSourceArn", "ApproximateReceiveCount"],
    )["Messages"][0]
    assert moved["MessageId"] == sent["MessageId"]
    assert moved["Body"] == "poison"
    assert moved["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}
    assert moved["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert moved["Attributes"] == {
        "DeadLetterQueueSourceArn": arn_of(sqs, source),
        "ApproximateReceiveCount": "3",
    }


def test_fifo_redrive_keeps_group_order(sqs: Any, make_queue: QueueFactory) -> None:
    source, dlq = with_dead_letter_queue(sqs, make_queue, fifo=True, max_receives=1)
    for i in range(2):
        sqs.send_message(
            QueueUrl=source, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=str(i)
        )
    assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]) == 1
    # m0 goes to the dead-letter queue on its second receive; m1 is next in the group.
    second = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in second] == ["m1"]
    got = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["MessageGroupId"])
    assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in got["Messages"]] == [
        ("m0", "g")
    ]


def test_move_messages_back_to_their_source(sqs: Any, make_queue: QueueFactory) -> None:
    source, dlq = with_dead_letter_queue(sqs, make_queue, max_receives=1)
    for i in range(3):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")
    for _ in range(2):
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert visible(sqs, dlq) == 3
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))["TaskHandle"]
    assert json.loads(base64.b64decode(handle))["sourceArn"] == arn_of(sqs, dlq)
    wait_for(lambda: visible(sqs, source) == 3)
    tasks = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
    wait_for(
        lambda: (
            sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"][0]["Status"]
            == "COMPLETED"
        )
    )
    tasks = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["SourceArn"] == arn_of(sqs, dlq)
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert "TaskHandle" not in task
    assert "DestinationArn" not in task
    assert visible(sqs, dlq) == 0
    back = sqs.receive_message(
        QueueUrl=source, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert sorted(m["Body"] for m in back) == ["m0", "m1", "m2"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back} == {"1"}


def test_cancel_a_slow_move(sqs: Any, make_queue: QueueFactory) -> None:
    source, dlq = with_dead_letter_queue(sqs, make_queue, max_receives=1)
    elsewhere = make_queue()
    sqs.send_message_batch(
        QueueUrl=source, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)]
    )
    for _ in range(2):
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    wait_for(lambda: visible(sqs, dlq) == 10)
    dlq_arn = arn_of(sqs, dlq)
    handle = sqs.start_message_move_task(
        SourceArn=dlq_arn, DestinationArn=arn_of(sqs, elsewhere), MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]
    running = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"][0]
    assert running["Status"] == "RUNNING"
    assert running["TaskHandle"] == handle
    assert running["MaxNumberOfMessagesPerSecond"] == 1
    assert running["DestinationArn"] == arn_of(sqs, elsewhere)
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn)[:2] == (
        "InvalidParameterValue",
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time.",
    )
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert moved < 10
    wait_for(
        lambda: (
            sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "CANCELLED"
        )
    )
    assert visible(sqs, elsewhere) + visible(sqs, dlq) == 10


def test_move_task_errors(sqs: Any, make_queue: QueueFactory) -> None:
    plain = make_queue()
    assert error_of(sqs.start_message_move_task, SourceArn=arn_of(sqs, plain))[:3] == (
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
        400,
    )
    missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue"
    assert error_of(sqs.start_message_move_task, SourceArn=missing)[:3] == (
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
        404,
    )
    assert error_of(sqs.cancel_message_move_task, TaskHandle="not-a-handle")[:2] == (
        "InvalidParameterValue",
        "Value for parameter TaskHandle is invalid.",
    )
    unknown = base64.b64encode(
        json.dumps({"taskId": "nope", "sourceArn": arn_of(sqs, plain)}).encode()
    ).decode()
    assert error_of(sqs.cancel_message_move_task, TaskHandle=unknown)[:3] == (
        "ResourceNotFoundException",
        "Task does not exist.",
        404,
    )


@pytest.mark.parametrize("fifo", [False, True])
def test_redrive_to_a_deleted_dead_letter_queue_keeps_the_message(
    sqs: Any, make_queue: QueueFactory, fifo: bool
) -> None:
    source, dlq = with_dead_letter_queue(sqs, make_queue, fifo=fifo, max_receives=1)
    extra = {"MessageGroupId": "g", "MessageDeduplicationId": "d"} if fifo else {}
    sqs.send_message(QueueUrl=source, MessageBody="x", **extra)
    sqs.delete_queue(QueueUrl=dlq)
    for _ in range(3):
        assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]) == 1
