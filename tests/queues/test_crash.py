"""kill -9 with messages in flight and sends under way: after a restart on the same data,
every acknowledged send is still there, and in-flight messages become visible again when their
visibility timeout ends."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.clients import client
from tests.conftest import drop_schema
from tests.queues.conftest import LONG_POLL_CONFIG
from tests.servers import start_server
from tests.services import need_postgres


def drain(sqs: Any, url: str, expected: int, seconds: float = 15) -> list[str]:
    found: list[str] = []
    deadline = time.monotonic() + seconds
    while len(found) < expected and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in got.get("Messages", []):
            found.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_keeps_acknowledged_messages(tmp_path: Path, backend: str) -> None:
    args: tuple[str, ...] = ()
    schema = None
    if backend == "postgresql":
        base = need_postgres()
        schema = f"skybus_test_{uuid.uuid4().hex[:10]}"
        args = ("--store", f"{base}?schema={schema}")
    server = start_server(tmp_path, args=args)
    try:
        sqs = client(server, "sqs", config=LONG_POLL_CONFIG)
        standard = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        fifo = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        acknowledged: dict[str, list[str]] = {standard: [], fifo: []}
        for i in range(20):
            for url in (standard, fifo):
                extra = {"MessageGroupId": f"g{i % 3}", "MessageDeduplicationId": str(i)}
                sqs.send_message(
                    QueueUrl=url, MessageBody=f"m{i}", **(extra if url == fifo else {})
                )
                acknowledged[url].append(f"m{i}")
        # Some in flight for 3 seconds when the process dies.
        in_flight = sqs.receive_message(
            QueueUrl=standard, MaxNumberOfMessages=10, VisibilityTimeout=3
        )
        received_at = time.monotonic()
        assert len(in_flight["Messages"]) == 10
        assert sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=5, VisibilityTimeout=3)[
            "Messages"
        ]
        # Sends keep coming while the process is killed.
        stop = threading.Event()

        def keep_sending() -> None:
            own = client(server, "sqs")
            n = 0
            while not stop.is_set():
                body = f"late{n}"
                try:
                    own.send_message(QueueUrl=standard, MessageBody=body)
                except Exception:
                    return
                acknowledged[standard].append(body)
                n += 1

        sender = threading.Thread(target=keep_sending)
        sender.start()
        time.sleep(0.3)
        server.stop(signal.SIGKILL)
        stop.set()
        sender.join(timeout=30)
        if server.process.stdout is not None:
            server.process.stdout.close()

        server = start_server(tmp_path, args=args)
        sqs = client(server, "sqs", config=LONG_POLL_CONFIG)
        counts = sqs.get_queue_attributes(QueueUrl=standard, AttributeNames=["All"])["Attributes"]
        total = int(counts["ApproximateNumberOfMessages"]) + int(
            counts["ApproximateNumberOfMessagesNotVisible"]
        )
        assert total >= len(acknowledged[standard])
        hidden = int(counts["ApproximateNumberOfMessagesNotVisible"])
        if time.monotonic() - received_at < 2.5:  # their visibility has not run out yet
            assert hidden == 10
        assert hidden <= 10
        received = drain(sqs, standard, len(acknowledged[standard]))
        assert set(acknowledged[standard]) <= set(received)
        ordered = drain(sqs, fifo, len(acknowledged[fifo]))
        assert sorted(ordered) == sorted(acknowledged[fifo])
        for group in range(3):
            in_group = [b for b in ordered if int(b[1:]) % 3 == group]
            assert in_group == sorted(in_group, key=lambda b: int(b[1:]))
    finally:
        server.stop()
        if server.process.stdout is not None:
            server.process.stdout.close()
        if schema is not None:
            asyncio.run(drop_schema(need_postgres(), schema))
