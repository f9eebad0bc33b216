"""The queues engine's pure parts: digests, names and URLs, attribute rules, receipt handles,
stored messages, attribute selection and the FIFO key layout."""

from __future__ import annotations

import json

import pytest

from skybus.engines.queues import handles
from skybus.engines.queues.attributes import QueueConfig, defaults, normalize
from skybus.engines.queues.digests import attributes_md5, body_md5, content_deduplication_id
from skybus.engines.queues.fifo_layout import (
    Group,
    message_key,
    parse_schedule_key,
    schedule_end,
    schedule_key,
    sequence_of,
)
from skybus.engines.queues.messages import Stored, prepare
from skybus.engines.queues.naming import QueueName, parse_arn, parse_url, valid_name
from skybus.engines.queues.rendering import Selection, render
from skybus.wire.errors import ServiceError


def string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def test_digests_match_aws() -> None:
    # Values AWS returned for these inputs.
    assert body_md5("msg") == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert attributes_md5({"Foo": string("Bar")}) == "ae7155c6026991b6d54b11589678bf9c"
    three = {"Help.Me": string("Me"), "Hello": string("There"), "General": string("Kenobi")}
    assert attributes_md5(three) == "4c360f3fdafd970e05fae2f149d997f5"
    binary = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
    assert (
        attributes_md5({"attr1": {"DataType": "Binary", "BinaryValue": binary}})
        == "8cbe4db156db8a94db8b801b7addb984"
    )
    assert content_deduplication_id("x") == (
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    )


def test_queue_urls_and_arns() -> None:
    assert parse_url("http://127.0.0.1:4566/000000000000/jobs") == ("000000000000", "jobs")
    assert parse_url("https://sqs.us-east-1.amazonaws.com/123456789012/a.fifo/") == (
        "123456789012",
        "a.fifo",
    )
    assert parse_url("localhost:4566/000000000000/jobs") == ("000000000000", "jobs")
    for bad in ("jobs", "http://host/jobs", "http://host/", ""):
        assert parse_url(bad) is None
    name = QueueName("eu-west-1", "000000000000", "jobs")
    assert name.url("http://localhost:4566/") == "http://localhost:4566/000000000000/jobs"
    assert parse_arn(name.arn) == name
    assert parse_arn("arn:aws:sns:eu-west-1:000000000000:jobs") is None


@pytest.mark.parametrize(
    ("name", "fifo", "valid"),
    [
        ("jobs-1_A", False, True),
        ("x" * 80, False, True),
        ("x" * 81, False, False),
        ("a.fifo", True, True),
        ("x" * 75 + ".fifo", True, True),
        ("x" * 76 + ".fifo", True, False),
        ("a.fifo", False, False),
        ("a", True, False),
        ("a.b", False, False),
        ("", False, False),
    ],
)
def test_queue_names(name: str, fifo: bool, valid: bool) -> None:
    assert valid_name(name, fifo) is valid


def test_attribute_rules() -> None:
    assert normalize("VisibilityTimeout", " 45 ", fifo=False) == "45"
    assert normalize("ContentBasedDeduplication", "TRUE", fifo=True) == "true"
    for name, value, fifo in (
        ("VisibilityTimeout", "43201", False),
        ("MaximumMessageSize", "1023", False),
        ("DeduplicationScope", "everything", True),
        ("SqsManagedSseEnabled", "yes", False),
    ):
        with pytest.raises(ServiceError) as caught:
            normalize(name, value, fifo=fifo)
        assert caught.value.code == "InvalidAttributeValue"
    with pytest.raises(ServiceError) as unknown:
        normalize("FifoThroughputLimit", "perQueue", fifo=False)
    assert unknown.value.code == "InvalidAttributeName"
    policy = normalize(
        "RedrivePolicy",
        '{"maxReceiveCount": "5", "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:d"}',
        fifo=False,
    )
    assert policy == (
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d","maxReceiveCount":5}'
    )
    config = QueueConfig.of({**defaults(False), "RedrivePolicy": policy}, False)
    assert config.redrive is not None
    assert config.redrive.max_receive_count == 5
    assert config.visibility == 30
    allow = normalize(
        "RedriveAllowPolicy",
        json.dumps(
            {"redrivePermission": "byQueue", "sourceQueueArns": [config.redrive.target.arn]}
        ),
        fifo=False,
    )
    assert json.loads(allow)["redrivePermission"] == "byQueue"
    with pytest.raises(ServiceError):
        normalize("RedriveAllowPolicy", '{"redrivePermission": "byQueue"}', fifo=False)


def test_receipt_handles() -> None:
    raw = handles.standard("q1", "m1", "t1")
    assert handles.parse(raw, "q1") == handles.StandardHandle("q1", "m1", "t1")
    fifo = handles.fifo("q2", "group|with|bars", 7, "t2")
    assert handles.parse(fifo, "q2") == handles.FifoHandle("q2", "group|with|bars", 7, "t2")
    for bad, queue in ((raw, "q2"), ("not base64!", "q1"), ("", "q1"), ("WzFd", "q1")):
        with pytest.raises(ServiceError) as caught:
            handles.parse(bad, queue)
        assert caught.value.code == "ReceiptHandleIsInvalid"


def test_stored_messages_round_trip() -> None:
    outgoing = prepare(
        {
            "MessageBody": "héllo",
            "MessageAttributes": {
                "b": {"DataType": "Binary.gz", "BinaryValue": b"\x00\x01"},
                "s": string("v"),
            },
            "MessageGroupId": "g",
        }
    )
    assert outgoing.size == len("héllo".encode()) + len("bBinary.gz") + 2 + len("sStringv")
    stored = Stored(
        id="m",
        body=outgoing.body,
        body_md5=outgoing.body_md5,
        attributes=outgoing.attributes,
        attributes_md5=outgoing.attributes_md5,
        sent_ms=1,
        sender="000000000000",
        group="g",
        prior_receives=2,
        extra={"rc": 1},
    )
    assert Stored.decode(stored.encode()) == stored


def test_selection_of_attributes() -> None:
    message = Stored(
        id="m",
        body="b",
        body_md5=body_md5("b"),
        attributes={"Hello": string("There"), "Help.Me": string("Me"), "Other": string("x")},
        attributes_md5=None,
        sent_ms=5,
        sender="000000000000",
        trace="Root=1",
    )
    selection = Selection.of(
        {"MessageSystemAttributeNames": ["SentTimestamp"], "MessageAttributeNames": ["He.*"]}
    )
    shown = render(message, "h", 3, 4, selection)
    assert shown["Attributes"] == {"SentTimestamp": "5"}
    assert set(shown["MessageAttributes"]) == {"Hello", "Help.Me"}
    assert shown["MD5OfMessageAttributes"] == "83fee93c1bcd8b9a5a923ffacdc636c7"
    everything = render(message, "h", 3, 4, Selection.of({"AttributeNames": ["All"]}))
    assert everything["Attributes"]["AWSTraceHeader"] == "Root=1"
    assert everything["Attributes"]["ApproximateReceiveCount"] == "3"
    assert "MessageAttributes" not in everything


def test_fifo_keys_order_by_group_then_sequence() -> None:
    keys = [message_key(g, s) for g, s in (("b", 1), ("a", 300), ("a", 2), ("ab", 1))]
    assert [(k.split(b"\x00")[0], sequence_of(k)) for k in sorted(keys)] == [
        (b"a", 2),
        (b"a", 300),
        (b"ab", 1),
        (b"b", 1),
    ]
    key = schedule_key(1_000, 42, "g/1")
    assert parse_schedule_key(key) == (1_000, 42, "g/1")
    assert key < schedule_end(1_000) <= schedule_key(1_001, 0, "")
    group = Group(3, 10, 99, (99, 10), {10: 500, 11: 600}, [(12, 700)])
    assert Group.decode(group.encode()) == group
    assert group.locked_until(550) == 600
    assert group.locked_until(600) is None
