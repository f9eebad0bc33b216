"""The seed word counter's handlers, deployed from zips with create_function and run against a
DynamoDB table: the webhook handler counts, the multiplier adds ten (delivered as an async
invocation with the SNS event shape), the logger logs. Sending the same text twice answers 12.

The SNS wiring itself (Subscribe with protocol lambda) belongs to the topics engine's tests.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

from tests.clients import client
from tests.functions.api_helpers import ROLE, RUNTIME, zip_of
from tests.functions.api_word_counter import (
    APP,
    SNS_LOGGER,
    SNS_MULTIPLIER,
    sns_event,
    webhook_event,
)
from tests.servers import RunningServer

TOPIC = "arn:aws:sns:us-east-1:000000000000:awsadvent"


def _deploy(lam: Any, name: str, module: str, source: str, table: str) -> None:
    lam.create_function(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=ROLE,
        Handler=f"{module}.handler",
        Code={"ZipFile": zip_of({f"{module}.py": source})},
        Environment={"Variables": {"DYNAMO_TABLE": table}},
        Timeout=10,
    )


def _count(ddb: Any, table: str, word: str) -> int:
    item = ddb.get_item(TableName=table, Key={"word": {"S": word}}).get("Item")
    return int(item["count"]["N"]) if item else 0


def test_word_counter_handlers(server: RunningServer) -> None:
    lam = client(server, "lambda")
    ddb = client(server, "dynamodb")
    suffix = uuid.uuid4().hex[:8]
    table = f"words-{suffix}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "word", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "word", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    counter, multiplier, logger = (f"aws_advent-{suffix}", f"mult-{suffix}", f"log-{suffix}")
    _deploy(lam, counter, "app", APP, table)
    _deploy(lam, multiplier, "sns_multiplier", SNS_MULTIPLIER, table)
    _deploy(lam, logger, "sns_logger", SNS_LOGGER, table)
    text = "awsadvent some words"

    first = lam.invoke(FunctionName=counter, Payload=json.dumps(webhook_event(text)).encode())
    answer = json.loads(first["Payload"].read())
    assert "FunctionError" not in first, answer
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"text": "awsadvent: 1, some: 1, words: 1"}

    event = json.dumps(sns_event(TOPIC, text)).encode()
    queued = lam.invoke(FunctionName=multiplier, InvocationType="Event", Payload=event)
    assert queued["StatusCode"] == 202
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _count(ddb, table, "words") < 11:
        time.sleep(0.05)
    assert [_count(ddb, table, w) for w in text.split()] == [11, 11, 11]

    second = lam.invoke(FunctionName=counter, Payload=json.dumps(webhook_event(text)).encode())
    body = json.loads(json.loads(second["Payload"].read())["body"])
    assert body == {"text": "awsadvent: 12, some: 12, words: 12"}

    logged = lam.invoke(FunctionName=logger, Payload=event, LogType="Tail")
    assert json.loads(logged["Payload"].read()) == text
    tail = base64.b64decode(logged["LogResult"]).decode()
    assert f"From SNS: {text}" in tail


def test_word_counter_wired_with_sns(server: RunningServer) -> None:
    """The seed as deployed: the counter publishes to a topic that the multiplier and the logger
    subscribe to with protocol lambda. The same text sent twice answers 12 for each word."""
    lam = client(server, "lambda")
    ddb = client(server, "dynamodb")
    sns = client(server, "sns")
    suffix = uuid.uuid4().hex[:8]
    table = f"words-{suffix}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "word", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "word", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    topic = sns.create_topic(Name=f"awsadvent-{suffix}")["TopicArn"]
    counter, multiplier, logger = (f"aws_advent-{suffix}", f"mult-{suffix}", f"log-{suffix}")
    _deploy(lam, counter, "app", APP, table)
    lam.update_function_configuration(
        FunctionName=counter,
        Environment={"Variables": {"DYNAMO_TABLE": table, "SNS_TOPIC_ARN": topic}},
    )
    for name, module, source in (
        (multiplier, "sns_multiplier", SNS_MULTIPLIER),
        (logger, "sns_logger", SNS_LOGGER),
    ):
        _deploy(lam, name, module, source, table)
        arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        lam.add_permission(
            FunctionName=name,
            StatementId="sns",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
            SourceArn=topic,
        )
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    text = "awsadvent some words"
    first = lam.invoke(FunctionName=counter, Payload=json.dumps(webhook_event(text)).encode())
    assert json.loads(json.loads(first["Payload"].read())["body"]) == {
        "text": "awsadvent: 1, some: 1, words: 1"
    }
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _count(ddb, table, "words") < 11:
        time.sleep(0.05)
    assert [_count(ddb, table, w) for w in text.split()] == [11, 11, 11]
    second = lam.invoke(FunctionName=counter, Payload=json.dumps(webhook_event(text)).encode())
    assert json.loads(json.loads(second["Payload"].read())["body"]) == {
        "text": "awsadvent: 12, some: 12, words: 12"
    }
    logs = client(server, "logs")
    group = f"/aws/lambda/{logger}"

    def logged() -> list[str]:
        try:
            events = logs.filter_log_events(logGroupName=group, filterPattern='"From SNS"')
        except logs.exceptions.ResourceNotFoundException:
            return []
        return [e["message"].strip() for e in events["events"]]

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(logged()) < 2:
        time.sleep(0.1)
    assert logged() == [f"From SNS: {text}", f"From SNS: {text}"]
