"""Event source mappings for SQS: messages reaching functions, failures, crashes, and nodes
sharing PostgreSQL."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from skybus.engines.functions.mappings.batch_response import failed_items
from skybus.engines.functions.mappings.sqs_event import record
from tests.clients import client
from tests.functions.mapping_support import _setup, _wait_for
from tests.servers import RunningServer, running_server
from tests.services import need_postgres

# --- delivery ----------------------------------------------------------------------------------


def test_messages_arrive_as_lambdas_sqs_event(any_server: RunningServer, tmp_path: Path) -> None:
    s = _setup(any_server, tmp_path)
    s.map()
    attributes = {
        "colour": {"DataType": "String", "StringValue": "blue"},
        "size": {"DataType": "Number", "StringValue": "7"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    }
    sent = s.sqs.send_message(QueueUrl=s.url, MessageBody="hello", MessageAttributes=attributes)
    _wait_for(lambda: len(s.events()) == 1)
    (event,) = s.events()
    (one,) = event["Records"]
    assert list(one) == [
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfMessageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    ]
    assert one["messageId"] == sent["MessageId"]
    assert one["body"] == "hello"
    assert one["md5OfBody"] == sent["MD5OfMessageBody"]
    assert one["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert (one["eventSource"], one["eventSourceARN"], one["awsRegion"]) == (
        "aws:sqs",
        s.arn,
        "us-east-1",
    )
    assert list(one["attributes"]) == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    ]
    assert one["attributes"]["ApproximateReceiveCount"] == "1"
    assert one["messageAttributes"] == {
        "colour": {
            "stringValue": "blue",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "size": {
            "stringValue": "7",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Number",
        },
        "raw": {
            "binaryValue": "AP8=",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    _wait_for(lambda: s.depth() == (0, 0))


def test_batches_hold_at_most_batch_size_records(server: RunningServer, tmp_path: Path) -> None:
    s = _setup(server, tmp_path)
    s.map(BatchSize=3)
    bodies = [f"m{i}" for i in range(8)]
    s.send(*bodies)
    _wait_for(lambda: len(s.bodies()) == 8)
    assert sorted(s.bodies()) == sorted(bodies)
    assert all(1 <= len(e["Records"]) <= 3 for e in s.events())
    _wait_for(lambda: s.depth() == (0, 0))


def test_a_batching_window_gathers_one_large_batch(server: RunningServer, tmp_path: Path) -> None:
    s = _setup(server, tmp_path)
    s.map(BatchSize=100, MaximumBatchingWindowInSeconds=2)
    bodies = [f"m{i}" for i in range(25)]
    started = time.monotonic()
    s.send(*bodies)
    _wait_for(lambda: len(s.events()) == 1)
    assert time.monotonic() - started >= 1.9
    assert sorted(s.bodies()) == sorted(bodies)
    _wait_for(lambda: s.depth() == (0, 0))


def test_reported_failures_come_back_and_reach_the_dead_letter_queue(
    server: RunningServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path, mode="report", visibility=1, max_receives=2)
    s.map(FunctionResponseTypes=["ReportBatchItemFailures"])
    s.send("ok-1", "fail-1", "ok-2")
    assert s.dlq_url is not None
    _wait_for(lambda: s.depth(s.dlq_url) == (1, 0))
    seen = [r for e in s.events() for r in e["Records"]]
    assert sorted(r["body"] for r in seen if r["body"].startswith("ok")) == ["ok-1", "ok-2"]
    counts = [r["attributes"]["ApproximateReceiveCount"] for r in seen if r["body"] == "fail-1"]
    assert counts == ["1", "2"]
    moved = s.sqs.receive_message(QueueUrl=s.dlq_url)["Messages"]
    assert [m["Body"] for m in moved] == ["fail-1"]
    assert s.depth() == (0, 0)


@pytest.mark.parametrize("mode", ["raise", "invalid"])
def test_an_error_or_invalid_response_fails_the_whole_batch(
    server: RunningServer, tmp_path: Path, mode: str
) -> None:
    s = _setup(server, tmp_path, mode=mode, visibility=1, max_receives=1)
    s.map(FunctionResponseTypes=["ReportBatchItemFailures"])
    s.send("fail-a", "good-b")
    assert s.dlq_url is not None
    _wait_for(lambda: s.depth(s.dlq_url) == (2, 0))
    assert sorted(s.bodies()) == ["fail-a", "good-b"]
    assert s.depth() == (0, 0)


def test_fifo_batches_keep_each_groups_order(server: RunningServer, tmp_path: Path) -> None:
    s = _setup(server, tmp_path, fifo=True)
    s.map(BatchSize=2)
    for group in ("a", "b"):
        s.send(*[f"{group}{i}" for i in range(6)], MessageGroupId=group)
    _wait_for(lambda: len(s.bodies()) == 12)
    for group in ("a", "b"):
        assert [b for b in s.bodies() if b[0] == group] == [f"{group}{i}" for i in range(6)]
    first = s.events()[0]["Records"][0]["attributes"]
    assert set(first) >= {"SequenceNumber", "MessageGroupId", "MessageDeduplicationId"}
    assert all(len(e["Records"]) <= 2 for e in s.events())


def test_disabled_and_deleted_mappings_stop_polling(server: RunningServer, tmp_path: Path) -> None:
    s = _setup(server, tmp_path)
    mapping_id = s.map(Enabled=False)
    s.send("while-disabled")
    time.sleep(1.0)
    assert s.events() == []
    assert s.depth() == (1, 0)
    s.lam.update_event_source_mapping(UUID=mapping_id, Enabled=True)
    _wait_for(lambda: s.bodies() == ["while-disabled"])
    _wait_for(lambda: s.depth() == (0, 0))

    s.lam.delete_event_source_mapping(UUID=mapping_id)
    _wait_for(
        lambda: s.lam.list_event_source_mappings(EventSourceArn=s.arn)["EventSourceMappings"] == []
    )
    s.send("after-delete")
    time.sleep(1.0)
    assert s.bodies() == ["while-disabled"]
    assert s.depth() == (1, 0)


def test_an_update_moves_the_mapping_to_another_function(
    server: RunningServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    other = _setup(server, tmp_path)
    mapping_id = s.map()
    s.send("first")
    _wait_for(lambda: s.bodies() == ["first"])
    updated = s.lam.update_event_source_mapping(UUID=mapping_id, FunctionName=other.function)
    assert updated["FunctionArn"].endswith(f":function:{other.function}")
    _wait_for(lambda: s.state(mapping_id) == "Enabled")
    s.send("second")
    _wait_for(lambda: other.bodies() == ["second"])
    assert s.bodies() == ["first"]


def test_a_throttled_function_keeps_its_messages(server: RunningServer, tmp_path: Path) -> None:
    s = _setup(server, tmp_path, visibility=10, max_receives=1)
    s.lam.put_function_concurrency(FunctionName=s.function, ReservedConcurrentExecutions=0)
    s.map()
    s.send("patient")
    time.sleep(1.0)
    assert s.events() == []
    assert s.depth() == (0, 1)
    s.lam.delete_function_concurrency(FunctionName=s.function)
    _wait_for(lambda: s.bodies() == ["patient"])
    # Offered again within the same receive: the throttle cost the message no receive.
    assert s.events()[0]["Records"][0]["attributes"]["ApproximateReceiveCount"] == "1"
    _wait_for(lambda: s.depth() == (0, 0))
    assert s.dlq_url is not None
    assert s.depth(s.dlq_url) == (0, 0)


def test_mappings_survive_a_crash_and_batches_cut_short_come_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data) as node:
        s = _setup(node, tmp_path, mode="slow", visibility=2, timeout=2)
        s.map()
        s.send("interrupted")
        _wait_for(lambda: len(s.events()) == 1)
        node.stop(signal.SIGKILL)
    with running_server(data) as node:
        s.lam, s.sqs = client(node, "lambda"), client(node, "sqs")
        s.url = node.endpoint + "/" + s.url.split("://", 1)[1].split("/", 1)[1]
        _wait_for(lambda: len(s.events()) == 2, 30)
        counts = [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for e in s.events()]
        assert counts == ["1", "2"]
        _wait_for(lambda: s.depth() == (0, 0), 30)


# --- nodes sharing PostgreSQL ------------------------------------------------------------------


async def _drop_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[tuple[RunningServer, RunningServer]]:
    base = need_postgres()
    schema = f"skybus_esm_{uuid.uuid4().hex[:10]}"
    store = ("--store", f"{base}?schema={schema}")
    try:
        with (
            running_server(tmp_path / "node-a", args=store) as first,
            running_server(tmp_path / "node-b", args=store) as second,
        ):
            yield first, second
    finally:
        asyncio.run(_drop_schema(base, schema))


def test_nodes_sharing_postgresql_process_each_message_once(
    two_nodes: tuple[RunningServer, RunningServer], tmp_path: Path
) -> None:
    first, second = two_nodes
    s = _setup(first, tmp_path)
    s.map(BatchSize=2)
    bodies = [f"m{i}" for i in range(40)]
    s.send(*bodies)
    _wait_for(lambda: len(s.bodies()) >= 40)
    time.sleep(0.5)
    assert sorted(s.bodies()) == sorted(bodies)

    # The other node polls the mapping too: with the first one gone, messages still flow.
    first.stop()
    path = s.url.split("://", 1)[1].split("/", 1)[1]
    client(second, "sqs").send_message(QueueUrl=f"{second.endpoint}/{path}", MessageBody="late")
    _wait_for(lambda: "late" in s.bodies())


# --- pure logic --------------------------------------------------------------------------------


def test_partial_batch_responses_follow_lambdas_rules() -> None:
    ids = ["a", "b", "c"]
    everything = frozenset(ids)
    assert failed_items(b"null", ids) == frozenset()
    assert failed_items(b"", ids) == frozenset()
    assert failed_items(b"{}", ids) == frozenset()
    assert failed_items(b'{"batchItemFailures": null}', ids) == frozenset()
    assert failed_items(b'{"batchItemFailures": []}', ids) == frozenset()
    named = b'{"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "c"}]}'
    assert failed_items(named, ids) == {"b", "c"}
    for invalid in (
        b"{not json",
        b'"ok"',
        b"[]",
        b'{"batchItemFailures": "b"}',
        b'{"batchItemFailures": ["b"]}',
        b'{"batchItemFailures": [{"foo": "b"}]}',
        b'{"batchItemFailures": [{"itemIdentifier": ""}]}',
        b'{"batchItemFailures": [{"itemIdentifier": null}]}',
        b'{"batchItemFailures": [{"itemIdentifier": "zzz"}]}',
    ):
        assert failed_items(invalid, ids) == everything, invalid


def test_fifo_records_carry_the_group_sequence_and_deduplication_id() -> None:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "h-1",
        "MD5OfBody": "d41d8cd98f00b204e9800998ecf8427e",
        "Body": "x",
        "Attributes": {
            "SenderId": "000000000000",
            "ApproximateFirstReceiveTimestamp": "2",
            "MessageDeduplicationId": "d",
            "MessageGroupId": "g",
            "SequenceNumber": "18849496460467696128",
            "SentTimestamp": "1",
            "ApproximateReceiveCount": "1",
        },
    }
    built = record(message, "arn:aws:sqs:eu-west-1:000000000000:q.fifo", "eu-west-1")
    assert list(built["attributes"]) == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SequenceNumber",
        "MessageGroupId",
        "SenderId",
        "MessageDeduplicationId",
        "ApproximateFirstReceiveTimestamp",
    ]
    assert built["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in built
    assert built["awsRegion"] == "eu-west-1"
