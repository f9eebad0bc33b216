"""Topic and subscription names and ARNs, and the store keys derived from them.

A topic is identified by region, account and name (``arn:aws:sns:<region>:<account>:<name>``);
its subscriptions by the topic ARN plus a UUID. Store keys are ``region/account/name`` for a topic
and ``region/account/name/uuid`` for a subscription, so the subscriptions of one topic, and every
topic and subscription of one account, are contiguous key ranges (topic names never hold ``/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skybus import limits
from skybus.engines.topics import errors
from skybus.wire.errors import ServiceError

FIFO_SUFFIX = ".fifo"
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class TopicName:
    region: str
    account: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.region}/{self.account}/{self.name}"

    @property
    def arn(self) -> str:
        return f"arn:aws:sns:{self.region}:{self.account}:{self.name}"

    @property
    def fifo(self) -> bool:
        return self.name.endswith(FIFO_SUFFIX)

    def subscription(self, sub_id: str) -> SubscriptionName:
        return SubscriptionName(self, sub_id)


@dataclass(frozen=True, slots=True)
class SubscriptionName:
    topic: TopicName
    id: str

    @property
    def key(self) -> str:
        return f"{self.topic.key}/{self.id}"

    @property
    def arn(self) -> str:
        return f"{self.topic.arn}:{self.id}"


def valid_topic_name(name: str, fifo: bool) -> bool:
    """Letters, digits, hyphens and underscores, 1 to 256 characters; a FIFO topic's name ends
    with ``.fifo`` (counted in the 256)."""
    if len(name) > limits.SNS_MAX_TOPIC_NAME_LENGTH:
        return False
    if name.endswith(FIFO_SUFFIX):
        if not fifo:
            return False
        name = name[: -len(FIFO_SUFFIX)]
    elif fifo:
        return False
    return _NAME.fullmatch(name) is not None


def _elements(arn: str, parameter: str) -> list[str]:
    parts = arn.split(":")
    if len(parts) < 6:
        raise errors.invalid(parameter, f"An ARN must have at least 6 elements, not {len(parts)}")
    return parts


def parse_topic_arn(arn: str, parameter: str = "TopicArn") -> TopicName:
    """The topic an ARN names; ``InvalidParameter`` for anything that is not an SNS topic ARN."""
    parts = _elements(arn, parameter)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[1].startswith("aws"):
        raise errors.invalid(parameter)
    region, account, name = parts[3], parts[4], parts[5]
    if not region or not account.isdigit() or len(account) != 12 or not name:
        raise errors.invalid(parameter)
    if _NAME.fullmatch(name.removesuffix(FIFO_SUFFIX)) is None:
        raise errors.invalid(parameter)
    return TopicName(region, account, name)


def parse_subscription_arn(arn: str, parameter: str = "SubscriptionArn") -> SubscriptionName:
    parts = _elements(arn, parameter)
    if len(parts) != 7:
        raise errors.invalid(parameter)
    topic = parse_topic_arn(":".join(parts[:6]), parameter)
    if _UUID.fullmatch(parts[6]) is None:
        raise errors.invalid(parameter)
    return SubscriptionName(topic, parts[6])


def resource_arn(arn: str) -> TopicName:
    """The topic a tagging call's ResourceArn names."""
    try:
        return parse_topic_arn(arn, "ResourceArn")
    except ServiceError:
        raise errors.invalid("ResourceArn") from None


def account_prefix(region: str, account: str) -> str:
    return f"{region}/{account}/"


def topic_from_key(key: str) -> TopicName:
    region, account, name = key.split("/", 2)
    return TopicName(region, account, name)


def subscription_from_key(key: str) -> SubscriptionName:
    topic_key, _, sub_id = key.rpartition("/")
    return SubscriptionName(topic_from_key(topic_key), sub_id)
