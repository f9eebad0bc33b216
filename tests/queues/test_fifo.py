"""FIFO queues through boto3: order within message groups, one in-flight batch per group,
deduplication, ReceiveRequestAttemptId, and FIFO-only errors, on both store backends."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

from tests.clients import client
from tests.queues.conftest import LONG_POLL_CONFIG, QueueFactory, error_of
from tests.servers import RunningServer


def send(sqs: Any, url: str, body: str, group: str, dedup: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"QueueUrl": url, "MessageBody": body, "MessageGroupId": group}
    params["MessageDeduplicationId"] = dedup or body
    result: dict[str, Any] = sqs.send_message(**params)
    return result


def bodies(messages: list[dict[str, Any]]) -> list[str]:
    return [m["Body"] for m in messages]


def test_order_within_group_and_one_batch_in_flight(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    sequences = [int(send(sqs, url, f"a{i}", "A")["SequenceNumber"]) for i in range(4)]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 4
    send(sqs, url, "b0", "B")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert bodies(first) == ["a0", "a1"]
    # Group A is locked while a0 and a1 are in flight; B is not.
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies(second) == ["b0"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # a1 still in flight
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[1]["ReceiptHandle"])
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies(rest) == ["a2", "a3"]


def test_returned_messages_come_back_first(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    for i in range(3):
        send(sqs, url, f"m{i}", "G")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=1)
    assert bodies(first["Messages"]) == ["m0", "m1"]
    again = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=5,
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
    )["Messages"]
    assert bodies(again) == ["m0", "m1", "m2"]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in again] == ["2", "2", "1"]
    # The handles of the first receive have expired.
    handle = first["Messages"][0]["ReceiptHandle"]
    assert error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle)[:3] == (
        "InvalidParameterValue",
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle "
        "has expired.",
        400,
    )


def test_deduplication(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    one = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g1")
    two = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g2")
    assert two["MessageId"] == one["MessageId"]
    assert two["SequenceNumber"] == one["SequenceNumber"]
    three = sqs.send_message(
        QueueUrl=url, MessageBody="same", MessageGroupId="g1", MessageDeduplicationId="explicit"
    )
    assert three["MessageId"] != one["MessageId"]
    got = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert len(got) == 2
    assert got[0]["Attributes"]["MessageGroupId"] == "g1"
    assert got[0]["Attributes"]["MessageDeduplicationId"] == (
        "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5"
    )
    for message in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Deduplication outlives the message.
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g1")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_deduplication_per_message_group(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(
        fifo=True,
        DeduplicationScope="messageGroup",
        FifoThroughputLimit="perMessageGroupId",
    )
    one = send(sqs, url, "x", "g1", dedup="d")
    assert send(sqs, url, "x", "g1", dedup="d")["MessageId"] == one["MessageId"]
    assert send(sqs, url, "x", "g2", dedup="d")["MessageId"] != one["MessageId"]


def test_batch_keeps_order_and_deduplicates(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g",
             "MessageDeduplicationId": "dup" if i in (1, 2) else f"d{i}"}
            for i in range(4)
        ],
    )  # fmt: skip
    ids = {e["Id"]: e["MessageId"] for e in result["Successful"]}
    assert ids["e1"] == ids["e2"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies(got) == ["m0", "m1", "m3"]


def test_receive_request_attempt_id(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    for i in range(3):
        send(sqs, url, f"m{i}", "g")
    first = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1"
    )["Messages"]
    retry = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1"
    )["Messages"]
    assert [m["ReceiptHandle"] for m in retry] == [m["ReceiptHandle"] for m in first]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="other")
    for message in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Once its messages are deleted, the attempt id receives anew.
    after = sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert bodies(after) == ["m2"]


def test_fifo_errors(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True)
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")[
        :3
    ] == ("MissingParameter", "The request must contain the parameter MessageGroupId.", 400)
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", MessageGroupId="g")[:2] == (
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly",
    )
    assert error_of(
        sqs.send_message,
        QueueUrl=url,
        MessageBody="x",
        MessageGroupId="g",
        MessageDeduplicationId="d",
        DelaySeconds=2,
    )[:2] == (
        "InvalidParameterValue",
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
        "that is not valid for this queue type.",
    )
    assert error_of(
        sqs.send_message_batch,
        QueueUrl=url,
        Entries=[{"Id": "a", "MessageBody": "x", "MessageDeduplicationId": "d"}],
    )[:2] == ("InvalidParameterValue", "The request must contain the parameter MessageGroupId.")
    bad_group = {"MessageGroupId": "g h", "MessageDeduplicationId": "d"}
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x", **bad_group)[:2] == (
        "InvalidParameterValue",
        "Value g h for parameter MessageGroupId is invalid. Reason: MessageGroupId can only "
        "include alphanumeric and punctuation characters. 1 to 128 in length.",
    )
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_counters(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(fifo=True, DelaySeconds=30)
    send(sqs, url, "delayed", "d")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    for i in range(3):
        send(sqs, url, f"m{i}", f"g{i}")
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert found["ApproximateNumberOfMessages"] == "2"
    assert found["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert found["ApproximateNumberOfMessagesDelayed"] == "1"


def test_order_under_concurrent_consumers(
    any_server: RunningServer, sqs: Any, make_queue: QueueFactory
) -> None:
    """Four consumers receive and delete at once; every group is processed strictly in
    order, and never by two consumers at the same time."""
    url = make_queue(fifo=True, VisibilityTimeout=30)
    groups, per_group = 5, 12
    for start in range(0, per_group, 4):
        for g in range(groups):
            sqs.send_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": f"e{i}", "MessageBody": f"{g}:{i}", "MessageGroupId": f"g{g}",
                     "MessageDeduplicationId": f"{g}-{i}"}
                    for i in range(start, start + 4)
                ],
            )  # fmt: skip
    processed: dict[str, list[int]] = defaultdict(list)
    busy: dict[str, int] = defaultdict(int)
    overlaps: list[str] = []
    lock = threading.Lock()
    total = groups * per_group

    def consume() -> None:
        own = client(any_server, "sqs", config=LONG_POLL_CONFIG)
        while True:
            with lock:
                if sum(len(v) for v in processed.values()) >= total:
                    return
            got = own.receive_message(QueueUrl=url, MaxNumberOfMessages=3, WaitTimeSeconds=1)
            for message in got.get("Messages", []):
                group, index = message["Body"].split(":")
                with lock:
                    busy[group] += 1
                    if busy[group] > 1:
                        overlaps.append(group)
                    processed[group].append(int(index))
                time.sleep(0.001)
                with lock:
                    busy[group] -= 1
                own.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not overlaps
    assert {g: v for g, v in processed.items()} == {
        str(g): list(range(per_group)) for g in range(groups)
    }
