"""What becomes of a delivery after an attempt.

* delivered, or its subscription is gone: the job is acknowledged;
* a server-side failure: retried after the delay its policy gives for the next retry (the
  subscription's effective DeliveryPolicy for HTTP/S, AWS's fixed policy for queues and
  functions), until the policy is exhausted;
* a client-side failure, or an exhausted policy: the message goes to the subscription's
  dead-letter queue (RedrivePolicy) if it has one, else it is discarded and counted;
* the target's engine is missing on this node: kept, and tried again later without counting
  against the policy.

Every delay is multiplied by the engine's time scale (``SKYBUS_SNS_TIME_SCALE``, 1 unless set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skybus.engines.topics.deliver import DROP, FAIL, OK, PENDING, RETRY, Outcome
from skybus.engines.topics.delivery_policy import AWS_MANAGED, DEFAULT_HTTP, RetryPolicy
from skybus.engines.topics.outbox import NOTIFICATION, Delivery
from skybus.engines.topics.views import View
from skybus.store import Job

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine


def retry_policy(delivery: Delivery, view: View | None) -> RetryPolicy:
    if view is None:
        return DEFAULT_HTTP
    if delivery.dead_letter or view.subscription.protocol not in ("http", "https"):
        return AWS_MANAGED
    return view.policy.retry


class Schedule:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine

    def settle(self, job: Job, delivery: Delivery, view: View | None, outcome: Outcome) -> None:
        engine = self.engine
        now = engine.node.clock()
        key = delivery.sub_key
        arn = view.subscription.arn if view is not None else key
        if outcome.status == OK:
            engine.settler.ack(job)
            if delivery.kind == NOTIFICATION:
                engine.stats.count(key, "Delivered", now)
            return
        if outcome.status == DROP:
            engine.settler.ack(job)
            return
        if outcome.status == PENDING:
            engine.stats.count(key, "Deferred", now)
            engine.stats.note(key, arn, outcome.reason, now)
            engine.settler.retry(job, engine.pending_delay)
            return
        if outcome.status == RETRY:
            retry = delivery.retries + 1
            wait = retry_policy(delivery, view).delay(retry)
            if wait is not None:
                delivery.retries = retry
                if delivery.first_attempt is None:
                    delivery.first_attempt = now
                engine.stats.failed(key, arn, outcome.reason, now, final="")
                engine.stats.count(key, "Retried", now)
                engine.settler.retry(job, wait * engine.scale, delivery.encode())
                return
        assert outcome.status in (RETRY, FAIL)
        self.give_up(job, delivery, view, outcome.reason)

    def give_up(self, job: Job, delivery: Delivery, view: View | None, reason: str) -> None:
        """The endpoint will not get this delivery: dead-letter it or discard it."""
        engine = self.engine
        now = engine.node.clock()
        key = delivery.sub_key
        arn = view.subscription.arn if view is not None else key
        if (
            delivery.kind == NOTIFICATION
            and not delivery.dead_letter
            and view is not None
            and view.dead_letter is not None
        ):
            engine.stats.failed(key, arn, reason, now, final="DeadLettered")
            delivery.dead_letter = True
            delivery.retries = 0
            engine.settler.retry(job, 0.0, delivery.encode())
            return
        final = "Discarded"
        if delivery.dead_letter:
            reason = f"the dead-letter queue refused it: {reason}"
        engine.stats.failed(key, arn, reason, now, final=final)
        engine.settler.ack(job)

    def defer(self, job: Job, delivery: Delivery, delay: float) -> None:
        """Hand a job back because its lane is busy (not an attempt; nothing is counted
        against the policy)."""
        self.engine.stats.count(delivery.sub_key, "Deferred", self.engine.node.clock())
        self.engine.settler.retry(job, delay)
