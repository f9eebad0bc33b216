"""Keeping this node's pollers in line with the stored mappings.

Every node runs a poller for every enabled mapping rather than electing one node to poll: a
receive claims its messages in a store transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL),
so two nodes never hold the same message at once, exactly as two of Lambda's pollers never do;
a message is processed again only after its visibility timeout runs out, which is SQS's
at-least-once contract anyway. Polling from every node also spreads the invocations over the
nodes' worker pools and needs no failover when a node dies.

The supervisor re-reads the mappings when a change is signalled on the bus (relayed to the other
nodes sharing the store) and at least every few seconds in case a signal was missed. It starts
pollers for enabled mappings, restarts those whose configuration changed, stops the others, and
then moves mappings out of their transitional states (``Creating`` to ``Enabled``, ...), removing
those being deleted. Any node may make that move; each move is a conditional write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from skybus import limits
from skybus.engines.functions.mappings.control import Mappings
from skybus.engines.functions.mappings.model import DELETING, TRANSITIONAL, Mapping
from skybus.engines.functions.mappings.poller import Poller

log = logging.getLogger("skybus.functions")

#: Bus channel signalled after every change of a mapping.
CHANNEL = "lambda:mappings"


class Supervisor:
    def __init__(
        self,
        mappings: Mappings,
        make_poller: Callable[[Mapping], Poller],
        wait: Callable[[str, float], Awaitable[bool]],
        resync_seconds: float = limits.LAMBDA_MAPPING_RESYNC_SECONDS,
    ) -> None:
        self._mappings = mappings
        self._make_poller = make_poller
        self._wait = wait
        self._resync = resync_seconds
        self._running: dict[str, Poller] = {}
        self._draining: set[Poller] = set()
        self._closing = False

    async def run(self) -> None:
        while True:
            # Listen before looking, so a change signalled while we look is not missed.
            watcher = asyncio.ensure_future(self._wait(CHANNEL, self._resync))
            try:
                await asyncio.sleep(0)
                try:
                    await self.reconcile()
                except Exception:
                    log.exception("event source mappings could not be brought up to date")
                await watcher
            finally:
                if not watcher.done():
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher

    async def reconcile(self) -> None:
        every = await self._mappings.every()
        wanted = {m.uuid: m for m in every if m.enabled and m.state != DELETING}
        for uuid, poller in list(self._running.items()):
            mapping = wanted.get(uuid)
            if mapping is None or mapping.revision != poller.revision:
                poller.stop()
                self._draining.add(poller)
                del self._running[uuid]
        for uuid, mapping in wanted.items():
            if uuid not in self._running and not self._closing:
                try:
                    poller = self._make_poller(mapping)
                except Exception:
                    log.exception("event source mapping %s cannot be polled", uuid)
                    continue
                poller.start()
                self._running[uuid] = poller
        self._draining = {p for p in self._draining if not p.idle}
        for mapping in every:
            if mapping.state in TRANSITIONAL:
                try:
                    await self._mappings.settle(mapping)
                except Exception:
                    log.exception("event source mapping %s stays %s", mapping.uuid, mapping.state)

    def stop_polling(self) -> None:
        """Fetch nothing more (the node is shutting down); batches in flight go on."""
        self._closing = True
        for poller in self._running.values():
            poller.stop()

    async def close(self) -> None:
        pollers = [*self._running.values(), *self._draining]
        self._running.clear()
        self._draining.clear()
        for poller in pollers:
            await poller.close()
