"""Amazon SQS, over both of its wire protocols (JSON for current SDKs, query for older ones):
each operation hands the parsed request to the queues engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skybus.engines.queues import Caller, QueuesEngine
from skybus.services.base import Call, Params, Result, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node


def caller(call: Call) -> Caller:
    return Caller(call.account, call.region, call.endpoint)


class SqsService(Service):
    name = "sqs"

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        engine = node.engine(QueuesEngine)
        self.admin = engine.admin
        self.traffic = engine.traffic
        self.moves = engine.moves

    # Queues.

    @operation("CreateQueue")
    async def create_queue(self, call: Call, params: Params) -> Result:
        return await self.admin.create_queue(caller(call), params)

    @operation("GetQueueUrl")
    async def get_queue_url(self, call: Call, params: Params) -> Result:
        return await self.admin.get_queue_url(caller(call), params)

    @operation("ListQueues")
    async def list_queues(self, call: Call, params: Params) -> Result:
        return await self.admin.list_queues(caller(call), params)

    @operation("DeleteQueue")
    async def delete_queue(self, call: Call, params: Params) -> Result:
        return await self.admin.delete_queue(caller(call), params)

    @operation("PurgeQueue")
    async def purge_queue(self, call: Call, params: Params) -> Result:
        return await self.admin.purge_queue(caller(call), params)

    @operation("GetQueueAttributes")
    async def get_queue_attributes(self, call: Call, params: Params) -> Result:
        return await self.admin.get_queue_attributes(caller(call), params)

    @operation("SetQueueAttributes")
    async def set_queue_attributes(self, call: Call, params: Params) -> Result:
        return await self.admin.set_queue_attributes(caller(call), params)

    @operation("TagQueue")
    async def tag_queue(self, call: Call, params: Params) -> Result:
        return await self.admin.tag_queue(caller(call), params)

    @operation("UntagQueue")
    async def untag_queue(self, call: Call, params: Params) -> Result:
        return await self.admin.untag_queue(caller(call), params)

    @operation("ListQueueTags")
    async def list_queue_tags(self, call: Call, params: Params) -> Result:
        return await self.admin.list_queue_tags(caller(call), params)

    @operation("ListDeadLetterSourceQueues")
    async def list_dead_letter_source_queues(self, call: Call, params: Params) -> Result:
        return await self.admin.list_dead_letter_source_queues(caller(call), params)

    # Messages.

    @operation("SendMessage")
    async def send_message(self, call: Call, params: Params) -> Result:
        return await self.traffic.send_message(caller(call), params)

    @operation("SendMessageBatch")
    async def send_message_batch(self, call: Call, params: Params) -> Result:
        return await self.traffic.send_message_batch(caller(call), params)

    @operation("ReceiveMessage")
    async def receive_message(self, call: Call, params: Params) -> Result:
        return await self.traffic.receive_message(caller(call), params)

    @operation("DeleteMessage")
    async def delete_message(self, call: Call, params: Params) -> Result:
        return await self.traffic.delete_message(caller(call), params)

    @operation("DeleteMessageBatch")
    async def delete_message_batch(self, call: Call, params: Params) -> Result:
        return await self.traffic.delete_message_batch(caller(call), params)

    @operation("ChangeMessageVisibility")
    async def change_message_visibility(self, call: Call, params: Params) -> Result:
        return await self.traffic.change_message_visibility(caller(call), params)

    @operation("ChangeMessageVisibilityBatch")
    async def change_message_visibility_batch(self, call: Call, params: Params) -> Result:
        return await self.traffic.change_message_visibility_batch(caller(call), params)

    # Redrive from dead-letter queues.

    @operation("StartMessageMoveTask")
    async def start_message_move_task(self, call: Call, params: Params) -> Result:
        return await self.moves.start_task(caller(call), params)

    @operation("ListMessageMoveTasks")
    async def list_message_move_tasks(self, call: Call, params: Params) -> Result:
        return await self.moves.list_tasks(caller(call), params)

    @operation("CancelMessageMoveTask")
    async def cancel_message_move_task(self, call: Call, params: Params) -> Result:
        return await self.moves.cancel_task(caller(call), params)
