"""Delivering destination records and DLQ messages to SQS, SNS, Lambda or EventBridge.

Lambda targets are invoked asynchronously by this engine itself. SQS targets go to the queues
engine and SNS targets to the topics engine. A target whose engine this build of Skybus does not
have (EventBridge, until it exists), or that refuses the message (a queue that does not exist),
keeps the message in ``lambda.pending_deliveries`` and logs a warning: nothing is dropped
silently, and :meth:`Destinations.flush_pending` tries those again when the node starts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from skybus.engines.functions.arns import FunctionRef, parse_arn
from skybus.engines.functions.targets import Sender, Undeliverable, senders_for
from skybus.store.contract import Store, Tx
from skybus.store.records import Records

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger("skybus.functions")

__all__ = ["Destinations", "PendingDelivery", "Undeliverable"]

Attributes = dict[str, dict[str, str]]
InvokeAsync = Callable[[FunctionRef, bytes], Awaitable[None]]


@dataclass(slots=True)
class PendingDelivery:
    target: str
    body: bytes
    reason: str
    created: float
    attributes: Attributes = field(default_factory=dict)


PENDING = Records("lambda.pending_deliveries", PendingDelivery)


class Destinations:
    def __init__(
        self,
        node: Node,
        invoke_async: InvokeAsync,
        store: Callable[[], Store],
        clock: Callable[[], float],
    ) -> None:
        self._invoke_async = invoke_async
        self._senders: dict[str, Sender] = senders_for(node)
        self._store = store
        self._clock = clock

    async def send(self, target: str, body: bytes, attributes: Attributes | None = None) -> None:
        """Deliver now, or keep the message pending (never raises for a bad target)."""
        try:
            await self._deliver(target, body, attributes or {})
        except Undeliverable as exc:
            await self._keep(target, body, attributes or {}, str(exc))

    async def _deliver(self, target: str, body: bytes, attributes: Attributes) -> None:
        parts = target.split(":")
        service = parts[2] if len(parts) > 5 else ""
        if service == "lambda":
            ref = parse_arn(target)
            if ref is None:
                raise Undeliverable(f"{target} is not a function ARN")
            await self._invoke_async(ref, body)
            return
        sender = self._senders.get(service)
        if sender is None:
            raise Undeliverable(f"this Skybus has no {service or 'such'} service to deliver to")
        await sender(target, body, attributes)

    async def _keep(self, target: str, body: bytes, attributes: Attributes, reason: str) -> None:
        log.warning("async invocation record for %s kept pending: %s", target, reason)
        record = PendingDelivery(target, body, reason, self._clock(), attributes)
        key = f"{record.created:020.6f}:{uuid.uuid4().hex}"

        async def write(tx: Tx) -> None:
            await PENDING.put(tx, key, record)

        await self._store().write(write)

    async def flush_pending(self) -> int:
        """Try every pending delivery again; returns how many went out."""

        async def read(tx: Tx) -> list[tuple[bytes, PendingDelivery]]:
            return await PENDING.items(tx)

        sent = 0
        for key, record in await self._store().read(read):
            try:
                await self._deliver(record.target, record.body, record.attributes)
            except Undeliverable:
                continue

            async def forget(tx: Tx, key: bytes = key) -> None:
                await PENDING.delete(tx, key)

            await self._store().write(forget)
            sent += 1
        return sent
