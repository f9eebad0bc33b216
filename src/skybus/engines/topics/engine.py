"""The topics engine: SNS-compatible topics with durable, signed, retried delivery.

One instance per node. The SNS service hands operations to :attr:`topics` (topics, tags),
:attr:`subscriptions` and :attr:`publisher`; the delivery side (outbox workers, lanes, the
HTTP client, signing, FIFO drains, leases) starts with the node. Other engines publish through
:meth:`publish` with a :class:`~skybus.engines.topics.caller.Caller`.

``SKYBUS_SNS_TIME_SCALE`` (a number, default 1) multiplies every retry delay, lease period,
the delivery lease on claimed jobs and the HTTP timeout (the timeout never below
``SNS_MIN_HTTP_TIMEOUT_SECONDS``). It exists for tests, which can then see a 20-second retry
policy play out in a fraction of a second; leave it unset in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines import Engine
from skybus.engines.topics.caller import Caller
from skybus.engines.topics.deliver import Deliverer
from skybus.engines.topics.drain import Drainer
from skybus.engines.topics.fifo import Fifo
from skybus.engines.topics.http_client import HttpClient
from skybus.engines.topics.lanes import Lanes
from skybus.engines.topics.outbox import CHANNEL, QUEUE
from skybus.engines.topics.publish import Publisher
from skybus.engines.topics.records import UNSUBSCRIBED
from skybus.engines.topics.schedule import Schedule
from skybus.engines.topics.settle import Settler
from skybus.engines.topics.signing import Signer
from skybus.engines.topics.stats import Stats, add
from skybus.engines.topics.subscriptions import SubscriptionAdmin
from skybus.engines.topics.targets import Targets
from skybus.engines.topics.topics import TopicAdmin
from skybus.engines.topics.views import CHANNEL as SETTINGS_CHANNEL
from skybus.engines.topics.views import Views
from skybus.engines.topics.workers import Workers
from skybus.store import Store, Tx

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger("skybus.topics")

TIME_SCALE_ENV = "SKYBUS_SNS_TIME_SCALE"


class TopicsEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.scale = _time_scale(node.settings.env.get(TIME_SCALE_ENV))
        self.timeout = max(
            limits.SNS_HTTP_TIMEOUT_SECONDS * self.scale, limits.SNS_MIN_HTTP_TIMEOUT_SECONDS
        )
        self.visibility = max(
            limits.SNS_DELIVERY_LEASE_SECONDS * self.scale, self.timeout * 1.5 + 1.0
        )
        self.pending_delay = limits.SNS_PENDING_RETRY_SECONDS * self.scale
        self.signer = Signer()
        self.http = HttpClient()
        self.targets = Targets(node)
        self.deliverer = Deliverer(
            self.signer,
            self.http,
            self.targets,
            timeout=self.timeout,
            default_base=lambda: node.settings.endpoint,
        )
        self.views = Views(self._store)
        self.stats = Stats()
        self.lanes = Lanes()
        self.fifo = Fifo()
        self.workers = Workers(self)
        self.settler = Settler(self._store, QUEUE, self.workers.due_in)
        self.schedule = Schedule(self)
        self.drainer = Drainer(self)
        self.topics = TopicAdmin(self)
        self.subscriptions = SubscriptionAdmin(self)
        self.publisher = Publisher(self)
        self._loops: list[asyncio.Task[None]] = []

    def _store(self) -> Store:
        return self.node.store

    async def start(self) -> None:
        await self.signer.load(self.node.store, self.node.clock())
        self.workers.start()
        self._loops = [
            asyncio.create_task(self._flush_stats_forever()),
            asyncio.create_task(self._sweep_forever()),
        ]

    async def stop(self) -> None:
        await self.workers.stop()
        await self.settler.close()
        for task in self._loops:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.flush_stats()
        self.http.close()
        self.signer.close()

    # what other engines call

    async def publish(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        """Publish as the Publish operation does (``params`` shaped like its input)."""
        return await self.publisher.publish(caller, params)

    # change notification

    def wake(self) -> None:
        """New deliveries are in the outbox: wake this node's workers, and the other nodes'."""
        self.workers.poke()
        self.node.bus.notify(CHANNEL)

    def subscriptions_changed(self, topic_key: str, sub_key: str | None = None) -> None:
        """A topic's subscriptions or settings changed on this node: drop what this node
        cached, and tell the other nodes to do the same."""
        self.publisher.forget(topic_key)
        self.views.forget(sub_key)
        if sub_key is None:
            self.views.forget()
        self.node.bus.notify(SETTINGS_CHANNEL)

    def settings_changed_elsewhere(self) -> None:
        self.views.forget()

    # background upkeep

    async def flush_stats(self) -> None:
        pending = self.stats.take()
        if not pending:
            return
        try:
            await self.node.store.write(lambda tx: add(tx, pending))
        except Exception:
            log.exception("could not store delivery counters; keeping them for the next try")
            self.stats.put_back(pending)

    async def _flush_stats_forever(self) -> None:
        while True:
            await asyncio.sleep(limits.SNS_STATS_FLUSH_SECONDS)
            await self.flush_stats()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(limits.SNS_SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:
                log.exception("sweeping expired SNS state failed; will try again")

    async def sweep(self) -> None:
        """Forget FIFO deduplication ids and restorable unsubscriptions that have expired."""
        now = self.node.clock()
        while (
            await self.node.store.write(lambda tx: self.fifo.sweep(tx, now, limits.SNS_SWEEP_BATCH))
            >= limits.SNS_SWEEP_BATCH
        ):
            pass

        async def tombstones(tx: Tx) -> None:
            for key, sub in await UNSUBSCRIBED.items(tx):
                if all(grant.expires <= now for grant in sub.grants):
                    await tx.delete(UNSUBSCRIBED.space, key)

        await self.node.store.write(tombstones)
        self.lanes.prune()


def _time_scale(text: str | None) -> float:
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        log.warning("ignoring %s=%r: not a number", TIME_SCALE_ENV, text)
        return 1.0
    return value if value > 0 else 1.0
