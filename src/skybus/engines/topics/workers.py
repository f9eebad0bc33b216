"""Delivery workers: claim due jobs from the outbox, attempt them, settle them.

One claim loop per node leases due jobs in batches (up to ``SNS_MAX_IN_FLIGHT`` held at once)
and starts a task per job; the job's lane (see :mod:`.lanes`) decides when it may run. The loop
sleeps until Publish on this node pokes it, another node's Publish signals ``sns.deliveries``
on the bus, a retry this node scheduled comes due, or ``SNS_DELIVERY_POLL_SECONDS`` pass (for
signals that were lost and retries another node scheduled).

What happens after an attempt is decided by :mod:`.schedule`; FIFO subscriptions are drained by
:mod:`.drain` and lease checks run in :mod:`.leases`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.topics import leases
from skybus.engines.topics.deliver import Outcome
from skybus.engines.topics.outbox import CHANNEL, FIFO, LEASE, QUEUE, UNSUBSCRIBE, Delivery
from skybus.engines.topics.views import CHANNEL as SETTINGS_CHANNEL
from skybus.store import Job, Tx

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine

log = logging.getLogger("skybus.topics")


class Workers:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine
        self._wake = asyncio.Event()
        self._space = asyncio.Event()
        self._held = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._due: list[float] = []
        self._deferrals = 0
        self._running = False

    @property
    def held(self) -> int:
        return self._held

    def start(self) -> None:
        self._running = True
        for coroutine in (
            self._claim_loop(),
            self._listen(CHANNEL, self.poke),
            self._listen(SETTINGS_CHANNEL, self.engine.settings_changed_elsewhere),
        ):
            self._loops.append(asyncio.create_task(coroutine))

    async def stop(self) -> None:
        self._running = False
        self._wake.set()
        self._space.set()
        for task in [*self._loops, *self._tasks]:
            task.cancel()
        for task in [*self._loops, *self._tasks]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._timer is not None:
            self._timer.cancel()

    def crowded(self) -> bool:
        """Whether this node holds so many deliveries that a lane past its own share must hand
        jobs back (so other subscriptions' jobs can still be claimed)."""
        return self._held >= limits.SNS_MAX_IN_FLIGHT * 3 // 4

    def poke(self) -> None:
        """Look for due jobs now."""
        self._wake.set()

    def due_in(self, seconds: float) -> None:
        """A job becomes due after ``seconds`` (node clock): look again then. Due times are
        kept in a heap, so every retry and deferral this node schedules wakes the loop on
        time, not at the next poll."""
        if seconds <= 0:
            self.poke()
            return
        loop = asyncio.get_running_loop()
        at = loop.time() + seconds
        if len(self._due) < limits.SNS_MAX_DUE_TIMES:
            heapq.heappush(self._due, at)
        if self._timer is None or at < self._timer_at:
            self._arm(loop)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._due:
            self._timer_at = self._due[0]
            self._timer = loop.call_at(self._timer_at, self._ring)

    def _ring(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._due and self._due[0] <= now + 0.001:
            heapq.heappop(self._due)
        self._timer = None
        self._arm(loop)
        self.poke()

    async def _listen(self, channel: str, then: Any) -> None:
        bus = self.engine.node.bus
        while self._running:
            if await bus.wait(channel, 3600.0):
                then()

    async def _claim_loop(self) -> None:
        engine = self.engine
        backoff = 0.0
        while self._running:
            free = limits.SNS_MAX_IN_FLIGHT - self._held
            if free <= 0:
                self._space.clear()
                await self._space.wait()
                continue
            self._wake.clear()
            try:
                jobs = await engine.node.store.claim(
                    QUEUE, limit=min(free, limits.SNS_CLAIM_BATCH), visibility=engine.visibility
                )
            except Exception:
                log.exception("could not claim deliveries; trying again shortly")
                jobs = []
                await asyncio.sleep(1.0)
            deferred = self._deferrals
            for job in jobs:
                self._held += 1
                task = asyncio.create_task(self._run(job))
                self._tasks.add(task)
                task.add_done_callback(self._finished)
            await asyncio.sleep(0)  # the new tasks reach their lanes
            if jobs and self._deferrals - deferred >= len(jobs):
                # Every job claimed went back (its lane is full): claiming again at once would
                # only hand the same backlog back and forth. Other lanes' jobs wait a little.
                backoff = min(max(backoff * 2, 0.05), limits.SNS_DELIVERY_POLL_SECONDS)
                await asyncio.sleep(backoff)
                continue
            backoff = 0.0
            if len(jobs) == min(free, limits.SNS_CLAIM_BATCH):
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(limits.SNS_DELIVERY_POLL_SECONDS):
                    await self._wake.wait()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self._held -= 1
        self._space.set()

    async def _run(self, job: Job) -> None:
        engine = self.engine
        try:
            delivery = Delivery.decode(job.payload)
        except Exception:
            log.exception("dropping a delivery job that cannot be read: %r", job.payload[:200])
            engine.settler.ack(job)
            return
        try:
            if delivery.kind == LEASE:
                await self._lease(job, delivery)
            elif delivery.kind == FIFO:
                await engine.drainer.drain(job, delivery)
            else:
                await self._deliver(job, delivery)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery %s of %s failed unexpectedly", job.id, delivery.sub_key)
            engine.settler.retry(job, limits.SNS_PENDING_RETRY_SECONDS * engine.scale)

    async def _deliver(self, job: Job, delivery: Delivery) -> None:
        engine = self.engine
        view = None if delivery.kind == UNSUBSCRIBE else await engine.views.get(delivery.sub_key)
        if view is None and delivery.kind != UNSUBSCRIBE:
            engine.schedule.settle(job, delivery, None, Outcome("drop", "subscription deleted"))
            return
        if view is not None:
            key = delivery.sub_key
            http = view.subscription.protocol in ("http", "https")
            rate = view.policy.max_per_second if http else None
        else:
            key, rate = "u:" + str(delivery.extra.get("endpoint")), None
        lane = engine.lanes.get(key, limits.SNS_LANE_CONCURRENCY, rate)
        if lane.full() and (lane.rate is not None or self.crowded()):
            longest = limits.SNS_MAX_DEFER_SECONDS * engine.scale
            self._deferrals += 1
            engine.schedule.defer(job, delivery, lane.defer_delay(longest))
            return
        lane.waiting += 1
        turn = asyncio.ensure_future(lane.enter())
        try:
            while True:
                done, _ = await asyncio.wait({turn}, timeout=engine.visibility / 3)
                if done:
                    turn.result()
                    break
                # Still waiting for the lane: keep the job's lease meanwhile.
                engine.settler.extend(job, engine.visibility)
        except BaseException:
            turn.cancel()
            raise
        finally:
            lane.waiting -= 1
        started = time.monotonic()
        try:
            outcome = await engine.deliverer.attempt(delivery, view)
        finally:
            lane.leave(time.monotonic() - started)
        engine.schedule.settle(job, delivery, view, outcome)

    async def _lease(self, job: Job, delivery: Delivery) -> None:
        engine = self.engine
        now = engine.node.clock()

        async def check(tx: Tx) -> leases.Check:
            outcome = await leases.check(tx, delivery.sub_key, now, engine.scale)
            if outcome.delay is None:
                await tx.ack(QUEUE, job.id, job.token)
            else:
                await tx.retry(QUEUE, job.id, job.token, delay=outcome.delay)
            return outcome

        outcome = await engine.node.store.write(check)
        leases.report(outcome)
        if outcome.expired or outcome.renewed:
            topic_key = delivery.sub_key.rpartition("/")[0]
            engine.subscriptions_changed(topic_key, delivery.sub_key)
            self.poke()
        if outcome.delay is not None:
            self.due_in(outcome.delay)
