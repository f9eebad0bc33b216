"""Asynchronous invocation through boto3: retries with Lambda's spacing, maximum event age,
destinations and their records, at-least-once delivery across a crash.

The node runs with ``SKYBUS_LAMBDA_TIME_SCALE=0.01``: Lambda's 1 and 2 minute retry delays take
0.6 s and 1.2 s, and a 60 s maximum event age 0.6 s.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.clients import client
from tests.functions.api_helpers import TIME_SCALE, create
from tests.servers import RunningServer, start_server

# Appends "<unix time> <phase> <event id>" to $MARKER; fails when the event asks it to.
RECORDING = """
import json, os, time

def handler(event, context):
    def note(phase):
        with open(os.environ["MARKER"], "a") as out:
            out.write(f"{time.time()} {phase} {event.get('id')}\\n")
    note("start")
    time.sleep(event.get("sleep", 0))
    if event.get("fail"):
        raise RuntimeError("failing on purpose " + str(event.get("id")))
    note("done")
    return {"ok": event.get("id")}
"""

# Writes each event it receives to $OUT/<request id>.json.
COLLECTOR = """
import json, os

def handler(event, context):
    path = os.path.join(os.environ["OUT"], context.aws_request_id + ".json")
    with open(path, "w") as out:
        json.dump(event, out)
"""


def _wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _lines(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split() for line in path.read_text().splitlines()]


def _recording(lam: Any, name: str, marker: Path, **kwargs: Any) -> str:
    created = create(
        lam, name, RECORDING, Environment={"Variables": {"MARKER": str(marker)}}, **kwargs
    )
    return str(created["FunctionArn"])


def _collector(lam: Any, name: str, out: Path) -> str:
    out.mkdir(exist_ok=True)
    created = create(lam, name, COLLECTOR, Environment={"Variables": {"OUT": str(out)}})
    return str(created["FunctionArn"])


def _records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]


def test_function_errors_are_retried_twice_with_lambdas_spacing(
    async_lam: Any, name: str, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    _recording(async_lam, name, marker)
    async_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "e1", "fail": 1}')
    _wait_for(lambda: len(_lines(marker)) >= 3)
    time.sleep(150 * TIME_SCALE)
    starts = [float(line[0]) for line in _lines(marker) if line[1] == "start"]
    assert len(starts) == 3
    first_gap, second_gap = starts[1] - starts[0], starts[2] - starts[1]
    assert 60 * TIME_SCALE <= first_gap < 60 * TIME_SCALE + 2
    assert 120 * TIME_SCALE <= second_gap < 120 * TIME_SCALE + 2


def test_on_failure_destination_gets_lambdas_record(
    async_lam: Any, name: str, tmp_path: Path
) -> None:
    marker, out = tmp_path / "marker", tmp_path / "out"
    arn = _recording(async_lam, name, marker)
    _collector(async_lam, name + "-dest", out)
    destination = arn + "-dest"
    async_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": destination}},
    )
    queued = async_lam.invoke(
        FunctionName=name, InvocationType="Event", Payload=b'{"id": "e2", "fail": 1}'
    )
    _wait_for(lambda: len(_records(out)) == 1)
    record = _records(out)[0]
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"] == {
        "requestId": queued["ResponseMetadata"]["RequestId"],
        "functionArn": f"{arn}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 2,
    }
    assert record["requestPayload"] == {"id": "e2", "fail": 1}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorMessage"] == "failing on purpose e2"
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert len([line for line in _lines(marker) if line[1] == "start"]) == 2


def test_on_success_destination_and_no_retries(async_lam: Any, name: str, tmp_path: Path) -> None:
    marker, out = tmp_path / "marker", tmp_path / "out"
    arn = _recording(async_lam, name, marker)
    _collector(async_lam, name + "-ok", out)
    async_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": arn + "-ok"}},
    )
    async_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "good"}')
    async_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "bad", "fail": 1}')
    _wait_for(lambda: len(_records(out)) == 1)
    time.sleep(100 * TIME_SCALE)
    records = _records(out)
    assert len(records) == 1
    assert records[0]["requestContext"]["condition"] == "Success"
    assert records[0]["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert records[0]["responsePayload"] == {"ok": "good"}
    bad_starts = [line for line in _lines(marker) if line[1] == "start" and line[2] == "bad"]
    assert len(bad_starts) == 1


def test_maximum_event_age(async_lam: Any, name: str, tmp_path: Path) -> None:
    marker, out = tmp_path / "marker", tmp_path / "out"
    arn = _recording(async_lam, name, marker)
    _collector(async_lam, name + "-old", out)
    async_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": arn + "-old"}},
    )
    async_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "o", "fail": 1}')
    _wait_for(lambda: len(_records(out)) == 1)
    record = _records(out)[0]
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1


def test_event_survives_a_crash(tmp_path: Path, name: str) -> None:
    """An event whose node dies mid-run is run again after its lease (at least once)."""
    env = {"SKYBUS_LAMBDA_TIME_SCALE": str(TIME_SCALE)}
    data = tmp_path / "data"
    marker = tmp_path / "marker"
    node = start_server(data, env=env)
    try:
        lam = client(node, "lambda")
        _recording(lam, name, marker, Timeout=30)
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "c", "sleep": 2}')
        _wait_for(lambda: any(line[1] == "start" for line in _lines(marker)))
        node.stop(signal.SIGKILL)
    finally:
        node.stop()
        if node.process.stdout is not None:
            node.process.stdout.close()
    again = start_server(data, env=env)
    try:
        _wait_for(lambda: len([ln for ln in _lines(marker) if ln[1] == "start"]) >= 2, 30)
        _wait_for(lambda: any(line[1] == "done" for line in _lines(marker)), 30)
    finally:
        again.stop()
        if again.process.stdout is not None:
            again.process.stdout.close()


def test_dead_letter_queue_and_sqs_destination(
    async_server: RunningServer, async_lam: Any, name: str, tmp_path: Path
) -> None:
    sqs = client(async_server, "sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dest_url = sqs.create_queue(QueueName=f"{name}-dest")["QueueUrl"]
    arn_of = {
        url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for url in (dlq_url, dest_url)
    }
    fn_arn = _recording(
        async_lam,
        name,
        tmp_path / "marker",
        DeadLetterConfig={"TargetArn": arn_of[dlq_url]},
    )
    async_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn_of[dest_url]}},
    )
    queued = async_lam.invoke(
        FunctionName=name, InvocationType="Event", Payload=b'{"id": "dlq", "fail": 1}'
    )
    request_id = queued["ResponseMetadata"]["RequestId"]

    def receive(url: str) -> dict[str, Any]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            got = sqs.receive_message(
                QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=1
            ).get("Messages", [])
            if got:
                message: dict[str, Any] = got[0]
                return message
        raise AssertionError(f"nothing arrived on {url}")

    dead = receive(dlq_url)
    assert json.loads(dead["Body"]) == {"id": "dlq", "fail": 1}
    assert dead["MessageAttributes"] == {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "failing on purpose dlq"},
    }
    record = json.loads(receive(dest_url)["Body"])
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": f"{fn_arn}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 1,
    }
    assert record["responsePayload"]["errorMessage"] == "failing on purpose dlq"


def test_sns_destination_and_dead_letter_topic(
    async_server: RunningServer, async_lam: Any, name: str, tmp_path: Path
) -> None:
    sns = client(async_server, "sns")
    sqs = client(async_server, "sqs")
    topic = sns.create_topic(Name=f"{name}-topic")["TopicArn"]
    url = sqs.create_queue(QueueName=f"{name}-sub")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    fn_arn = _recording(async_lam, name, tmp_path / "marker", DeadLetterConfig={"TargetArn": topic})
    async_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": topic}},
    )
    async_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "t", "fail": 1}')
    bodies: list[Any] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(bodies) < 2:
        for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    records = [b for b in bodies if "requestContext" in b]
    events = [b for b in bodies if "requestContext" not in b]
    assert events == [{"id": "t", "fail": 1}]
    assert records[0]["requestContext"]["functionArn"] == f"{fn_arn}:$LATEST"
    assert records[0]["requestContext"]["condition"] == "RetriesExhausted"
