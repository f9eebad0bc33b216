"""Retry schedules and leases timed exactly, with a node whose clock the test moves.

The node runs in the test's event loop with real (unscaled) AWS delays; nothing here sleeps
for them: the clock jumps to just before each due time (no attempt may happen) and then to it
(the attempt must happen, at exactly that clock reading).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from skybus.engines.topics import TopicsEngine
from tests.topics.inprocess import (
    CALLER,
    Arrival,
    Endpoint,
    FakeClock,
    node_with_clock,
    quiet,
    settled,
)


def expected_delays(policy: dict[str, object]) -> list[float]:
    """The documented phases, and Skybus's exponential curve, written out independently."""
    low = float(policy["minDelayTarget"])  # type: ignore[arg-type]
    high = float(policy["maxDelayTarget"])  # type: ignore[arg-type]
    total = int(policy["numRetries"])  # type: ignore[call-overload]
    none = int(policy.get("numNoDelayRetries", 0))  # type: ignore[call-overload]
    pre = int(policy.get("numMinDelayRetries", 0))  # type: ignore[call-overload]
    post = int(policy.get("numMaxDelayRetries", 0))  # type: ignore[call-overload]
    backoff = total - none - pre - post
    delays = [0.0] * none + [low] * pre
    for index in range(backoff):
        t = index / (backoff - 1) if backoff > 1 else 0.0
        delays.append(low + (high - low) * (2 ** (10 * t) - 1) / 1023)
    return delays + [high] * post


def failing_notifications(status: int) -> Callable[[Arrival], int]:
    return lambda arrival: status if arrival.kind == "Notification" else 200


async def subscribed(engine: TopicsEngine, endpoint: Endpoint, attributes: dict[str, str]) -> str:
    topic: str = (await engine.topics.create_topic(CALLER, {"Name": "timed"}))["TopicArn"]
    await engine.subscriptions.subscribe(
        CALLER,
        {"TopicArn": topic, "Protocol": "http", "Endpoint": endpoint.url, "Attributes": attributes},
    )
    await endpoint.wait_for(1, "SubscriptionConfirmation")
    token = endpoint.of_kind("SubscriptionConfirmation")[-1].body["Token"]
    await engine.subscriptions.confirm_subscription(CALLER, {"TopicArn": topic, "Token": token})
    await settled(engine)
    return topic


async def step_to(
    engine: TopicsEngine, clock: FakeClock, endpoint: Endpoint, at: float, attempt: int
) -> None:
    """Attempt number ``attempt`` is due at ``at``: move the clock to just before it (it must
    not happen), then to ``at`` (it must). Immediate retries happen without moving the clock."""
    await settled(engine)
    if at - clock.now > 0.01:
        clock.now = at - 0.01
        await quiet(engine)
        assert len(endpoint.of_kind("Notification")) == attempt - 1, f"attempt before {at}"
        clock.now = at
        engine.workers.poke()
    await endpoint.wait_for(attempt)


async def test_retries_follow_the_policy_phases_exactly(tmp_path: Path) -> None:
    policy = {
        "minDelayTarget": 2,
        "maxDelayTarget": 30,
        "numRetries": 8,
        "numNoDelayRetries": 1,
        "numMinDelayRetries": 2,
        "numMaxDelayRetries": 2,
        "backoffFunction": "exponential",
    }
    async with node_with_clock(tmp_path) as (_, engine, clock):
        endpoint = Endpoint(clock, status=failing_notifications(500))
        await endpoint.start()
        try:
            topic = await subscribed(
                engine, endpoint, {"DeliveryPolicy": json.dumps({"healthyRetryPolicy": policy})}
            )
            await engine.publisher.publish(CALLER, {"TopicArn": topic, "Message": "m"})
            await endpoint.wait_for(1)
            times = [endpoint.of_kind("Notification")[0].at]
            for attempt, delay in enumerate(expected_delays(policy), start=2):
                await step_to(engine, clock, endpoint, times[-1] + delay, attempt)
                times.append(endpoint.of_kind("Notification")[-1].at)
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert gaps == pytest.approx(expected_delays(policy), abs=1e-5)
            await settled(engine)
            clock.advance(3600)
            await quiet(engine, 0.3)
            assert len(endpoint.of_kind("Notification")) == 9  # exhausted: discarded
        finally:
            await endpoint.stop()


async def test_default_http_policy_is_three_retries_twenty_seconds_apart(tmp_path: Path) -> None:
    async with node_with_clock(tmp_path) as (_, engine, clock):
        endpoint = Endpoint(clock, status=failing_notifications(502))
        await endpoint.start()
        try:
            topic = await subscribed(engine, endpoint, {})
            await engine.publisher.publish(CALLER, {"TopicArn": topic, "Message": "m"})
            await endpoint.wait_for(1)
            start = endpoint.of_kind("Notification")[0].at
            for n in (1, 2, 3):
                await step_to(engine, clock, endpoint, start + 20 * n, n + 1)
            await settled(engine)
            clock.advance(600)
            await quiet(engine, 0.3)
            assert len(endpoint.of_kind("Notification")) == 4
        finally:
            await endpoint.stop()


async def test_lease_is_renewed_by_confirming_and_expires_without(tmp_path: Path) -> None:
    async with node_with_clock(tmp_path) as (_, engine, clock):
        endpoint = Endpoint(clock)
        await endpoint.start()
        try:
            topic = await subscribed(engine, endpoint, {"SkybusLeaseSeconds": "120"})
            start = clock.now

            async def renewals_at(offset: float) -> int:
                clock.now = start + offset
                await quiet(engine)
                return len(endpoint.of_kind("SubscriptionConfirmation")) - 1

            async def subscribed_now() -> bool:
                listed = await engine.subscriptions.list_subscriptions_by_topic(
                    CALLER, {"TopicArn": topic}
                )
                return bool(listed["Subscriptions"])

            assert await renewals_at(59) == 0
            assert await renewals_at(60) == 1  # half the lease: a renewal goes out
            renewal = endpoint.of_kind("SubscriptionConfirmation")[-1]
            assert renewal.at == start + 60
            await engine.subscriptions.confirm_subscription(
                CALLER, {"TopicArn": topic, "Token": renewal.body["Token"]}
            )
            await settled(engine)
            assert await renewals_at(119) == 1
            assert await subscribed_now()  # past the first lease, within the renewed one
            assert await renewals_at(120) == 2  # half the renewed lease
            assert await renewals_at(179) == 2
            assert await subscribed_now()
            clock.now = start + 180  # the second renewal went unanswered: the lease ends
            await quiet(engine, 0.3)
            assert not await subscribed_now()
            attributes = await engine.topics.get_topic_attributes(CALLER, {"TopicArn": topic})
            assert attributes["Attributes"]["SubscriptionsDeleted"] == "1"
        finally:
            await endpoint.stop()
