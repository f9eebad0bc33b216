"""The event source mappings engine: the API of :mod:`.control` and this node's pollers.

It needs the functions engine (to invoke) and the queues engine (to poll), and asks the node for
both when it is created, so they start before it and stop after it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from skybus.engines import Engine
from skybus.engines.functions.engine import FunctionsEngine
from skybus.engines.functions.mappings.control import Mappings
from skybus.engines.functions.mappings.model import SQS, Mapping
from skybus.engines.functions.mappings.poller import Poller
from skybus.engines.functions.mappings.sqs_source import SqsSource
from skybus.engines.functions.mappings.supervisor import CHANNEL, Supervisor
from skybus.engines.queues.engine import QueuesEngine
from skybus.store.contract import Store

if TYPE_CHECKING:
    from skybus.node import Node

Result = dict[str, Any]


class MappingsEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.functions = node.engine(FunctionsEngine)
        self.queues = node.engine(QueuesEngine)
        self.control = Mappings(self._store, node.clock, self.queues.catalog, self._changed)
        self.supervisor = Supervisor(self.control, self._poller, node.bus.wait)
        self._task: asyncio.Task[None] | None = None

    def _store(self) -> Store:
        return self.node.store

    def _changed(self) -> None:
        self.node.bus.notify(CHANNEL)

    def _poller(self, mapping: Mapping) -> Poller:
        """A poller with the source for the mapping's kind (SQS is the one kind so far)."""
        if mapping.kind != SQS:
            raise ValueError(f"no event source for {mapping.kind!r} mappings")
        source = SqsSource(
            self.queues, mapping.source_arn, self._store, self.node.settings.endpoint
        )
        return Poller(mapping, source, self.functions)

    async def start(self) -> None:
        self._task = asyncio.create_task(self.supervisor.run(), name="lambda-mappings")

    def stopping(self) -> None:
        self.supervisor.stop_polling()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self.supervisor.close()

    # the API -----------------------------------------------------------------------------

    async def create(self, account: str, region: str, params: dict[str, Any]) -> Result:
        return await self.control.create(account, region, params)

    async def get(self, account: str, region: str, uuid: str) -> Result:
        return await self.control.get(account, region, uuid)

    async def list(self, account: str, region: str, params: dict[str, Any]) -> Result:
        return await self.control.page(
            account,
            region,
            params.get("FunctionName"),
            params.get("EventSourceArn"),
            params.get("Marker"),
            params.get("MaxItems"),
        )

    async def update(self, account: str, region: str, params: dict[str, Any]) -> Result:
        changes = {k: v for k, v in params.items() if k != "UUID"}
        return await self.control.update(account, region, params["UUID"], changes)

    async def delete(self, account: str, region: str, uuid: str) -> Result:
        return await self.control.delete(account, region, uuid)
