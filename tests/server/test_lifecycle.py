"""What a running node does around its requests: shutdown with a long poll in flight, and
queue actions sent to a queue's own URL."""

from __future__ import annotations

import signal
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tests.clients import client
from tests.server.signing import send, signed
from tests.servers import RunningServer, running_server

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def test_shutdown_ends_long_polls_and_lets_them_answer(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        sqs = client(server, "sqs")
        url = sqs.create_queue(QueueName="waiting")["QueueUrl"]
        outcome: dict[str, Any] = {}

        def long_poll() -> None:
            try:
                outcome["reply"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)
            except Exception as exc:  # recorded for the assertion below
                outcome["error"] = exc

        poller = threading.Thread(target=long_poll)
        poller.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert server.stop(signal.SIGTERM) == 0
        poller.join(10)
        assert time.monotonic() - started < 5
        assert "error" not in outcome, outcome.get("error")
        assert outcome["reply"].get("Messages", []) == []


def test_query_actions_sent_to_the_queue_url(server: RunningServer) -> None:
    sqs = client(server, "sqs")
    url = sqs.create_queue(QueueName="by-path")["QueueUrl"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    body = b"Action=SendMessage&MessageBody=hello&Version=2012-11-05"
    response = send(
        signed("POST", f"{server.endpoint}/{path}", service="sqs", body=body, headers=FORM)
    )
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    assert root.tag.endswith("SendMessageResponse")
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]


def test_query_clients_hear_the_query_wording(server: RunningServer) -> None:
    body = b"Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=All"
    response = send(
        signed("POST", f"{server.endpoint}/000000000000/no-such-queue", service="sqs",
               body=body, headers=FORM)
    )  # fmt: skip
    assert response.status_code == 400
    assert b"<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in response.content
    assert b"The specified queue does not exist for this wsdl version." in response.content
