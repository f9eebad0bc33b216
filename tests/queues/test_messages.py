"""Messages of standard queues through boto3: send, receive, delete, visibility, batches,
attributes and their digests, with AWS's errors, on both store backends."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.queues.conftest import QueueFactory, error_of


def s(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def counts(sqs: Any, url: str) -> tuple[int, int, int]:
    found = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return (
        int(found["ApproximateNumberOfMessages"]),
        int(found["ApproximateNumberOfMessagesNotVisible"]),
        int(found["ApproximateNumberOfMessagesDelayed"]),
    )


def test_send_receive_delete_with_aws_digests(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    attributes = {"General": s("Kenobi"), "Hello": s("There"), "Help.Me": s("Me")}
    sent = sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=attributes)
    # Digests as AWS computes them (values recorded from AWS).
    assert sent["MD5OfMessageBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert sent["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert len(got) == 1
    message = got[0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "msg"
    assert message["MD5OfBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_message_attribute_filters(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    attributes = {"General": s("Kenobi"), "Hello": s("There"), "Help.Me": s("Me")}
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=attributes)

    def receive(names: list[str]) -> dict[str, Any]:
        got: dict[str, Any] = sqs.receive_message(
            QueueUrl=url, MessageAttributeNames=names, VisibilityTimeout=0
        )["Messages"][0]
        return got

    plain = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    assert "MessageAttributes" not in plain
    assert "MD5OfMessageAttributes" not in plain
    assert receive([".*"])["MessageAttributes"] == attributes
    only = receive(["General", "Hello"])
    assert set(only["MessageAttributes"]) == {"General", "Hello"}
    assert only["MD5OfMessageAttributes"] == "fca026605781cb4126a1e9044df24232"
    prefixed = receive(["He.*"])
    assert set(prefixed["MessageAttributes"]) == {"Hello", "Help.Me"}
    assert prefixed["MD5OfMessageAttributes"] == "83fee93c1bcd8b9a5a923ffacdc636c7"
    assert "MD5OfMessageAttributes" not in receive(["Nothing"])


def test_binary_and_number_attributes(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    value = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="test",
        MessageAttributes={"attr1": {"DataType": "Binary", "BinaryValue": value}},
    )
    assert sent["MD5OfMessageAttributes"] == "8cbe4db156db8a94db8b801b7addb984"
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert message["MessageAttributes"]["attr1"] == {"DataType": "Binary", "BinaryValue": value}
    number = {"n": {"DataType": "Number.float", "StringValue": "-1.5e3"}}
    assert sqs.send_message(QueueUrl=url, MessageBody="n", MessageAttributes=number)[
        "MD5OfMessageAttributes"
    ]


def test_system_attributes(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    before = int(time.time() * 1000) - 5000
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="x",
        MessageSystemAttributes={"AWSTraceHeader": s(trace)},
    )
    assert "MD5OfMessageSystemAttributes" in sent
    first = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], VisibilityTimeout=0)
    attributes = first["Messages"][0]["Attributes"]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert attributes["SenderId"] == "000000000000"
    assert attributes["AWSTraceHeader"] == trace
    assert int(attributes["SentTimestamp"]) >= before
    first_receive = attributes["ApproximateFirstReceiveTimestamp"]
    second = sqs.receive_message(
        QueueUrl=url,
        MessageSystemAttributeNames=["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"],
    )["Messages"][0]["Attributes"]
    assert second == {
        "ApproximateReceiveCount": "2",
        "ApproximateFirstReceiveTimestamp": first_receive,
    }


def test_visibility_timeout_and_change(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(VisibilityTimeout=30)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    # Back to visible at once; the old handle still works until someone receives it again.
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"][0]
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    code, message, status, _ = error_of(
        sqs.change_message_visibility,
        QueueUrl=url,
        ReceiptHandle=first["ReceiptHandle"],
        VisibilityTimeout=10,
    )
    assert (code, status) == ("InvalidParameterValue", 400)
    assert message == (
        f"Value {first['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: "
        "Message does not exist or is not available for visibility timeout change."
    )
    time.sleep(1.1)
    third = sqs.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )
    assert third["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "3"


def test_stale_receipt_handle_deletes_nothing(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    old = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    new = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]["ReceiptHandle"]
    # AWS: "If you use an old ReceiptHandle, the request will succeed, but the message might
    # not be deleted." Here it is not: the latest receiver still holds it.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=old)
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=new)
    assert counts(sqs, url) == (0, 0, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=new)  # deleting twice is fine


def test_invalid_receipt_handles(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    other = make_queue()
    sqs.send_message(QueueUrl=other, MessageBody="x")
    foreign = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    for handle in ("garbage", foreign):
        assert error_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=handle) == (
            "ReceiptHandleIsInvalid",
            f'The input receipt handle "{handle}" is not a valid receipt handle.',
            400,
            "ReceiptHandleIsInvalid",
        )


def test_delays(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(DelaySeconds=1)
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert counts(sqs, url) == (1, 0, 1)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["no delay"]
    later = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3)["Messages"]
    assert [m["Body"] for m in later] == ["queue delay"]


def test_send_batch_with_failed_entries(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue(MaximumMessageSize=1024)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "a", "MessageAttributes": {"k": s("v")}},
            {"Id": "big", "MessageBody": "x" * 1025},
            {"Id": "bad-chars", "MessageBody": "bell \x07"},
            {"Id": "delayed", "MessageBody": "b", "DelaySeconds": 1},
        ],
    )
    assert [e["Id"] for e in result["Successful"]] == ["ok", "delayed"]
    assert result["Successful"][0]["MD5OfMessageBody"] == "0cc175b9c0f1b6a831c399e269772661"
    failed = {e["Id"]: e for e in result["Failed"]}
    assert failed["big"] == {
        "Id": "big",
        "SenderFault": True,
        "Code": "InvalidParameterValue",
        "Message": "One or more parameters are invalid. Reason: Message must be shorter than "
        "1024 bytes.",
    }
    assert failed["bad-chars"]["Code"] == "InvalidMessageContents"
    assert counts(sqs, url) == (1, 0, 1)


def test_delete_and_change_visibility_batches(sqs: Any, make_queue: QueueFactory) -> None:
    url = make_queue()
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(4)]
    )
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 4
    handles = [m["ReceiptHandle"] for m in got]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": "nonsense", "VisibilityTimeout": 0},
        ],
    )
    assert changed["Successful"] == [{"Id": "a"}]
    assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    deleted = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": h} for i, h in enumerate(handles[1:])]
        + [{"Id": "bad", "ReceiptHandle": "nonsense"}],
    )
    assert [e["Id"] for e in deleted["Successful"]] == ["d0", "d1", "d2"]
    assert deleted["Failed"] == [
        {
            "Id": "bad",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "nonsense" is not a valid receipt handle.',
        }
    ]
    assert counts(sqs, url) == (1, 0, 0)


BATCH_ERRORS = "AWS.SimpleQueueService."
BAD_ID = (
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can "
    "be at most 80 letters long."
)


@pytest.mark.parametrize(
    ("entries", "code", "message"),
    [
        (
            [],
            BATCH_ERRORS + "EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
        ),
        (
            [{"Id": str(i), "MessageBody": "x"} for i in range(11)],
            BATCH_ERRORS + "TooManyEntriesInBatchRequest",
            "Maximum number of entries per request are 10. You have sent 11.",
        ),
        ([{"Id": "a:b", "MessageBody": "x"}], BATCH_ERRORS + "InvalidBatchEntryId", BAD_ID),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            BATCH_ERRORS + "BatchEntryIdsNotDistinct",
            "Id a repeated.",
        ),
        (
            [{"Id": "a", "MessageBody": "x" * 600_000}, {"Id": "b", "MessageBody": "y" * 600_000}],
            BATCH_ERRORS + "BatchRequestTooLong",
            "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.",
        ),
    ],
)
def test_bad_batches(
    sqs: Any, make_queue: QueueFactory, entries: list[dict[str, Any]], code: str, message: str
) -> None:
    url = make_queue()
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=entries)[:3] == (
        code,
        message,
        400,
    )
    assert counts(sqs, url) == (0, 0, 0)


TOO_LONG = "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."
BAD_CHARACTERS = (
    "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
    "#xE000 to #xFFFD | #x10000 to #x10FFFF"
)
BAD_TYPE = (
    "The type of message (user) attribute 't' is invalid. You must use only the following "
    "supported type prefixes: Binary, Number, String."
)
NOT_FOR_STANDARD = (
    "Value d for parameter MessageDeduplicationId is invalid. Reason: The request include "
    "parameter that is not valid for this queue type."
)
INVALID = "InvalidParameterValue"


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"MessageBody": "x" * (1024 * 1024 + 1)}, INVALID, TOO_LONG),
        ({"MessageBody": "\ufffe"}, "InvalidMessageContents", BAD_CHARACTERS),
        (
            {"MessageBody": ""},
            "MissingParameter",
            "The request must contain the parameter MessageBody.",
        ),
        (
            {"MessageBody": "x", "DelaySeconds": 901},
            INVALID,
            "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 "
            "and <= 900.",
        ),
        (
            {"MessageBody": "x", "MessageAttributes": {"e": s("")}},
            INVALID,
            "Message (user) attribute 'e' must contain a non-empty value of type 'String'.",
        ),
        (
            {
                "MessageBody": "x",
                "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "ten"}},
            },
            INVALID,
            "Could not cast message attribute 'n' value to number.",
        ),
        (
            {
                "MessageBody": "x",
                "MessageAttributes": {"t": {"DataType": "Date", "StringValue": "1"}},
            },
            INVALID,
            BAD_TYPE,
        ),
        (
            {"MessageBody": "x", "MessageAttributes": {f"a{i}": s("v") for i in range(11)}},
            INVALID,
            "Number of message attributes [11] exceeds the allowed maximum [10].",
        ),
        ({"MessageBody": "x", "MessageDeduplicationId": "d"}, INVALID, NOT_FOR_STANDARD),
    ],
)
def test_bad_sends(
    sqs: Any, make_queue: QueueFactory, params: dict[str, Any], code: str, message: str
) -> None:
    url = make_queue()
    got = error_of(sqs.send_message, QueueUrl=url, **params)
    assert got[:3] == (code, message, 400)
    assert counts(sqs, url) == (0, 0, 0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"MaxNumberOfMessages": 11},
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
            "10, if provided.",
        ),
        (
            {"MaxNumberOfMessages": 0},
            "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
            "10, if provided.",
        ),
        (
            {"WaitTimeSeconds": 21},
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
            "provided.",
        ),
    ],
)
def test_bad_receives(
    sqs: Any, make_queue: QueueFactory, params: dict[str, Any], message: str
) -> None:
    url = make_queue()
    assert error_of(sqs.receive_message, QueueUrl=url, **params)[:3] == (
        "InvalidParameterValue",
        message,
        400,
    )


def test_unparseable_queue_url(sqs: Any) -> None:
    assert error_of(sqs.send_message, QueueUrl="not-a-url", MessageBody="x")[:2] == (
        "InvalidAddress",
        "The address not-a-url is not valid for this endpoint.",
    )
