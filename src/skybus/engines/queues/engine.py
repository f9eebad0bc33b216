"""The queues engine: SQS-compatible standard and FIFO queues on the node's store.

One instance per node. The SQS service module hands each operation to :attr:`admin` (queues),
:attr:`traffic` (messages) or :attr:`moves` (message move tasks); what differs between the two
queue types lives in :mod:`.standard` and :mod:`.fifo`, chosen here. Other engines reach queues
by ARN through :meth:`QueuesEngine.send_to`, :meth:`~QueuesEngine.receive_from` and
:meth:`~QueuesEngine.delete_from`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skybus.engines import Engine
from skybus.engines.queues import errors
from skybus.engines.queues.admin import QueueAdmin
from skybus.engines.queues.catalog import Catalog
from skybus.engines.queues.fifo import FifoMessages
from skybus.engines.queues.messages import Stored
from skybus.engines.queues.moves import MoveTasks
from skybus.engines.queues.naming import parse_arn
from skybus.engines.queues.records import Queue
from skybus.engines.queues.resolve import Caller
from skybus.engines.queues.standard import StandardMessages
from skybus.engines.queues.traffic import Traffic
from skybus.engines.queues.wakeups import Wakeups
from skybus.store import QueueDepth, Tx

if TYPE_CHECKING:
    from skybus.node import Node


class QueuesEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.catalog = Catalog()
        self.standard = StandardMessages(self.catalog)
        self.fifo = FifoMessages(self.catalog)
        self.wakeups = Wakeups(node.bus, node.clock)
        self.admin = QueueAdmin(self)
        self.traffic = Traffic(self)
        self.moves = MoveTasks(self)

    async def start(self) -> None:
        await self.moves.start()

    # For other engines (SNS subscriptions, dead-letter targets, queue-triggered functions):
    # the same operations, addressed by queue ARN, with the API's parameters and answers.

    def _by_arn(self, arn: str) -> tuple[Caller, str]:
        name = parse_arn(arn)
        if name is None:
            raise errors.queue_does_not_exist()
        endpoint = self.node.settings.endpoint
        return Caller(name.account, name.region, endpoint), name.url(endpoint)

    async def send_to(self, arn: str, params: dict[str, Any]) -> dict[str, Any]:
        """SendMessage to the queue ``arn`` (``params`` as SendMessage's, less QueueUrl);
        raises QueueDoesNotExist when there is no such queue."""
        caller, url = self._by_arn(arn)
        return await self.traffic.send_message(caller, {**params, "QueueUrl": url})

    async def receive_from(self, arn: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """ReceiveMessage from the queue ``arn``; the messages as the API shows them."""
        caller, url = self._by_arn(arn)
        result = await self.traffic.receive_message(caller, {**params, "QueueUrl": url})
        messages: list[dict[str, Any]] = result.get("Messages", [])
        return messages

    async def delete_from(self, arn: str, receipt_handles: list[str]) -> dict[str, Any]:
        """DeleteMessageBatch on the queue ``arn`` (at most 10 handles)."""
        caller, url = self._by_arn(arn)
        entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(receipt_handles)]
        return await self.traffic.delete_message_batch(
            caller, {"QueueUrl": url, "Entries": entries}
        )

    def stopping(self) -> None:
        self.wakeups.close()

    async def stop(self) -> None:
        self.wakeups.close()
        await self.moves.stop()

    # What the operations share, whatever the queue type.

    async def depth(self, tx: Tx, queue: Queue) -> QueueDepth:
        if queue.fifo:
            return await self.fifo.depth(tx, queue, self.node.clock())
        return await self.standard.depth(tx, queue)

    async def take_messages(self, tx: Tx, queue: Queue, limit: int, now: float) -> list[Stored]:
        if queue.fifo:
            return await self.fifo.take(tx, queue, limit, now)
        return await self.standard.take(tx, queue, limit)

    async def append_message(self, tx: Tx, queue: Queue, message: Stored, now: float) -> None:
        if queue.fifo:
            await self.fifo.append(tx, queue, message, now)
        else:
            await self.standard.append(tx, queue, message)

    async def purge_messages(self, tx: Tx, queue: Queue) -> None:
        if queue.fifo:
            await self.fifo.purge(tx, queue)
        else:
            await self.standard.purge(tx, queue)

    async def drop_messages(self, tx: Tx, queue: Queue) -> None:
        if queue.fifo:
            await self.fifo.drop(tx, queue)
        else:
            await self.standard.purge(tx, queue)
