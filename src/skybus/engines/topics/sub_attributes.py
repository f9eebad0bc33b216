"""Subscription attributes: which may be set on which protocol, and what values they take.

Subscribe reports a bad attribute as ``Invalid parameter: Attributes Reason: <detail>`` and
SetSubscriptionAttributes as ``Invalid parameter: <detail>``, as AWS does; the checks here raise
:class:`BadAttribute` with the detail and the caller words it.

``SkybusLeaseSeconds`` is Skybus's own attribute for HTTP/S subscriptions: the subscription ends
that many seconds after it was last confirmed. Skybus sends a fresh SubscriptionConfirmation
when half the lease has passed, so an endpoint that keeps visiting SubscribeURL (as every SNS
receiver does on a SubscriptionConfirmation) keeps its subscription, and one that went away is
unsubscribed. Subscribing the same endpoint again (what a node does when it starts) or
confirming with any live token also renews the lease.
"""

from __future__ import annotations

from typing import Any

import orjson

from skybus import limits
from skybus.engines.topics import delivery_policy, errors
from skybus.engines.topics.filters import FilterPolicyError, compile_policy
from skybus.wire.errors import ServiceError

LEASE = "SkybusLeaseSeconds"
HTTP = ("http", "https")
SETTABLE = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
    LEASE,
)
SCOPES = ("MessageAttributes", "MessageBody")
_RAW_PROTOCOLS = ("http", "https", "sqs", "firehose")


class BadAttribute(Exception):
    """A subscription attribute that cannot be set; ``detail`` follows AWS's wording."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def subscribe_error(exc: BadAttribute) -> ServiceError:
    return errors.invalid_parameter(f"Invalid parameter: Attributes Reason: {exc.detail}")


def set_error(exc: BadAttribute) -> ServiceError:
    return errors.invalid_parameter(f"Invalid parameter: {exc.detail}")


def check(
    name: str,
    value: str,
    *,
    protocol: str,
    current: dict[str, str],
    fifo_topic: bool,
    region: str,
    account: str,
) -> str:
    """The value to store for one attribute of a subscription whose other attributes are
    ``current``; raises :class:`BadAttribute`."""
    if name not in SETTABLE:
        raise BadAttribute("AttributeName")
    if name == "DeliveryPolicy":
        if protocol not in HTTP:
            raise BadAttribute("DeliveryPolicy: only HTTP/S subscriptions take a DeliveryPolicy")
        try:
            return delivery_policy.check_subscription_policy(value)
        except ServiceError as exc:
            raise BadAttribute((exc.message or "").removeprefix("Invalid parameter: ")) from None
    if name == "RawMessageDelivery":
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise BadAttribute(
                f"RawMessageDelivery: Invalid value [{value}]. Must be true or false."
            )
        if lowered == "true" and protocol not in _RAW_PROTOCOLS:
            raise BadAttribute(
                f"RawMessageDelivery: Invalid value [true]. Raw message delivery is not "
                f"supported for the {protocol} protocol."
            )
        return lowered
    if name == "FilterPolicyScope":
        if value not in SCOPES:
            raise BadAttribute(f"FilterPolicyScope: Invalid filter policy scope: {value}")
        policy = current.get("FilterPolicy")
        if policy:
            check_filter_policy(policy, value)
        return value
    if name == "FilterPolicy":
        if value:
            check_filter_policy(value, current.get("FilterPolicyScope") or SCOPES[0])
        return value
    if name == "RedrivePolicy":
        return check_redrive(value, fifo_topic=fifo_topic, region=region, account=account)
    if name == LEASE:
        return check_lease(value, protocol)
    if name == "ReplayPolicy" and not fifo_topic:
        raise BadAttribute("ReplayPolicy: replay is only available for FIFO topics")
    return value


def check_filter_policy(text: str, scope: str) -> None:
    try:
        compile_policy(text, scope)
    except FilterPolicyError as exc:
        detail = exc.for_set_attributes().removeprefix("Invalid parameter: ")
        raise BadAttribute(detail) from None


def check_redrive(text: str, *, fifo_topic: bool, region: str, account: str) -> str:
    if not text:
        return ""
    try:
        document: Any = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadAttribute("RedrivePolicy: failed to parse JSON") from None
    if not isinstance(document, dict) or set(document) != {"deadLetterTargetArn"}:
        raise BadAttribute("RedrivePolicy: Redrive policy must contain only deadLetterTargetArn")
    target = document["deadLetterTargetArn"]
    parts = target.split(":") if isinstance(target, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        raise BadAttribute("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    if parts[3] != region or parts[4] != account:
        raise BadAttribute(
            "RedrivePolicy: deadLetterTargetArn must be an SQS queue in the same account and "
            "region as the subscription"
        )
    if fifo_topic and not parts[5].endswith(".fifo"):
        raise BadAttribute(
            "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."
        )
    return orjson.dumps(document).decode()


def check_lease(value: str, protocol: str) -> str:
    if protocol not in HTTP:
        raise BadAttribute(f"{LEASE}: leases apply to http and https subscriptions only")
    if value in ("", "0"):
        return ""
    if not value.isdigit() or not (
        limits.SNS_MIN_LEASE_SECONDS <= int(value) <= limits.SNS_MAX_LEASE_SECONDS
    ):
        raise BadAttribute(
            f"{LEASE}: must be 0 (no lease) or a whole number of seconds from "
            f"{limits.SNS_MIN_LEASE_SECONDS} to {limits.SNS_MAX_LEASE_SECONDS}"
        )
    return str(int(value))


def check_all(
    given: dict[str, str], *, protocol: str, fifo_topic: bool, region: str, account: str
) -> dict[str, str]:
    """Subscribe's Attributes (scope before policy, so a policy is checked in its scope)."""
    out: dict[str, str] = {}
    for name in sorted(given, key=lambda n: n != "FilterPolicyScope"):
        stored = check(
            name,
            given[name],
            protocol=protocol,
            current=out,
            fifo_topic=fifo_topic,
            region=region,
            account=account,
        )
        if stored or name not in ("FilterPolicy", LEASE, "RedrivePolicy", "DeliveryPolicy"):
            out[name] = stored
    return out


def dead_letter_target(attributes: dict[str, str]) -> str | None:
    text = attributes.get("RedrivePolicy")
    if not text:
        return None
    target: str = orjson.loads(text)["deadLetterTargetArn"]
    return target


def lease_seconds(attributes: dict[str, str]) -> int | None:
    value = attributes.get(LEASE)
    return int(value) if value else None
