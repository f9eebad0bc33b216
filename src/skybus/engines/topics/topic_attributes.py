"""Topic attributes: which may be set, what values they take, and how Get shows them.

Settable attributes are stored as the caller gave them (normalised where AWS normalises, such
as booleans); GetTopicAttributes adds the defaults and the computed ones (``TopicArn``,
``Owner``, the subscription counters, ``EffectiveDeliveryPolicy``).
"""

from __future__ import annotations

from typing import Any

import orjson

from skybus.engines.topics import delivery_policy, errors
from skybus.engines.topics.records import Topic

_FEEDBACK = tuple(
    f"{protocol}{suffix}"
    for protocol in ("Application", "Firehose", "HTTP", "Lambda", "SQS")
    for suffix in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")
)
SETTABLE = (
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "SignatureVersion",
    "TracingConfig",
    "KmsMasterKeyId",
    "DataProtectionPolicy",
    *_FEEDBACK,
)
FIFO_ONLY = ("ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy")
CREATE_ONLY = ("FifoTopic",)


def is_true(value: str | None) -> bool:
    return (value or "").lower() == "true"


def check(name: str, value: str, *, fifo: bool, creating: bool) -> str:
    """The value to store for one attribute; ``InvalidParameter`` when it may not be set."""
    if name in CREATE_ONLY:
        if not creating:
            raise errors.invalid("AttributeName")
        if value.lower() not in ("true", "false"):
            raise errors.invalid("Attributes", "FifoTopic: Invalid value [" + value + "]")
        return value.lower()
    if name in FIFO_ONLY:
        if not fifo:
            raise errors.invalid(
                "Attributes" if creating else name,
                f"{name} is only valid for FIFO topics",
            )
        return _check_fifo_only(name, value)
    if name not in SETTABLE:
        raise errors.invalid("AttributeName")
    if name == "DeliveryPolicy":
        return delivery_policy.check_topic_policy(value)
    if name == "SignatureVersion":
        if value not in ("1", "2"):
            raise errors.invalid("SignatureVersion", "Invalid SignatureVersion: " + value)
        return value
    if name == "TracingConfig":
        if value not in ("PassThrough", "Active"):
            raise errors.invalid("TracingConfig", "Invalid TracingConfig: " + value)
        return value
    if name in ("Policy", "DataProtectionPolicy") and value:
        _check_json(name, value)
    if name.endswith("SampleRate") and value and (not value.isdigit() or int(value) > 100):
        raise errors.invalid(name, "Value must be an integer between 0 and 100")
    return value


def _check_fifo_only(name: str, value: str) -> str:
    if name == "ContentBasedDeduplication":
        if value.lower() not in ("true", "false"):
            raise errors.invalid("ContentBasedDeduplication", "Invalid value [" + value + "]")
        return value.lower()
    if name == "FifoThroughputScope":
        if value not in ("Topic", "MessageGroup"):
            raise errors.invalid("FifoThroughputScope", "Invalid value [" + value + "]")
        return value
    if value:
        _check_json(name, value)
    return value


def _check_json(name: str, value: str) -> None:
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise errors.invalid(name, "failed to parse JSON") from None
    if not isinstance(document, dict):
        raise errors.invalid(name, "must be a JSON object")


def check_all(given: dict[str, str], *, fifo: bool) -> dict[str, str]:
    """CreateTopic's Attributes, checked; ``FifoTopic`` is kept only when true, as AWS does."""
    out: dict[str, str] = {}
    for name, value in given.items():
        checked = check(name, value, fifo=fifo, creating=True)
        if name == "FifoTopic" and checked != "true":
            continue
        out[name] = checked
    return out


def default_policy(arn: str, account: str) -> str:
    document: dict[str, Any] = {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "SNS:GetTopicAttributes",
                    "SNS:SetTopicAttributes",
                    "SNS:AddPermission",
                    "SNS:RemovePermission",
                    "SNS:DeleteTopic",
                    "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic",
                    "SNS:Publish",
                ],
                "Resource": arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
            }
        ],
    }
    return orjson.dumps(document).decode()


def shown(topic: Topic) -> dict[str, str]:
    """GetTopicAttributes' map for a topic."""
    attributes = dict(topic.attributes)
    out: dict[str, str] = {
        "TopicArn": topic.arn,
        "Owner": topic.account,
        "Policy": attributes.pop("Policy", "") or default_policy(topic.arn, topic.account),
        "DisplayName": attributes.pop("DisplayName", ""),
        "SubscriptionsConfirmed": str(topic.confirmed),
        "SubscriptionsPending": str(topic.pending),
        "SubscriptionsDeleted": str(topic.deleted),
        "EffectiveDeliveryPolicy": delivery_policy.topic_effective_json(
            attributes.get("DeliveryPolicy", "")
        ),
    }
    if topic.fifo:
        out["FifoTopic"] = "true"
        out["ContentBasedDeduplication"] = attributes.pop("ContentBasedDeduplication", "false")
    for name, value in attributes.items():
        if name == "FifoTopic" or (name == "DeliveryPolicy" and not value):
            continue
        out[name] = value
    return out
