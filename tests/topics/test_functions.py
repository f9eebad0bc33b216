"""Function subscriptions: the SNS event record a subscribed function is invoked with
(asynchronously, one record per invocation), its signature, and the seed word counter's
fan-out of one topic to two functions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.functions.api_helpers import create
from tests.servers import RunningServer
from tests.topics.conftest import cached_client, unique
from tests.topics.receivers import signature_problem

WRITER = """
import json, os

def handler(event, context):
    sns = event["Records"][0]["Sns"]
    path = os.path.join(os.environ["OUT"], os.environ["TAG"] + "-" + sns["MessageId"])
    with open(path, "w") as out:
        json.dump(event, out)
"""


def wait_files(folder: Path, count: int, timeout: float = 30.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.iterdir())
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"expected {count} invocations, found {list(folder.iterdir())}")


def writer(lam: Any, folder: Path, tag: str) -> str:
    name = unique("fn")
    arn: str = create(
        lam, name, WRITER, Environment={"Variables": {"OUT": str(folder), "TAG": tag}}
    )["FunctionArn"]
    return arn


def test_functions_get_the_sns_event_record(
    sns: Any, topic: str, sns_server: RunningServer, tmp_path: Path
) -> None:
    lam = cached_client(sns_server, "lambda")
    counter = writer(lam, tmp_path, "count")
    logger = writer(lam, tmp_path, "log")
    subs = [
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)["SubscriptionArn"]
        for arn in (counter, logger)
    ]
    message_id = sns.publish(
        TopicArn=topic,
        Message="the quick brown fox",
        MessageAttributes={
            "words": {"DataType": "Number", "StringValue": "4"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00"},
        },
    )["MessageId"]
    files = wait_files(tmp_path, 2)
    assert sorted(f.name.split("-", 1)[0] for f in files) == ["count", "log"]
    for path in files:
        event = json.loads(path.read_text())
        (record,) = event["Records"]
        assert record["EventSource"] == "aws:sns"
        assert record["EventVersion"] == "1.0"
        assert record["EventSubscriptionArn"] in subs
        sns_part = record["Sns"]
        assert sns_part["MessageId"] == message_id
        assert sns_part["Subject"] is None
        assert sns_part["SignatureVersion"] == "1"
        assert sns_part["UnsubscribeUrl"].endswith(record["EventSubscriptionArn"])
        assert sns_part["MessageAttributes"] == {
            "words": {"Type": "String", "Value": "4"},
            "blob": {"Type": "Binary", "Value": "AA=="},
        }
        renamed = {**sns_part, "SigningCertURL": sns_part["SigningCertUrl"]}
        assert signature_problem(renamed, sns_server.endpoint) is None
