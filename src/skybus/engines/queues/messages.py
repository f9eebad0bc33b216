"""Messages: checking what a sender gives, storing it, and showing it to a receiver.

A message is stored as one compact JSON document (short keys, binary attribute values in
base64). Receive-side state (how often it was received, when first) is not part of it for
standard queues: the work queue counts receives and :mod:`.standard` records first receives.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from skybus import limits
from skybus.engines.queues import errors
from skybus.engines.queues.attributes import QueueConfig
from skybus.engines.queues.digests import attributes_md5, body_md5
from skybus.wire.errors import ServiceError

_INVALID_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_FIFO_ID = re.compile(r"[\x21-\x7e]+")
TYPE_PREFIXES = ("String", "Number", "Binary")
SYSTEM_ATTRIBUTES_FOR_SENDS = frozenset({"AWSTraceHeader"})

Attributes = dict[str, dict[str, Any]]


@dataclass(slots=True)
class Outgoing:
    """One message a sender gave, checked for everything that does not depend on the queue."""

    body: str
    body_md5: str
    attributes: Attributes
    attributes_md5: str | None
    trace: str | None
    system_md5: str | None
    size: int
    delay: int | None
    group: str | None
    dedup: str | None


def prepare(params: dict[str, Any]) -> Outgoing:
    """Check a SendMessage request (or batch entry); raises SQS's error for bad input."""
    body = params.get("MessageBody")
    if not body:
        raise errors.missing_parameter("MessageBody")
    if _INVALID_TEXT.search(body):
        raise errors.invalid_contents()
    attributes = params.get("MessageAttributes") or {}
    size = len(body.encode("utf-8")) + check_attributes(attributes)
    system = params.get("MessageSystemAttributes") or {}
    trace = _trace_header(system)
    delay = params.get("DelaySeconds")
    if delay is not None and not 0 <= delay <= limits.SQS_MAX_DELAY_SECONDS:
        raise errors.invalid_value(
            "DelaySeconds",
            delay,
            f"DelaySeconds must be >= 0 and <= {limits.SQS_MAX_DELAY_SECONDS}",
        )
    group = params.get("MessageGroupId")
    dedup = params.get("MessageDeduplicationId")
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if value is not None and not valid_fifo_id(value):
            raise errors.invalid_value(
                name,
                value,
                f"{name} can only include alphanumeric and punctuation characters. 1 to "
                f"{limits.SQS_MAX_FIFO_ID_LENGTH} in length",
            )
    return Outgoing(
        body=body,
        body_md5=body_md5(body),
        attributes=attributes,
        attributes_md5=attributes_md5(attributes) if attributes else None,
        trace=trace,
        system_md5=attributes_md5(system) if system else None,
        size=size,
        delay=delay,
        group=group,
        dedup=dedup,
    )


def valid_fifo_id(value: str) -> bool:
    return len(value) <= limits.SQS_MAX_FIFO_ID_LENGTH and _FIFO_ID.fullmatch(value) is not None


def check_for_queue(message: Outgoing, config: QueueConfig) -> None:
    """What depends on the queue: its size limit and the FIFO rules."""
    if message.size > config.max_size:
        raise errors.message_too_long(config.max_size)
    if config.fifo:
        if message.delay:
            raise errors.not_for_this_queue_type("DelaySeconds", message.delay)
        if message.group is None:
            raise errors.missing_parameter("MessageGroupId")
        if message.dedup is None and not config.content_dedup:
            raise errors.invalid_parameter(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly"
            )
    elif message.dedup is not None:
        raise errors.not_for_this_queue_type("MessageDeduplicationId", message.dedup)


def check_attributes(attributes: Attributes) -> int:
    """Check message attributes; returns the bytes they count towards the message size."""
    if len(attributes) > limits.SQS_MAX_MESSAGE_ATTRIBUTES:
        raise errors.invalid_parameter(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{limits.SQS_MAX_MESSAGE_ATTRIBUTES}]."
        )
    size = 0
    for name, value in attributes.items():
        _check_attribute_name(name)
        data_type: str = value.get("DataType") or ""
        if not data_type.startswith(TYPE_PREFIXES):
            raise errors.invalid_parameter(
                f"The type of message (user) attribute '{name}' is invalid. You must use only "
                "the following supported type prefixes: Binary, Number, String."
            )
        if len(data_type) > limits.SQS_MAX_ATTRIBUTE_TYPE_LENGTH:
            raise errors.invalid_parameter(
                f"Message (user) attribute '{name}' type must be shorter than "
                f"{limits.SQS_MAX_ATTRIBUTE_TYPE_LENGTH} bytes."
            )
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise errors.invalid_parameter(
                "Message attribute list values in SendMessage operation are not supported."
            )
        size += len(name.encode("utf-8")) + len(data_type.encode("utf-8"))
        size += _check_attribute_value(name, data_type, value)
    return size


def _check_attribute_name(name: str) -> None:
    if len(name) > limits.SQS_MAX_ATTRIBUTE_NAME_LENGTH:
        raise errors.invalid_parameter(
            f"Message (user) attribute name '{name}' must be shorter than "
            f"{limits.SQS_MAX_ATTRIBUTE_NAME_LENGTH} bytes."
        )
    if not _ATTRIBUTE_NAME.fullmatch(name):
        raise errors.invalid_parameter(
            f"Message (user) attribute name '{name}' can only contain upper and lower case "
            "characters, digits, periods, hyphens and underscores."
        )
    lowered = name.lower()
    if (
        lowered.startswith(("aws.", "amazon."))
        or name.startswith(".")
        or name.endswith(".")
        or ".." in name
    ):
        raise errors.invalid_parameter(
            f"Message (user) attribute name '{name}' is invalid: names beginning with 'AWS.' or "
            "'Amazon.' are reserved, and names cannot start or end with a period or contain "
            "two periods in a row."
        )


def _check_attribute_value(name: str, data_type: str, value: dict[str, Any]) -> int:
    if data_type.startswith("Binary"):
        binary = value.get("BinaryValue")
        if not binary:
            raise errors.invalid_parameter(
                f"Message (user) attribute '{name}' must contain a non-empty value of type "
                "'Binary'."
            )
        return len(binary)
    text = value.get("StringValue")
    kind = "Number" if data_type.startswith("Number") else "String"
    if not text:
        raise errors.invalid_parameter(
            f"Message (user) attribute '{name}' must contain a non-empty value of type '{kind}'."
        )
    if _INVALID_TEXT.search(text):
        raise errors.invalid_parameter(f"Invalid characters found. {errors.VALID_CHARACTERS}")
    if kind == "Number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise errors.invalid_parameter(
                f"Could not cast message attribute '{name}' value to number."
            )
    return len(text.encode("utf-8"))


def _trace_header(system: Attributes) -> str | None:
    for name, value in system.items():
        if name not in SYSTEM_ATTRIBUTES_FOR_SENDS:
            raise errors.invalid_parameter(f"Message system attribute name '{name}' is invalid.")
        if value.get("DataType") != "String" or not value.get("StringValue"):
            raise errors.invalid_parameter(
                f"Message system attribute '{name}' must contain a non-empty value of type "
                "'String'."
            )
    header = system.get("AWSTraceHeader")
    return None if header is None else str(header["StringValue"])


@dataclass(slots=True)
class Stored:
    """A message as kept in the store."""

    id: str
    body: str
    body_md5: str
    attributes: Attributes
    attributes_md5: str | None
    sent_ms: int
    sender: str
    trace: str | None = None
    group: str | None = None
    dedup: str | None = None
    sequence: str | None = None
    prior_receives: int = 0
    """Receives counted on the queue it was moved from (dead-letter queues)."""
    first_receive_ms: int | None = None
    dead_letter_source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Per-queue-type state stored with the message (FIFO receive state)."""

    def encode(self) -> bytes:
        doc: dict[str, Any] = {"i": self.id, "b": self.body, "h": self.body_md5, "t": self.sent_ms}
        doc["s"] = self.sender
        if self.attributes:
            doc["a"] = {name: _pack_value(value) for name, value in self.attributes.items()}
            doc["m"] = self.attributes_md5
        for key, value in (
            ("x", self.trace),
            ("g", self.group),
            ("d", self.dedup),
            ("q", self.sequence),
            ("f", self.first_receive_ms),
            ("l", self.dead_letter_source),
        ):
            if value is not None:
                doc[key] = value
        if self.prior_receives:
            doc["c"] = self.prior_receives
        if self.extra:
            doc["e"] = self.extra
        return orjson.dumps(doc)

    @classmethod
    def decode(cls, data: bytes) -> Stored:
        doc = orjson.loads(data)
        packed = doc.get("a")
        return cls(
            id=doc["i"],
            body=doc["b"],
            body_md5=doc["h"],
            attributes={n: _unpack_value(v) for n, v in packed.items()} if packed else {},
            attributes_md5=doc.get("m"),
            sent_ms=doc["t"],
            sender=doc["s"],
            trace=doc.get("x"),
            group=doc.get("g"),
            dedup=doc.get("d"),
            sequence=doc.get("q"),
            prior_receives=doc.get("c", 0),
            first_receive_ms=doc.get("f"),
            dead_letter_source=doc.get("l"),
            extra=doc.get("e") or {},
        )


def _pack_value(value: dict[str, Any]) -> list[Any]:
    binary = value.get("BinaryValue")
    if binary is not None and not value.get("StringValue"):
        return [value["DataType"], base64.b64encode(binary).decode("ascii"), 1]
    return [value["DataType"], value["StringValue"]]


def _unpack_value(packed: list[Any]) -> dict[str, Any]:
    if len(packed) == 3:
        return {"DataType": packed[0], "BinaryValue": base64.b64decode(packed[1])}
    return {"DataType": packed[0], "StringValue": packed[1]}


def stored(message: Outgoing, message_id: str, sent_ms: int, sender: str) -> Stored:
    return Stored(
        id=message_id,
        body=message.body,
        body_md5=message.body_md5,
        attributes=message.attributes,
        attributes_md5=message.attributes_md5,
        sent_ms=sent_ms,
        sender=sender,
        trace=message.trace,
        group=message.group,
        dedup=message.dedup,
    )


def sent_result(message: Outgoing, message_id: str, sequence: str | None) -> dict[str, Any]:
    """SendMessage's answer (and a SendMessageBatch success entry, less its Id)."""
    result: dict[str, Any] = {"MessageId": message_id, "MD5OfMessageBody": message.body_md5}
    if message.attributes_md5 is not None:
        result["MD5OfMessageAttributes"] = message.attributes_md5
    if message.system_md5 is not None:
        result["MD5OfMessageSystemAttributes"] = message.system_md5
    if sequence is not None:
        result["SequenceNumber"] = sequence
    return result


def batch_failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    return {
        "Id": entry_id,
        "SenderFault": error.sender_fault is not False,
        "Code": error.code,
        "Message": error.message or "",
    }
