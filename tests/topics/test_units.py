"""Pure pieces of the topics engine: delivery policies and their schedules, tokens, the
canonical string, message checks, endpoint URLs and lane deferral."""

from __future__ import annotations

import json

import pytest

from skybus.config import Settings
from skybus.engines.topics import arns, delivery_policy, envelopes, messages, tokens
from skybus.engines.topics.deliver import Deliverer
from skybus.engines.topics.http_client import HttpClient, target
from skybus.engines.topics.lanes import Lane
from skybus.engines.topics.messages import Message
from skybus.engines.topics.outbox import Delivery
from skybus.engines.topics.records import Subscription, Topic
from skybus.engines.topics.signing import Signer
from skybus.engines.topics.targets import Targets
from skybus.engines.topics.views import build
from skybus.wire.errors import ServiceError

ACCOUNT = "000000000000"


def schedule(policy: delivery_policy.RetryPolicy) -> list[float | None]:
    return [policy.delay(n) for n in range(1, policy.retries + 2)]


def test_default_and_aws_managed_schedules() -> None:
    assert schedule(delivery_policy.DEFAULT_HTTP) == [20, 20, 20, None]
    managed = delivery_policy.AWS_MANAGED
    assert [managed.delay(n) for n in range(1, 7)] == [0, 0, 0, 1, 1, 1]
    assert managed.delay(15) == 20  # the tenth backoff retry reaches the maximum
    assert managed.delay(16) == 20
    assert managed.delay(100_015) == 20
    assert managed.delay(100_016) is None


@pytest.mark.parametrize(
    ("function", "middle"),
    [
        ("linear", 55.0),
        ("arithmetic", 32.5),
        ("geometric", 31.6227766),
        ("exponential", 12.7272727),
    ],
)
def test_backoff_functions_run_from_min_to_max(function: str, middle: float) -> None:
    policy = delivery_policy.RetryPolicy(min_delay=10, max_delay=100, retries=3, backoff=function)
    first, mid, last = policy.delay(1), policy.delay(2), policy.delay(3)
    assert first == pytest.approx(10)
    assert last == pytest.approx(100)
    assert mid == pytest.approx(middle, rel=1e-4)


def test_phases_in_order() -> None:
    policy = delivery_policy.RetryPolicy(
        min_delay=1, max_delay=60, retries=50, no_delay=3, min_delay_retries=2,
        max_delay_retries=35, backoff="linear",
    )  # fmt: skip
    delays = schedule(policy)
    assert delays[:5] == [0, 0, 0, 1, 1]
    assert delays[5] == 1
    assert delays[14] == 60
    assert delays[15:50] == [60] * 35
    assert delays[50] is None


RETRY = "healthyRetryPolicy"
REFUSED_POLICIES = [
    ({RETRY: {"numRetries": 101}}, f"{RETRY}.numRetries must be less than or equal to 100"),
    ({RETRY: {"minDelayTarget": 0}}, f"{RETRY}.minDelayTarget must be greater than or equal to 1"),
    (
        {RETRY: {"minDelayTarget": 30, "maxDelayTarget": 20}},
        f"{RETRY}.minDelayTarget must be less than or equal to maxDelayTarget",
    ),
    (
        {RETRY: {"backoffFunction": "cubic"}},
        f"{RETRY}.backoffFunction must be one of linear, arithmetic, geometric, exponential",
    ),
    (
        {RETRY: {"minDelayTarget": 3600, "maxDelayTarget": 3600, "numRetries": 2}},
        f"{RETRY}: the total retry time must be less than or equal to 3600 seconds",
    ),
    (
        {"throttlePolicy": {"maxReceivesPerSecond": 0}},
        "throttlePolicy.maxReceivesPerSecond must be greater than or equal to 1",
    ),
    ({"colour": 1}, "Unexpected JSON member: colour"),
]


@pytest.mark.parametrize(("document", "reason"), REFUSED_POLICIES)
def test_subscription_policy_refusals(document: dict[str, object], reason: str) -> None:
    with pytest.raises(ServiceError) as refused:
        delivery_policy.check_subscription_policy(json.dumps(document))
    assert refused.value.message == f"Invalid parameter: DeliveryPolicy: {reason}"


def test_subscription_policy_is_echoed_normalised_and_merged() -> None:
    stored = delivery_policy.check_subscription_policy(
        json.dumps(
            {"healthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 20, "numRetries": 5}}
        )
    )
    assert json.loads(stored) == {
        "healthyRetryPolicy": {
            "minDelayTarget": 5,
            "maxDelayTarget": 20,
            "numRetries": 5,
            "numMaxDelayRetries": None,
            "numNoDelayRetries": None,
            "numMinDelayRetries": None,
            "backoffFunction": None,
        },
        "sicklyRetryPolicy": None,
        "throttlePolicy": None,
        "guaranteed": False,
    }
    topic = json.dumps(
        {
            "http": {
                "defaultHealthyRetryPolicy": {"numRetries": 7},
                "defaultThrottlePolicy": {"maxReceivesPerSecond": 3},
            }
        }
    )
    merged = delivery_policy.effective(topic, stored)
    assert merged.retry.retries == 5
    assert merged.retry.min_delay == 5
    assert merged.max_per_second == 3
    locked = json.dumps(
        {
            "http": {
                "defaultHealthyRetryPolicy": {"numRetries": 7},
                "disableSubscriptionOverrides": True,
            }
        }
    )
    assert delivery_policy.effective(locked, stored).retry.retries == 7


def test_tokens_name_their_subscription_and_expire() -> None:
    name = arns.TopicName("us-east-1", "000000000000", "chat").subscription(
        "6f3c0e1e-8f0a-4d7e-9a4b-0d4c8f2d1a00"
    )
    token, grant = tokens.issue(name, now=1000.0)
    parsed = tokens.parse(token.text)
    assert parsed == token
    assert len(token.text) > 200
    assert all(c in "0123456789abcdef" for c in token.text)
    assert tokens.accepts([grant], parsed.nonce, 1000.0 + 2 * 24 * 3600 - 1)
    assert not tokens.accepts([grant], parsed.nonce, 1000.0 + 2 * 24 * 3600)
    assert not tokens.accepts([grant], "0" * 64, 1001.0)
    assert tokens.parse("not hex") is None
    assert tokens.parse("abcd") is None


def test_canonical_strings() -> None:
    note = {
        "Type": "Notification",
        "MessageId": "i",
        "TopicArn": "t",
        "Message": "a\nb",
        "Timestamp": "ts",
    }
    assert (
        envelopes.canonical(note)
        == b"Message\na\nb\nMessageId\ni\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
    )
    assert envelopes.canonical({**note, "Subject": "s"}).startswith(
        b"Message\na\nb\nMessageId\ni\nSubject\ns\n"
    )
    confirm = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "i",
        "Token": "k",
        "TopicArn": "t",
        "Message": "m",
        "SubscribeURL": "u",
        "Timestamp": "ts",
    }
    assert envelopes.canonical(confirm) == (
        b"Message\nm\nMessageId\ni\nSubscribeURL\nu\nTimestamp\nts\nToken\nk\nTopicArn\nt\n"
        b"Type\nSubscriptionConfirmation\n"
    )


def test_message_size_and_timestamps() -> None:
    draft = messages.prepare(
        {"Message": "é", "MessageAttributes": {"ab": {"DataType": "Binary", "BinaryValue": b"123"}}}
    )
    assert draft.size == 2 + 2 + 6 + 3
    assert messages.timestamp(1_700_000_000.1234) == "2023-11-14T22:13:20.123Z"


def test_endpoint_urls() -> None:
    plain = target("http://example.com/hook?x=1")
    assert (plain.host, plain.port, plain.path, plain.host_header) == (
        "example.com",
        80,
        "/hook?x=1",
        "example.com",
    )
    secured = target("https://user:p%40ss@[::1]:8443")
    assert secured.port == 8443
    assert secured.host_header == "[::1]:8443"
    assert secured.path == "/"
    assert secured.authorization == "Basic dXNlcjpwQHNz"
    with pytest.raises(ValueError, match="not an http"):
        target("ftp://example.com/")


def test_busy_lane_spreads_deferred_jobs() -> None:
    lane = Lane(limit=1, rate=10)
    lane.waiting = lane.capacity
    delays = [lane.defer_delay() for _ in range(5)]
    assert delays == sorted(delays)
    assert delays[0] >= lane.capacity / 10
    assert delays[-1] - delays[0] == pytest.approx(0.4, abs=0.01)
    fast = Lane(limit=16, rate=None)
    for _ in range(50):
        fast.running += 1
        fast.leave(0.002)
    fast.running = 0
    assert fast.pace == pytest.approx(8000, rel=0.05)  # 16 at a time, 2 ms each
    assert fast.latency == pytest.approx(0.002, rel=0.01)


async def test_a_target_engine_missing_on_this_node_keeps_the_delivery_pending() -> None:
    class Bare:
        settings = Settings()

        def engine(self, cls: type) -> object:
            raise RuntimeError(f"{cls.__name__} is not running")

    targets = Targets(Bare())  # type: ignore[arg-type]
    signer = Signer()
    deliverer = Deliverer(
        signer, HttpClient(), targets, timeout=1.0, default_base=lambda: "http://skybus"
    )
    topic = Topic("arn:aws:sns:us-east-1:000000000000:t", "t", ACCOUNT, "us-east-1", False, 0, {})
    sub = Subscription(
        id="6f3c0e1e-8f0a-4d7e-9a4b-0d4c8f2d1a00",
        arn=f"{topic.arn}:6f3c0e1e-8f0a-4d7e-9a4b-0d4c8f2d1a00",
        topic_arn=topic.arn,
        protocol="sqs",
        endpoint="arn:aws:sqs:us-east-1:000000000000:q",
        owner=ACCOUNT,
        created=0,
        confirmed=True,
        attributes={"RawMessageDelivery": "true"},
        base_url="",
    )
    message = Message("id", topic.arn, messages.timestamp(0), "body")
    outcome = await deliverer.attempt(Delivery("N", "key", message), build(sub, topic))
    signer.close()
    assert outcome.status == "pending"
    assert "QueuesEngine is not running" in outcome.reason
