"""Queue attributes: which exist, what values they take, their defaults, and the typed view
the message operations read.

Attributes are kept as AWS shows them (strings, JSON policies in compact form), so that
GetQueueAttributes returns what was set and CreateQueue can compare a repeated request's
attributes with the stored ones value by value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from skybus import limits
from skybus.engines.queues import errors
from skybus.engines.queues.naming import QueueName, parse_arn

# Attributes whose value is an integer in a range.
RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, limits.SQS_MAX_DELAY_SECONDS),
    "MaximumMessageSize": (limits.SQS_MIN_MAXIMUM_MESSAGE_SIZE, limits.SQS_MAX_PAYLOAD_BYTES),
    "MessageRetentionPeriod": (limits.SQS_MIN_RETENTION_SECONDS, limits.SQS_MAX_RETENTION_SECONDS),
    "ReceiveMessageWaitTimeSeconds": (0, limits.SQS_MAX_WAIT_SECONDS),
    "VisibilityTimeout": (0, limits.SQS_MAX_VISIBILITY_TIMEOUT),
    "KmsDataKeyReusePeriodSeconds": (
        limits.SQS_MIN_KMS_REUSE_SECONDS,
        limits.SQS_MAX_KMS_REUSE_SECONDS,
    ),
}
BOOLEANS = frozenset({"SqsManagedSseEnabled", "ContentBasedDeduplication", "FifoQueue"})
CHOICES: dict[str, frozenset[str]] = {
    "DeduplicationScope": frozenset({"queue", "messageGroup"}),
    "FifoThroughputLimit": frozenset({"perQueue", "perMessageGroupId"}),
}
FREE_TEXT = frozenset({"Policy", "KmsMasterKeyId", "RedrivePolicy", "RedriveAllowPolicy"})
FIFO_ONLY = frozenset({"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})
SETTABLE = frozenset(RANGES) | BOOLEANS | frozenset(CHOICES) | FREE_TEXT
COUNTERS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)
READ_ONLY = frozenset({*COUNTERS, "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"})
#: Attributes an empty value removes.
REMOVABLE = frozenset({"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"})

REDRIVE_PERMISSIONS = frozenset({"allowAll", "denyAll", "byQueue"})


def defaults(fifo: bool) -> dict[str, str]:
    values = {
        "DelaySeconds": "0",
        "MaximumMessageSize": str(limits.SQS_MAX_PAYLOAD_BYTES),
        "MessageRetentionPeriod": str(limits.SQS_DEFAULT_RETENTION_SECONDS),
        "ReceiveMessageWaitTimeSeconds": "0",
        "VisibilityTimeout": str(limits.SQS_DEFAULT_VISIBILITY_TIMEOUT),
        "SqsManagedSseEnabled": "true",
    }
    if fifo:
        values.update(
            FifoQueue="true",
            ContentBasedDeduplication="false",
            DeduplicationScope="queue",
            FifoThroughputLimit="perQueue",
        )
    return values


def normalize(name: str, value: str, *, fifo: bool) -> str:
    """The canonical form of one settable attribute's value; raises AWS's error when the
    name is unknown for this queue type or the value is out of range."""
    if name not in SETTABLE or (name in FIFO_ONLY and not fifo):
        raise errors.unknown_attribute(name)
    if name in RANGES:
        low, high = RANGES[name]
        number = _integer(value)
        if number is None or not low <= number <= high:
            raise errors.invalid_attribute_value(name)
        return str(number)
    if name in BOOLEANS:
        if value.lower() not in ("true", "false"):
            raise errors.invalid_attribute_value(name)
        return value.lower()
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise errors.invalid_attribute_value(name)
        return value
    if name == "Policy" and value:
        return _policy(value)
    if name == "RedrivePolicy" and value:
        return canonical_redrive_policy(value)
    if name == "RedriveAllowPolicy" and value:
        return canonical_redrive_allow_policy(value)
    return value


def _integer(value: str) -> int | None:
    text = value.strip()
    if not text or not text.lstrip("+-").isdigit():
        return None
    return int(text)


def _policy(value: str) -> str:
    try:
        document = json.loads(value)
    except ValueError:
        raise errors.invalid_attribute_value("Policy") from None
    if not isinstance(document, dict):
        raise errors.invalid_attribute_value("Policy")
    return json.dumps(document, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Redrive:
    target: QueueName
    max_receive_count: int


def canonical_redrive_policy(value: str) -> str:
    """``{"deadLetterTargetArn":"...","maxReceiveCount":N}`` as AWS shows it, checked for
    form; whether the target exists is the catalog's business."""

    def bad(reason: str) -> Exception:
        return errors.invalid_value("RedrivePolicy", value, reason)

    try:
        document = json.loads(value)
    except ValueError:
        raise bad("Redrive policy is not a valid JSON map") from None
    if not isinstance(document, dict):
        raise bad("Redrive policy is not a valid JSON map")
    for key in ("deadLetterTargetArn", "maxReceiveCount"):
        if key not in document:
            raise bad(f"Redrive policy does not contain mandatory attribute: {key}")
    arn = document["deadLetterTargetArn"]
    if not isinstance(arn, str) or parse_arn(arn) is None:
        raise bad("Invalid value for deadLetterTargetArn")
    count = document["maxReceiveCount"]
    number = _integer(count) if isinstance(count, str) else count
    if (
        not isinstance(number, int)
        or isinstance(number, bool)
        or not 1 <= number <= limits.SQS_MAX_RECEIVE_COUNT
    ):
        raise bad(
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to "
            f"{limits.SQS_MAX_RECEIVE_COUNT} both inclusive"
        )
    return json.dumps(
        {"deadLetterTargetArn": arn, "maxReceiveCount": number}, separators=(",", ":")
    )


def canonical_redrive_allow_policy(value: str) -> str:
    def bad(reason: str) -> Exception:
        return errors.invalid_value("RedriveAllowPolicy", value, reason)

    try:
        document = json.loads(value)
    except ValueError:
        raise bad("Redrive allow policy is not a valid JSON map") from None
    if not isinstance(document, dict):
        raise bad("Redrive allow policy is not a valid JSON map")
    permission = document.get("redrivePermission")
    if permission not in REDRIVE_PERMISSIONS:
        raise bad("Invalid value for redrivePermission")
    sources = document.get("sourceQueueArns")
    out: dict[str, Any] = {"redrivePermission": permission}
    if permission == "byQueue":
        if (
            not isinstance(sources, list)
            or not 1 <= len(sources) <= limits.SQS_MAX_REDRIVE_ALLOW_SOURCES
            or not all(isinstance(a, str) and parse_arn(a) for a in sources)
        ):
            raise bad(
                "Must specify between 1 and "
                f"{limits.SQS_MAX_REDRIVE_ALLOW_SOURCES} valid sourceQueueArns"
            )
        out["sourceQueueArns"] = sources
    elif sources is not None:
        raise bad("sourceQueueArns can only be specified when redrivePermission is byQueue")
    return json.dumps(out, separators=(",", ":"))


def redrive_allows(allow_policy: str | None, source_arn: str) -> bool:
    """Whether a dead-letter queue with this RedriveAllowPolicy accepts ``source_arn``."""
    if not allow_policy:
        return True
    document = json.loads(allow_policy)
    permission = document.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in document.get("sourceQueueArns", [])
    return True


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """The attributes message operations need, parsed once per stored version of a queue."""

    fifo: bool
    delay: int
    max_size: int
    retention: int
    wait: int
    visibility: int
    redrive: Redrive | None
    content_dedup: bool
    dedup_per_group: bool

    @classmethod
    def of(cls, attributes: dict[str, str], fifo: bool) -> QueueConfig:
        redrive = None
        text = attributes.get("RedrivePolicy")
        if text:
            document = json.loads(text)
            target = parse_arn(document["deadLetterTargetArn"])
            if target is not None:
                redrive = Redrive(target, int(document["maxReceiveCount"]))
        return cls(
            fifo=fifo,
            delay=int(attributes["DelaySeconds"]),
            max_size=int(attributes["MaximumMessageSize"]),
            retention=int(attributes["MessageRetentionPeriod"]),
            wait=int(attributes["ReceiveMessageWaitTimeSeconds"]),
            visibility=int(attributes["VisibilityTimeout"]),
            redrive=redrive,
            content_dedup=attributes.get("ContentBasedDeduplication") == "true",
            dedup_per_group=attributes.get("DeduplicationScope") == "messageGroup",
        )
