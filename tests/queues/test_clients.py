"""Other clients than boto3: the AWS CLI (whose botocore speaks SQS's JSON protocol) and
the query protocol of older SDKs, sent as signed form requests, on both store backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.queues.conftest import QueueFactory, unique_name
from tests.server.signing import send, signed
from tests.servers import RunningServer

NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def aws(server: RunningServer, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    command = [sys.executable, "-m", "awscli", "sqs", *args, "--output", "json"]
    command += ["--endpoint-url", server.endpoint]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli(any_server: RunningServer, sqs: Any) -> None:
    name = unique_name("cli")
    url = aws(any_server, "create-queue", "--queue-name", name)["QueueUrl"]
    try:
        sent = aws(
            any_server,
            "send-message",
            "--queue-url",
            url,
            "--message-body",
            "from the cli",
            "--message-attributes",
            '{"k": {"DataType": "String", "StringValue": "v"}}',
        )
        got = aws(
            any_server,
            "receive-message",
            "--queue-url",
            url,
            "--message-attribute-names",
            "All",
            "--wait-time-seconds",
            "1",
        )["Messages"][0]
        assert got["MessageId"] == sent["MessageId"]
        assert got["Body"] == "from the cli"
        assert got["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
        aws(
            any_server,
            "delete-message",
            "--queue-url",
            url,
            "--receipt-handle",
            got["ReceiptHandle"],
        )
        attributes = aws(
            any_server,
            "get-queue-attributes",
            "--queue-url",
            url,
            "--attribute-names",
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
        )["Attributes"]
        assert attributes == {
            "ApproximateNumberOfMessages": "0",
            "ApproximateNumberOfMessagesNotVisible": "0",
        }
    finally:
        sqs.delete_queue(QueueUrl=url)


def query(server: RunningServer, params: dict[str, str], path: str = "/") -> httpx.Response:
    body = urlencode({**params, "Version": "2012-11-05"}).encode()
    return send(signed("POST", server.endpoint + path, service="sqs", body=body, headers=FORM))


def text(reply: httpx.Response, tag: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(reply.content).iter(f"{{{NS['q']}}}{tag}")]


def test_query_protocol(any_server: RunningServer, make_queue: QueueFactory) -> None:
    url = make_queue()
    sent = query(
        any_server,
        {
            "Action": "SendMessage",
            "QueueUrl": url,
            "MessageBody": "msg",
            "MessageAttribute.1.Name": "Foo",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "Bar",
        },
    )
    assert sent.status_code == 200, sent.text
    assert text(sent, "MD5OfMessageBody") == ["6e2baaf3b97dbeef01c0043275f9a0e7"]
    assert text(sent, "MD5OfMessageAttributes") == ["ae7155c6026991b6d54b11589678bf9c"]
    # Requests may go to the queue's own URL path, as SDKs of that era send them.
    path = "/" + url.split("/", 3)[3]
    got = query(
        any_server,
        {
            "Action": "ReceiveMessage",
            "QueueUrl": url,
            "AttributeName.1": "All",
            "MessageAttributeName.1": "All",
        },
        path=path,
    )
    assert got.status_code == 200, got.text
    assert text(got, "Body") == ["msg"]
    root = ET.fromstring(got.content)
    attributes = {
        a.findtext("q:Name", namespaces=NS): a.findtext("q:Value", namespaces=NS)
        for a in root.iterfind(".//q:Message/q:Attribute", NS)
    }
    assert attributes["ApproximateReceiveCount"] == "1"
    assert text(got, "StringValue") == ["Bar"]
    handle = text(got, "ReceiptHandle")[0]
    deleted = query(
        any_server, {"Action": "DeleteMessage", "QueueUrl": url, "ReceiptHandle": handle}
    )
    assert deleted.status_code == 200, deleted.text
    batch = query(
        any_server,
        {
            "Action": "SendMessageBatch",
            "QueueUrl": url,
            "SendMessageBatchRequestEntry.1.Id": "one",
            "SendMessageBatchRequestEntry.1.MessageBody": "a",
            "SendMessageBatchRequestEntry.2.Id": "two",
            "SendMessageBatchRequestEntry.2.MessageBody": "\x00",
        },
    )
    assert batch.status_code == 200, batch.text
    assert sorted(text(batch, "Id")) == ["one", "two"]
    assert text(batch, "Code") == ["InvalidMessageContents"]


def test_query_protocol_errors(any_server: RunningServer, make_queue: QueueFactory) -> None:
    missing = query(any_server, {"Action": "GetQueueUrl", "QueueName": unique_name()})
    assert missing.status_code == 400
    assert text(missing, "Code") == ["AWS.SimpleQueueService.NonExistentQueue"]
    url = make_queue()
    bad = query(any_server, {"Action": "DeleteMessage", "QueueUrl": url, "ReceiptHandle": "x"})
    assert (bad.status_code, text(bad, "Code")) == (400, ["ReceiptHandleIsInvalid"])
    empty = query(any_server, {"Action": "SendMessageBatch", "QueueUrl": url})
    assert empty.status_code == 400
    assert text(empty, "Code") in (
        ["AWS.SimpleQueueService.EmptyBatchRequest"],
        ["MissingParameter"],
    )
