"""Shared pieces of the event source mapping tests: a handler that records what it got,
queues and functions set up for a mapping."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.clients import client
from tests.functions.api_helpers import create
from tests.servers import RunningServer

HANDLER = """
import json, os, time

def handler(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    mode = os.environ.get("MODE", "")
    if mode == "slow" and event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "1":
        time.sleep(5)
    failing = [r["messageId"] for r in event["Records"] if r["body"].startswith("fail")]
    if mode == "raise" and failing:
        raise RuntimeError("failing on purpose")
    if mode == "report":
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failing]}
    if mode == "invalid":
        return {"batchItemFailures": [{"foo": "bar"}]}
    return None
"""


def _wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@dataclass
class Setup:
    lam: Any
    sqs: Any
    url: str
    arn: str
    out: Path
    function: str
    dlq_url: str | None = None

    def events(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines()]

    def bodies(self) -> list[str]:
        return [r["body"] for e in self.events() for r in e["Records"]]

    def send(self, *bodies: str, **extra: Any) -> None:
        for start in range(0, len(bodies), 10):
            entries = [
                {"Id": str(i), "MessageBody": body, **extra}
                for i, body in enumerate(bodies[start : start + 10])
            ]
            self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)

    def depth(self, url: str | None = None) -> tuple[int, int]:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        found = self.sqs.get_queue_attributes(QueueUrl=url or self.url, AttributeNames=names)
        return tuple(int(found["Attributes"][n]) for n in names)  # type: ignore[return-value]

    def map(self, **kwargs: Any) -> str:
        made = self.lam.create_event_source_mapping(
            EventSourceArn=self.arn, FunctionName=self.function, **kwargs
        )
        mapping_id: str = made["UUID"]
        wanted = "Enabled" if kwargs.get("Enabled", True) else "Disabled"
        _wait_for(lambda: self.state(mapping_id) == wanted, 5)
        return mapping_id

    def state(self, mapping_id: str) -> str:
        state: str = self.lam.get_event_source_mapping(UUID=mapping_id)["State"]
        return state


def _queue_arn(sqs: Any, url: str) -> str:
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    arn: str = found["Attributes"]["QueueArn"]
    return arn


def _setup(
    server: RunningServer,
    tmp_path: Path,
    *,
    mode: str = "",
    visibility: int = 30,
    fifo: bool = False,
    max_receives: int | None = None,
    timeout: int = 1,
) -> Setup:
    """A queue (with a dead-letter queue after ``max_receives``) and a function for it."""
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    tag = uuid.uuid4().hex[:10]
    attributes = {"VisibilityTimeout": str(visibility)}
    dlq_url = None
    if max_receives is not None:
        dlq_url = sqs.create_queue(QueueName=f"dlq-{tag}")["QueueUrl"]
        policy = {"deadLetterTargetArn": _queue_arn(sqs, dlq_url), "maxReceiveCount": max_receives}
        attributes["RedrivePolicy"] = json.dumps(policy)
    name = f"q-{tag}"
    if fifo:
        name += ".fifo"
        attributes.update(FifoQueue="true", ContentBasedDeduplication="true")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    out = tmp_path / f"events-{tag}.jsonl"
    function = f"fn-{tag}"
    env = {"OUT": str(out), "MODE": mode}
    create(lam, function, HANDLER, Timeout=timeout, Environment={"Variables": env})
    return Setup(lam, sqs, url, _queue_arn(sqs, url), out, function, dlq_url)
