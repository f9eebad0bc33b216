"""The queues engine in process, on a clock the test moves: retention, delays, visibility
timeouts, deduplication and attempt-id windows and the purge interval, which on a real clock
would take minutes to days. Both store backends."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from skybus.config import Settings
from skybus.engines.queues import Caller, QueuesEngine
from skybus.node import Node
from skybus.wire.errors import ServiceError
from tests.store.conftest import POSTGRES_URL, FakeClock, require_postgres

CALLER = Caller("000000000000", "us-east-1", "http://localhost:4566")


class Queues:
    """The engine's operations as a test calls them."""

    def __init__(self, node: Node, clock: FakeClock) -> None:
        self.node = node
        self.clock = clock
        self.engine = node.engine(QueuesEngine)

    async def create(self, name: str, **attributes: Any) -> str:
        params = {"QueueName": name, "Attributes": {k: str(v) for k, v in attributes.items()}}
        url: str = (await self.engine.admin.create_queue(CALLER, params))["QueueUrl"]
        return url

    async def send(self, url: str, body: str, **params: Any) -> dict[str, Any]:
        return await self.engine.traffic.send_message(
            CALLER, {"QueueUrl": url, "MessageBody": body, **params}
        )

    async def receive(self, url: str, **params: Any) -> list[dict[str, Any]]:
        params.setdefault("MessageSystemAttributeNames", ["All"])
        result = await self.engine.traffic.receive_message(CALLER, {"QueueUrl": url, **params})
        found: list[dict[str, Any]] = result.get("Messages", [])
        return found

    async def counts(self, url: str) -> tuple[int, int, int]:
        attributes = (
            await self.engine.admin.get_queue_attributes(
                CALLER, {"QueueUrl": url, "AttributeNames": ["All"]}
            )
        )["Attributes"]
        return (
            int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]),
            int(attributes["ApproximateNumberOfMessagesDelayed"]),
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def queues(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Queues]:
    schema = None
    store_url = None
    if request.param == "postgresql":
        await require_postgres()
        schema = f"skybus_test_{uuid.uuid4().hex[:12]}"
        store_url = f"{POSTGRES_URL}?schema={schema}"
    node = Node(Settings(data_dir=tmp_path, store_url=store_url), clock=clock)
    await node.start()
    try:
        yield Queues(node, clock)
    finally:
        await node.stop()
        if schema is not None:
            conn = await asyncpg.connect(POSTGRES_URL)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()


async def test_retention_expires_messages(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("standard", MessageRetentionPeriod=60)
    fifo = await queues.create("ordered.fifo", FifoQueue="true", MessageRetentionPeriod=60)
    await queues.send(url, "old")
    await queues.send(fifo, "old", MessageGroupId="g", MessageDeduplicationId="1")
    clock.advance(30)
    await queues.send(url, "young")
    await queues.send(fifo, "young", MessageGroupId="g", MessageDeduplicationId="2")
    clock.advance(31)
    assert [m["Body"] for m in await queues.receive(url, MaxNumberOfMessages=10)] == ["young"]
    assert [m["Body"] for m in await queues.receive(fifo, MaxNumberOfMessages=10)] == ["young"]
    assert await queues.counts(url) == (0, 1, 0)
    assert await queues.counts(fifo) == (0, 1, 0)


async def test_delays_and_visibility(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("timed", VisibilityTimeout=30)
    await queues.send(url, "late", DelaySeconds=900)
    assert await queues.counts(url) == (0, 0, 1)
    clock.advance(899)
    assert await queues.receive(url) == []
    clock.advance(1)
    got = await queues.receive(url)
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    first_receive = got[0]["Attributes"]["ApproximateFirstReceiveTimestamp"]
    assert first_receive == str(int(clock.now * 1000))
    assert await queues.counts(url) == (0, 1, 0)
    clock.advance(29)
    assert await queues.receive(url) == []
    clock.advance(2)
    again = await queues.receive(url)
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["Attributes"]["ApproximateFirstReceiveTimestamp"] == first_receive


async def test_fifo_queue_delay_and_lock_expiry(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("slow.fifo", FifoQueue="true", DelaySeconds=10)
    for i in range(2):
        await queues.send(url, f"m{i}", MessageGroupId="g", MessageDeduplicationId=str(i))
    assert await queues.counts(url) == (0, 0, 2)
    clock.advance(10)
    first = await queues.receive(url, VisibilityTimeout=60)
    assert [m["Body"] for m in first] == ["m0"]
    clock.advance(59)
    assert await queues.receive(url) == []
    clock.advance(2)
    again = await queues.receive(url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in again] == ["m0", "m1"]


async def test_deduplication_window(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("dedup.fifo", FifoQueue="true")
    first = await queues.send(url, "a", MessageGroupId="g", MessageDeduplicationId="d")
    clock.advance(299)
    same = await queues.send(url, "a", MessageGroupId="g", MessageDeduplicationId="d")
    assert same["MessageId"] == first["MessageId"]
    clock.advance(2)
    later = await queues.send(url, "a", MessageGroupId="g", MessageDeduplicationId="d")
    assert later["MessageId"] != first["MessageId"]
    assert await queues.counts(url) == (2, 0, 0)


async def test_receive_attempt_window(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("attempts.fifo", FifoQueue="true", VisibilityTimeout=600)
    await queues.send(url, "a", MessageGroupId="g", MessageDeduplicationId="d")
    first = await queues.receive(url, ReceiveRequestAttemptId="try")
    clock.advance(299)
    retried = await queues.receive(url, ReceiveRequestAttemptId="try")
    assert retried[0]["ReceiptHandle"] == first[0]["ReceiptHandle"]
    clock.advance(2)
    assert await queues.receive(url, ReceiveRequestAttemptId="try") == []


async def test_purge_interval(queues: Queues, clock: FakeClock) -> None:
    url = await queues.create("purged")
    await queues.engine.admin.purge_queue(CALLER, {"QueueUrl": url})
    clock.advance(59)
    with pytest.raises(ServiceError) as caught:
        await queues.engine.admin.purge_queue(CALLER, {"QueueUrl": url})
    assert caught.value.code == "PurgeQueueInProgress"
    clock.advance(2)
    await queues.engine.admin.purge_queue(CALLER, {"QueueUrl": url})


async def test_recreated_queue_starts_empty(queues: Queues) -> None:
    url = await queues.create("again")
    await queues.send(url, "from the first queue")
    await queues.engine.admin.delete_queue(CALLER, {"QueueUrl": url})
    assert await queues.create("again") == url
    assert await queues.receive(url) == []


async def test_move_task_resumes_after_restart(
    queues: Queues, clock: FakeClock, tmp_path: Path
) -> None:
    dlq = await queues.create("dead")
    dlq_arn = "arn:aws:sqs:us-east-1:000000000000:dead"
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    source = await queues.create("live", RedrivePolicy=policy)
    for i in range(3):
        await queues.send(source, f"m{i}")
    for _ in range(2):
        await queues.receive(source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    moves = queues.engine.moves
    await moves.start_task(CALLER, {"SourceArn": dlq_arn, "MaxNumberOfMessagesPerSecond": 1})
    await moves.stop()  # as a node stopping mid-task would
    await moves.start()  # as the next node starting on the same store does
    for _ in range(100):
        listed = await moves.list_tasks(CALLER, {"SourceArn": dlq_arn})
        if listed["Results"][0]["Status"] == "COMPLETED":
            break
        await asyncio.sleep(0.05)
    assert listed["Results"][0]["ApproximateNumberOfMessagesMoved"] == 3
    assert await queues.counts(source) == (3, 0, 0)
    assert await queues.counts(dlq) == (0, 0, 0)


async def test_other_engines_reach_queues_by_arn(queues: Queues) -> None:
    url = await queues.create("targets")
    arn = "arn:aws:sqs:us-east-1:000000000000:targets"
    engine = queues.engine
    sent = await engine.send_to(arn, {"MessageBody": "from a topic"})
    got = await engine.receive_from(arn, {"MaxNumberOfMessages": 10})
    assert [(m["MessageId"], m["Body"]) for m in got] == [(sent["MessageId"], "from a topic")]
    deleted = await engine.delete_from(arn, [got[0]["ReceiptHandle"]])
    assert deleted["Failed"] == []
    assert await queues.counts(url) == (0, 0, 0)
    with pytest.raises(ServiceError) as caught:
        await engine.send_to("arn:aws:sqs:us-east-1:000000000000:missing", {"MessageBody": "x"})
    assert caught.value.code == "QueueDoesNotExist"
