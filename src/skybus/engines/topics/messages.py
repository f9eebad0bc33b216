"""Published messages: checking what a publisher gives, and the form kept for delivery.

Message attributes are kept the way SNS shows them to subscribers (``{"Type", "Value"}``, binary
values in base64); :func:`sqs_attributes` turns them back into SQS's form for raw delivery to a
queue. Sizes count UTF-8 bytes of the message and of every attribute's name, type and value,
as AWS does.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from skybus import limits
from skybus.engines.topics import errors

_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_TYPE_PREFIXES = ("String", "Number", "Binary")
_RESERVED_PREFIXES = ("aws.", "amazon.")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Attributes = dict[str, dict[str, str]]


def timestamp(seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds, as SNS writes its Timestamp fields."""
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{whole}.{int(seconds * 1000) % 1000:03d}Z"


@dataclass(slots=True)
class Message:
    """One published message as every delivery of it needs it."""

    id: str
    topic_arn: str
    timestamp: str
    """ISO 8601, UTC, milliseconds: the same on every delivery and retry."""
    body: str
    subject: str | None = None
    variants: dict[str, str] | None = None
    """With MessageStructure=json: the message per protocol (``default`` always present)."""
    attributes: Attributes = field(default_factory=dict)
    group: str | None = None
    dedup: str | None = None
    sequence: str | None = None

    def text_for(self, protocol: str) -> str:
        if self.variants is None:
            return self.body
        return self.variants.get(protocol) or self.variants["default"]

    def encode(self) -> dict[str, Any]:
        out: dict[str, Any] = {"i": self.id, "t": self.topic_arn, "ts": self.timestamp}
        out["b"] = self.body
        if self.subject is not None:
            out["s"] = self.subject
        if self.variants is not None:
            out["v"] = self.variants
        if self.attributes:
            out["a"] = self.attributes
        if self.group is not None:
            out["g"] = self.group
        if self.dedup is not None:
            out["d"] = self.dedup
        if self.sequence is not None:
            out["q"] = self.sequence
        return out

    @classmethod
    def decode(cls, data: dict[str, Any]) -> Message:
        return cls(
            id=data["i"],
            topic_arn=data["t"],
            timestamp=data["ts"],
            body=data["b"],
            subject=data.get("s"),
            variants=data.get("v"),
            attributes=data.get("a") or {},
            group=data.get("g"),
            dedup=data.get("d"),
            sequence=data.get("q"),
        )


@dataclass(slots=True)
class Draft:
    """A publish request's content, checked, before the topic decides ids and order."""

    body: str
    subject: str | None
    variants: dict[str, str] | None
    attributes: Attributes
    size: int
    group: str | None
    dedup: str | None


def prepare(params: dict[str, Any]) -> Draft:
    """Check one Publish request (or batch entry) for everything that does not depend on the
    topic; raises SNS's error for bad input."""
    body = params.get("Message")
    if body is None or body == "":
        raise errors.invalid_parameter("Invalid parameter: Empty message")
    subject = params.get("Subject")
    if subject is not None and (
        subject == ""
        or len(subject) >= limits.SNS_MAX_SUBJECT_LENGTH
        or _CONTROL.search(subject) is not None
    ):
        raise errors.invalid_parameter("Invalid parameter: Subject")
    variants = _variants(body, params.get("MessageStructure"))
    attributes, attributes_size = check_attributes(params.get("MessageAttributes") or {})
    size = len(body.encode("utf-8")) + attributes_size
    if size > limits.SNS_MAX_MESSAGE_BYTES:
        raise errors.message_too_long()
    return Draft(
        body=body,
        subject=subject,
        variants=variants,
        attributes=attributes,
        size=size,
        group=params.get("MessageGroupId"),
        dedup=params.get("MessageDeduplicationId"),
    )


def _variants(body: str, structure: str | None) -> dict[str, str] | None:
    if structure is None:
        return None
    if structure != "json":
        raise errors.invalid_parameter("Invalid parameter: MessageStructure")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise errors.invalid_parameter(
            "Invalid parameter: Message Structure - JSON message body failed to parse"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("default"), str):
        raise errors.invalid_parameter(
            "Invalid parameter: Message Structure - No default entry in JSON message body"
        )
    return {key: value for key, value in document.items() if isinstance(value, str)}


def check_attributes(given: dict[str, dict[str, Any]]) -> tuple[Attributes, int]:
    """Message attributes in SNS's delivery form, and their size in bytes."""
    out: Attributes = {}
    size = 0
    for name, value in given.items():
        check_attribute_name(name)
        data_type = value.get("DataType") or ""
        if not data_type:
            raise errors.invalid_value(
                f"The message attribute '{name}' must contain non-empty message attribute type."
            )
        prefix = data_type.split(".", 1)[0]
        if prefix not in _TYPE_PREFIXES:
            raise errors.invalid_value(
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String."
            )
        field_name = "BinaryValue" if prefix == "Binary" else "StringValue"
        if field_name not in value or value[field_name] is None:
            short = "Binary" if prefix == "Binary" else "String"
            raise errors.invalid_value(
                f"The message attribute '{name}' with type '{data_type}' must use field '{short}'."
            )
        raw = value[field_name]
        if len(raw) == 0:
            raise errors.invalid_value(
                f"The message attribute '{name}' must contain non-empty message attribute "
                f"value for message attribute type '{data_type}'."
            )
        if prefix == "Binary":
            text = base64.b64encode(raw).decode("ascii")
            value_size = len(raw)
        else:
            text = raw
            value_size = len(raw.encode("utf-8"))
            if prefix == "Number":
                _check_number(name, text)
            elif data_type == "String.Array":
                _check_array(name, text)
        size += len(name.encode("utf-8")) + len(data_type.encode("utf-8")) + value_size
        out[name] = {"Type": data_type, "Value": text}
    return out, size


def check_attribute_name(name: str) -> None:
    if not name or len(name) > limits.SNS_MAX_ATTRIBUTE_NAME_LENGTH:
        raise errors.invalid_value(
            f"Length of message attribute name must be between 1 and "
            f"{limits.SNS_MAX_ATTRIBUTE_NAME_LENGTH}."
        )
    if _ATTRIBUTE_NAME.fullmatch(name) is None:
        for char in name:
            if _ATTRIBUTE_NAME.fullmatch(char) is None:
                raise errors.invalid_value(
                    f"Invalid non-alphanumeric character '#x{ord(char):X}' was found in the "
                    "message attribute name. Can only include alphanumeric characters, hyphens, "
                    "underscores, or dots."
                )
    if name.startswith("."):
        raise errors.invalid_value(
            "Invalid message attribute name starting with character '.' was found."
        )
    if name.endswith("."):
        raise errors.invalid_value(
            "Invalid message attribute name ending with character '.' was found."
        )
    if ".." in name:
        raise errors.invalid_value("Message attribute name can not have successive '.' character.")
    if name.lower().startswith(_RESERVED_PREFIXES):
        raise errors.invalid_value(
            f"The message attribute name '{name}' is reserved: names may not start with "
            "'AWS.' or 'Amazon.'."
        )


def _check_number(name: str, text: str) -> None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise errors.invalid_value(f"Could not cast message attribute '{name}' value to number.")


def _check_array(name: str, text: str) -> None:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        document = None
    if not isinstance(document, list) or any(isinstance(item, dict | list) for item in document):
        raise errors.invalid_value(
            f"The message attribute '{name}' with type 'String.Array' must be a JSON array of "
            "strings, numbers, true, false or null."
        )


def sqs_attributes(attributes: Attributes) -> dict[str, dict[str, Any]]:
    """SNS attributes as SQS SendMessage's MessageAttributes (raw delivery to a queue)."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        data_type = value["Type"]
        if data_type.startswith("Binary"):
            out[name] = {"DataType": data_type, "BinaryValue": base64.b64decode(value["Value"])}
        else:
            out[name] = {"DataType": data_type, "StringValue": value["Value"]}
    return out


def published_size(params: dict[str, Any]) -> int:
    """Bytes a PublishBatch entry counts towards the batch limit (before full checking)."""
    size = len((params.get("Message") or "").encode("utf-8"))
    for name, value in (params.get("MessageAttributes") or {}).items():
        size += len(name.encode("utf-8")) + len((value.get("DataType") or "").encode("utf-8"))
        raw = value.get("BinaryValue") or value.get("StringValue") or ""
        size += len(raw) if isinstance(raw, bytes) else len(str(raw).encode("utf-8"))
    return size
