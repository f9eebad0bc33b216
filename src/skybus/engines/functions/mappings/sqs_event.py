"""The SQS event record, byte for byte as Lambda builds it from a received message.

A record carries the message id, receipt handle, body, the system attributes Lambda asks SQS for
(receive count, timestamps, sender; sequence number, group and deduplication id on FIFO queues;
the trace header when there is one), the message attributes in Lambda's lower-camel form
(``stringValue``/``binaryValue`` with empty ``stringListValues`` and ``binaryListValues``,
binary values in base64), ``md5OfMessageAttributes`` when the message has attributes, the body's
MD5, ``eventSource`` ``aws:sqs``, the queue ARN and its region.
"""

from __future__ import annotations

import base64
from typing import Any

#: System attributes in the order Lambda's records list them.
ATTRIBUTE_ORDER = (
    "ApproximateReceiveCount",
    "AWSTraceHeader",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
    "DeadLetterQueueSourceArn",
)


def record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One event record from a message as ReceiveMessage answers it (with ``All`` system and
    message attributes)."""
    found = message.get("Attributes") or {}
    attributes = {name: found[name] for name in ATTRIBUTE_ORDER if name in found}
    for name, value in found.items():
        attributes.setdefault(name, value)
    out: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            name: message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
    }
    digest = message.get("MD5OfMessageAttributes")
    if digest:
        out["md5OfMessageAttributes"] = digest
    out["md5OfBody"] = message["MD5OfBody"]
    out["eventSource"] = "aws:sqs"
    out["eventSourceARN"] = queue_arn
    out["awsRegion"] = region
    return out


def message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    binary = value.get("BinaryValue")
    if value.get("StringValue") is not None:
        out["stringValue"] = value["StringValue"]
    elif binary is not None:
        data = binary if isinstance(binary, bytes) else str(binary).encode()
        out["binaryValue"] = base64.b64encode(data).decode("ascii")
    out["stringListValues"] = list(value.get("StringListValues") or [])
    out["binaryListValues"] = [
        base64.b64encode(item).decode("ascii") for item in value.get("BinaryListValues") or []
    ]
    out["dataType"] = value["DataType"]
    return out
