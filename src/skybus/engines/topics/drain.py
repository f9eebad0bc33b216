"""Draining a FIFO subscription's ordered outbox for one message group (jobs of kind ``F``).

The drainer sends the group's messages to the subscribed queue one at a time, in sequence
order, removing each once the queue has it. A server-side failure reschedules the drain (AWS's
policy for AWS-managed endpoints, counted on the message at the head); a client-side failure
sends the head message to the dead-letter queue or discards it, and the drain goes on. When the
outbox is empty the lane is closed and the job acknowledged in one transaction (see
:mod:`.fifo` for why that cannot strand a message).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from skybus.engines.topics.deliver import DROP, FAIL, OK, PENDING, Outcome
from skybus.engines.topics.delivery_policy import AWS_MANAGED
from skybus.engines.topics.outbox import NOTIFICATION, QUEUE, Delivery
from skybus.store import Job, Tx

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine


class Drainer:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine

    async def drain(self, job: Job, delivery: Delivery) -> None:
        engine = self.engine
        store = engine.node.store
        sub_key = delivery.sub_key
        group: str = delivery.extra.get("group", "")
        view = await engine.views.get(sub_key)
        leased_at = time.monotonic()
        while True:
            if time.monotonic() - leased_at > engine.visibility / 3:
                await store.extend(QUEUE, job.id, job.token, visibility=engine.visibility)
                leased_at = time.monotonic()
            head = await store.read(lambda tx: engine.fifo.head(tx, sub_key, group))
            if head is None:
                if await self._finish(job, sub_key, group):
                    return
                continue
            key, item = head
            if view is None:
                await self._done(key)
                continue
            message_id = item.message.id if item.message is not None else ""
            retries = delivery.retries if delivery.extra.get("head") == message_id else 0
            attempt = Delivery(NOTIFICATION, sub_key, item.message, base_url=item.base_url)
            attempt.dead_letter = bool(delivery.extra.get("dead_letter"))
            outcome = await engine.deliverer.attempt(attempt, view)
            now = engine.node.clock()
            if outcome.status in (OK, DROP):
                if outcome.status == OK:
                    engine.stats.count(sub_key, "Delivered", now)
                await self._done(key)
                delivery.extra.pop("dead_letter", None)
                continue
            if outcome.status == PENDING:
                engine.stats.note(sub_key, view.subscription.arn, outcome.reason, now)
                await self._later(job, delivery, engine.pending_delay)
                return
            delay = None if outcome.status == FAIL else AWS_MANAGED.delay(retries + 1)
            if delay is None:
                arn = view.subscription.arn
                if await self._give_up(key, attempt, arn, view.dead_letter, outcome, now):
                    delivery.extra["dead_letter"] = True
                else:
                    delivery.extra.pop("dead_letter", None)
                delivery.retries = 0
                delivery.extra.pop("head", None)
                continue
            engine.stats.failed(sub_key, view.subscription.arn, outcome.reason, now, final="")
            delivery.retries = retries + 1
            delivery.extra["head"] = message_id
            await self._later(job, delivery, delay * engine.scale)
            return

    async def _give_up(
        self,
        key: bytes,
        attempt: Delivery,
        arn: str,
        dead_letter: str | None,
        outcome: Outcome,
        now: float,
    ) -> bool:
        """Dead-letter the head message (True: the next attempt goes to the DLQ) or, when it
        was already going there or there is none, discard it."""
        engine = self.engine
        sub_key = attempt.sub_key
        if dead_letter is not None and not attempt.dead_letter:
            engine.stats.failed(sub_key, arn, outcome.reason, now, final="DeadLettered")
            return True
        engine.stats.failed(sub_key, arn, outcome.reason, now, final="Discarded")
        await self._done(key)
        return False

    async def _done(self, key: bytes) -> None:
        fifo = self.engine.fifo

        async def done(tx: Tx) -> None:
            await fifo.done(tx, key)

        await self.engine.node.store.write(done)

    async def _finish(self, job: Job, sub_key: str, group: str) -> bool:
        engine = self.engine

        async def finish(tx: Tx) -> bool:
            if not await engine.fifo.finish(tx, sub_key, group):
                return False
            await tx.ack(QUEUE, job.id, job.token)
            return True

        return await engine.node.store.write(finish)

    async def _later(self, job: Job, delivery: Delivery, delay: float) -> None:
        await self.engine.node.store.retry(
            QUEUE, job.id, job.token, delay=delay, payload=delivery.encode()
        )
        self.engine.workers.due_in(delay)
