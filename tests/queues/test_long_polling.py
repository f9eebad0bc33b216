"""Long polling: a waiting ReceiveMessage returns as soon as a message can be received (sent,
delayed or returned from flight), and empty when its wait is over, on both store backends."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.clients import client
from tests.queues.conftest import LONG_POLL_CONFIG, QueueFactory
from tests.servers import RunningServer


class Waiter:
    """A ReceiveMessage long poll on its own connection, in a thread."""

    def __init__(self, server: RunningServer, **params: Any) -> None:
        self.sqs = client(server, "sqs", config=LONG_POLL_CONFIG)
        self.params = params
        self.result: dict[str, Any] = {}
        self.returned_at = 0.0
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        self.result = self.sqs.receive_message(**self.params)
        self.returned_at = time.monotonic()

    def __enter__(self) -> Waiter:
        self.thread.start()
        time.sleep(0.3)  # the request is waiting on the server by now
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=30)

    def messages(self) -> list[dict[str, Any]]:
        self.thread.join(timeout=30)
        found: list[dict[str, Any]] = self.result.get("Messages", [])
        return found


def test_send_wakes_a_waiting_receive(
    any_server: RunningServer, sqs: Any, make_queue: QueueFactory
) -> None:
    url = make_queue()
    with Waiter(any_server, QueueUrl=url, WaitTimeSeconds=15) as waiter:
        sent_at = time.monotonic()
        sqs.send_message(QueueUrl=url, MessageBody="wake up")
        assert [m["Body"] for m in waiter.messages()] == ["wake up"]
    assert waiter.returned_at - sent_at < 5  # woken by the send, not by the end of the wait


def test_wait_ends_empty(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(ReceiveMessageWaitTimeSeconds=1)
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # the queue's default wait
    waited = time.monotonic() - started
    assert 0.9 <= waited < 5


def test_delayed_message_wakes_a_waiting_receive(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=1)
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)["Messages"]
    assert [m["Body"] for m in got] == ["later"]
    assert 0.8 <= time.monotonic() - started < 5


def test_returned_message_wakes_a_waiting_receive(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="again")
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)
    started = time.monotonic()
    got = sqs.receive_message(
        QueueUrl=url, WaitTimeSeconds=10, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert 0.8 <= time.monotonic() - started < 5


def test_visibility_zero_wakes_a_waiting_receive(
    any_server: RunningServer, sqs: Any, make_queue: QueueFactory
) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    with Waiter(any_server, QueueUrl=url, WaitTimeSeconds=15) as waiter:
        released_at = time.monotonic()
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
        assert len(waiter.messages()) == 1
    assert waiter.returned_at - released_at < 5


def test_fifo_group_unlock_wakes_a_waiting_receive(
    any_server: RunningServer, sqs: Any, make_queue: QueueFactory
) -> None:
    url = make_queue(fifo=True)
    for i in range(2):
        sqs.send_message(
            QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=str(i)
        )
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    with Waiter(any_server, QueueUrl=url, WaitTimeSeconds=15) as waiter:
        deleted_at = time.monotonic()
        sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
        assert [m["Body"] for m in waiter.messages()] == ["m1"]
    assert waiter.returned_at - deleted_at < 5
