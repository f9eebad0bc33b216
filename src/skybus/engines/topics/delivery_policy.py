"""Delivery policies: checking the JSON users set, echoing it as AWS does, merging topic and
subscription into the effective policy, and the delay before each retry.

A retry policy has four phases run in order (AWS's "Amazon SNS message delivery retries"):
``numNoDelayRetries`` immediate retries, ``numMinDelayRetries`` retries ``minDelayTarget`` apart,
the backoff phase (``numRetries`` minus the other three) whose delays rise from
``minDelayTarget`` to ``maxDelayTarget``, then ``numMaxDelayRetries`` retries
``maxDelayTarget`` apart. AWS publishes only the shapes of the four backoff curves, so Skybus
uses these, with ``t`` running from 0 at the first backoff retry to 1 at the last:

* ``linear``: ``min + (max - min) * t``, a straight line;
* ``arithmetic``: ``min + (max - min) * t**2``, increments that grow by a constant step;
* ``geometric``: ``min * (max / min) ** t``, each delay a fixed multiple of the previous one;
* ``exponential``: ``min + (max - min) * (2**(10 t) - 1) / (2**10 - 1)``, close to ``min`` for
  most of the phase and rising steeply at its end.

Delays are exact (no jitter), so a schedule can be read off the policy and tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import orjson

from skybus import limits
from skybus.engines.topics import errors
from skybus.wire.errors import ServiceError

BACKOFF_FUNCTIONS = ("linear", "arithmetic", "geometric", "exponential")
CONTENT_TYPES = ("text/plain", "application/json", "application/xml")
DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8"
_RETRY_FIELDS = (
    "minDelayTarget",
    "maxDelayTarget",
    "numRetries",
    "numMaxDelayRetries",
    "numNoDelayRetries",
    "numMinDelayRetries",
    "backoffFunction",
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    min_delay: float
    max_delay: float
    retries: int
    no_delay: int = 0
    min_delay_retries: int = 0
    max_delay_retries: int = 0
    backoff: str = "linear"

    def delay(self, retry: int) -> float | None:
        """Seconds before retry number ``retry`` (1 = the first retry), or None when the policy
        allows no such retry."""
        if retry < 1 or retry > self.retries:
            return None
        if retry <= self.no_delay:
            return 0.0
        if retry <= self.no_delay + self.min_delay_retries:
            return self.min_delay
        backoff_count = self.retries - self.no_delay - self.min_delay_retries
        backoff_count -= self.max_delay_retries
        index = retry - self.no_delay - self.min_delay_retries
        if index > backoff_count:
            return self.max_delay
        t = 0.0 if backoff_count <= 1 else (index - 1) / (backoff_count - 1)
        return backoff_delay(self.backoff, self.min_delay, self.max_delay, t)

    def as_json(self) -> dict[str, Any]:
        return {
            "minDelayTarget": _number(self.min_delay),
            "maxDelayTarget": _number(self.max_delay),
            "numRetries": self.retries,
            "numMaxDelayRetries": self.max_delay_retries,
            "numNoDelayRetries": self.no_delay,
            "numMinDelayRetries": self.min_delay_retries,
            "backoffFunction": self.backoff,
        }


def backoff_delay(function: str, low: float, high: float, t: float) -> float:
    if function == "arithmetic":
        return low + (high - low) * t * t
    if function == "geometric":
        return low * (high / low) ** t if low > 0 else high * t
    if function == "exponential":
        return low + (high - low) * (2 ** (10 * t) - 1) / (2**10 - 1)
    return low + (high - low) * t


#: What HTTP/S subscriptions get when neither the topic nor the subscription says otherwise.
DEFAULT_HTTP = RetryPolicy(min_delay=20, max_delay=20, retries=3)

#: The fixed policy of AWS-managed endpoints (SQS, Lambda): 3 immediate retries, 2 one second
#: apart, 10 backing off exponentially from 1 to 20 seconds, then 100,000 twenty seconds apart.
AWS_MANAGED = RetryPolicy(
    min_delay=1,
    max_delay=20,
    retries=100_015,
    no_delay=3,
    min_delay_retries=2,
    max_delay_retries=100_000,
    backoff="exponential",
)


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    retry: RetryPolicy
    max_per_second: int | None
    content_type: str


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _fail(reason: str) -> ServiceError:
    return errors.invalid_parameter(f"Invalid parameter: DeliveryPolicy: {reason}")


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"{path} must be a JSON object")
    return value


def _only(document: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in document:
        if key not in allowed:
            raise _fail(f"Unexpected JSON member: {key}")


def _integer(document: dict[str, Any], name: str, path: str, low: int, high: int) -> int | None:
    value = document.get(name)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not float(value).is_integer()
    ):
        raise _fail(f"{path}.{name} must be an integer")
    if value < low:
        raise _fail(f"{path}.{name} must be greater than or equal to {low}")
    if value > high:
        raise _fail(f"{path}.{name} must be less than or equal to {high}")
    return int(value)


def _check_retry(document: Any, path: str) -> dict[str, Any]:
    """Validate a (default)HealthyRetryPolicy; returns it with every member, unset ones null."""
    retry = _object(document, path)
    _only(retry, _RETRY_FIELDS)
    high = limits.SNS_MAX_RETRY_DELAY_SECONDS
    min_delay = _integer(retry, "minDelayTarget", path, 1, high)
    max_delay = _integer(retry, "maxDelayTarget", path, 1, high)
    retries = _integer(retry, "numRetries", path, 0, limits.SNS_MAX_HTTP_RETRIES)
    phases = [
        _integer(retry, name, path, 0, limits.SNS_MAX_HTTP_RETRIES)
        for name in ("numMaxDelayRetries", "numNoDelayRetries", "numMinDelayRetries")
    ]
    if min_delay is not None and max_delay is not None and min_delay > max_delay:
        raise _fail(f"{path}.minDelayTarget must be less than or equal to maxDelayTarget")
    total_retries = DEFAULT_HTTP.retries if retries is None else retries
    if sum(p or 0 for p in phases) > total_retries:
        raise _fail(
            f"{path}.numRetries must be greater than or equal to the sum of "
            "numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries"
        )
    backoff = retry.get("backoffFunction")
    if backoff is not None and backoff not in BACKOFF_FUNCTIONS:
        raise _fail(f"{path}.backoffFunction must be one of {', '.join(BACKOFF_FUNCTIONS)}")
    normal = {name: retry.get(name) for name in _RETRY_FIELDS}
    policy = merge_retry(DEFAULT_HTTP, normal)
    total = sum(policy.delay(n) or 0.0 for n in range(1, policy.retries + 1))
    if total > limits.SNS_MAX_RETRY_TIME_SECONDS:
        raise _fail(
            f"{path}: the total retry time must be less than or equal to "
            f"{limits.SNS_MAX_RETRY_TIME_SECONDS} seconds"
        )
    return normal


def _check_throttle(document: Any, path: str) -> dict[str, Any] | None:
    if document is None:
        return None
    throttle = _object(document, path)
    _only(throttle, ("maxReceivesPerSecond",))
    _integer(throttle, "maxReceivesPerSecond", path, 1, 2**31 - 1)
    return throttle


def _check_request(document: Any, path: str) -> dict[str, Any] | None:
    if document is None:
        return None
    request = _object(document, path)
    _only(request, ("headerContentType",))
    content_type = request.get("headerContentType")
    if content_type is not None:
        media = str(content_type).split(";", 1)[0].strip().lower()
        if not isinstance(content_type, str) or media not in CONTENT_TYPES:
            raise _fail(f"{path}.headerContentType is not a supported content type")
    return request


def _parse(text: str) -> dict[str, Any]:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _fail("Delivery policy is not valid JSON") from None
    if not isinstance(document, dict):
        raise _fail("Delivery policy must be a JSON object")
    return document


def check_topic_policy(text: str) -> str:
    """Validate a topic's DeliveryPolicy; returns the text to store (compact JSON)."""
    if not text.strip():
        return ""
    document = _parse(text)
    _only(document, ("http", "https", "sqs", "lambda", "application", "firehose"))
    for protocol, section in document.items():
        path = protocol
        body = _object(section, path)
        _only(
            body,
            (
                "defaultHealthyRetryPolicy",
                "sicklyRetryPolicy",
                "disableSubscriptionOverrides",
                "defaultThrottlePolicy",
                "defaultRequestPolicy",
            ),
        )
        if "defaultHealthyRetryPolicy" in body:
            _check_retry(body["defaultHealthyRetryPolicy"], f"{path}.defaultHealthyRetryPolicy")
        _check_throttle(body.get("defaultThrottlePolicy"), f"{path}.defaultThrottlePolicy")
        _check_request(body.get("defaultRequestPolicy"), f"{path}.defaultRequestPolicy")
        overrides = body.get("disableSubscriptionOverrides")
        if overrides is not None and not isinstance(overrides, bool):
            raise _fail(f"{path}.disableSubscriptionOverrides must be a boolean")
    return orjson.dumps(document).decode()


def check_subscription_policy(text: str) -> str:
    """Validate a subscription's DeliveryPolicy; returns it normalised the way AWS echoes it
    (every retry member present, unset ones null; ``sicklyRetryPolicy`` and ``guaranteed``)."""
    if not text.strip():
        return ""
    document = _parse(text)
    _only(
        document,
        (
            "healthyRetryPolicy",
            "sicklyRetryPolicy",
            "throttlePolicy",
            "requestPolicy",
            "guaranteed",
        ),
    )
    normal: dict[str, Any] = {}
    if document.get("healthyRetryPolicy") is not None:
        normal["healthyRetryPolicy"] = _check_retry(
            document["healthyRetryPolicy"], "healthyRetryPolicy"
        )
    normal["sicklyRetryPolicy"] = None
    normal["throttlePolicy"] = _check_throttle(document.get("throttlePolicy"), "throttlePolicy")
    request = _check_request(document.get("requestPolicy"), "requestPolicy")
    if request is not None:
        normal["requestPolicy"] = request
    normal["guaranteed"] = False
    return orjson.dumps(normal).decode()


def merge_retry(base: RetryPolicy, document: dict[str, Any] | None) -> RetryPolicy:
    if not document:
        return base

    def pick(name: str, current: Any) -> Any:
        value = document.get(name)
        return current if value is None else value

    return RetryPolicy(
        min_delay=float(pick("minDelayTarget", base.min_delay)),
        max_delay=float(pick("maxDelayTarget", base.max_delay)),
        retries=int(pick("numRetries", base.retries)),
        no_delay=int(pick("numNoDelayRetries", base.no_delay)),
        min_delay_retries=int(pick("numMinDelayRetries", base.min_delay_retries)),
        max_delay_retries=int(pick("numMaxDelayRetries", base.max_delay_retries)),
        backoff=str(pick("backoffFunction", base.backoff)),
    )


def _topic_section(topic_policy: str) -> dict[str, Any]:
    if not topic_policy:
        return {}
    document = orjson.loads(topic_policy)
    section = document.get("http") or document.get("https") or {}
    return section if isinstance(section, dict) else {}


def effective(topic_policy: str, subscription_policy: str) -> EffectivePolicy:
    """The policy HTTP/S deliveries of a subscription follow: defaults, then the topic's, then
    the subscription's unless the topic disables subscription overrides."""
    topic = _topic_section(topic_policy)
    retry = merge_retry(DEFAULT_HTTP, topic.get("defaultHealthyRetryPolicy"))
    throttle = topic.get("defaultThrottlePolicy")
    request = topic.get("defaultRequestPolicy")
    if subscription_policy and not topic.get("disableSubscriptionOverrides"):
        own = orjson.loads(subscription_policy)
        retry = merge_retry(retry, own.get("healthyRetryPolicy"))
        throttle = own.get("throttlePolicy") or throttle
        request = own.get("requestPolicy") or request
    rate = (throttle or {}).get("maxReceivesPerSecond")
    content_type = (request or {}).get("headerContentType") or DEFAULT_CONTENT_TYPE
    return EffectivePolicy(retry, None if rate is None else int(rate), content_type)


def topic_effective_json(topic_policy: str) -> str:
    topic = _topic_section(topic_policy)
    retry = merge_retry(DEFAULT_HTTP, topic.get("defaultHealthyRetryPolicy"))
    http: dict[str, Any] = {
        "defaultHealthyRetryPolicy": retry.as_json(),
        "disableSubscriptionOverrides": bool(topic.get("disableSubscriptionOverrides", False)),
    }
    if topic.get("defaultThrottlePolicy"):
        http["defaultThrottlePolicy"] = topic["defaultThrottlePolicy"]
    request = topic.get("defaultRequestPolicy") or {"headerContentType": DEFAULT_CONTENT_TYPE}
    http["defaultRequestPolicy"] = request
    return orjson.dumps({"http": http}).decode()


def subscription_effective_json(policy: EffectivePolicy) -> str:
    throttle = None
    if policy.max_per_second is not None:
        throttle = {"maxReceivesPerSecond": policy.max_per_second}
    return orjson.dumps(
        {
            "healthyRetryPolicy": policy.retry.as_json(),
            "sicklyRetryPolicy": None,
            "throttlePolicy": throttle,
            "requestPolicy": {"headerContentType": policy.content_type},
            "guaranteed": False,
        }
    ).decode()


def finite(value: float) -> bool:
    return math.isfinite(value)
