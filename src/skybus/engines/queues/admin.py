"""Queue operations: create, find, list, configure, tag, purge and delete queues.

Each takes the caller (account, region and the address it reached Skybus at) and the parsed
request, and returns the output shaped as botocore's output shape.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.queues import errors
from skybus.engines.queues.attributes import COUNTERS, READ_ONLY, SETTABLE
from skybus.engines.queues.catalog import Catalog, normalize_given
from skybus.engines.queues.naming import QueueName, valid_name
from skybus.engines.queues.records import Queue
from skybus.engines.queues.resolve import Caller, locate
from skybus.store import QueueDepth, Tx

if TYPE_CHECKING:
    from skybus.engines.queues.engine import QueuesEngine

Params = dict[str, Any]
Result = dict[str, Any]
ALL = "All"


class QueueAdmin:
    def __init__(self, engine: QueuesEngine) -> None:
        self.engine = engine
        self.catalog: Catalog = engine.catalog

    async def create_queue(self, caller: Caller, params: Params) -> Result:
        name_text: str = params["QueueName"]
        given: dict[str, Any] = params.get("Attributes") or {}
        fifo = str(given.get("FifoQueue", "")).lower() == "true"
        if not valid_name(name_text, fifo):
            raise errors.invalid_queue_name(fifo)
        normalized = normalize_given(given, fifo=fifo, creating=True)
        name = QueueName(caller.region, caller.account, name_text)
        tags: dict[str, str] = params.get("tags") or {}
        now = self.engine.node.clock()

        async def create(tx: Tx) -> Queue:
            return await self.catalog.create(
                tx, name, normalized, tags, now, shown_policy=given.get("RedrivePolicy")
            )

        await self.engine.node.store.write(create)
        return {"QueueUrl": name.url(caller.endpoint)}

    async def get_queue_url(self, caller: Caller, params: Params) -> Result:
        owner = params.get("QueueOwnerAWSAccountId") or caller.account
        if owner != caller.account:
            raise errors.queue_does_not_exist()
        name = QueueName(caller.region, caller.account, params["QueueName"])

        async def find(tx: Tx) -> Queue:
            return await self.catalog.require(tx, name)

        await self.engine.node.store.read(find)
        return {"QueueUrl": name.url(caller.endpoint)}

    async def list_queues(self, caller: Caller, params: Params) -> Result:
        limit = _page_size(params)
        prefix: str = params.get("QueueNamePrefix") or ""

        async def page(tx: Tx) -> tuple[list[Queue], str | None]:
            return await self.catalog.page(
                tx, caller.region, caller.account, prefix, params.get("NextToken"), limit
            )

        queues, token = await self.engine.node.store.read(page)
        result: Result = {}
        if queues:
            result["QueueUrls"] = [q.record.address.url(caller.endpoint) for q in queues]
        if token is not None and params.get("MaxResults") is not None:
            result["NextToken"] = token
        return result

    async def delete_queue(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])

        async def delete(tx: Tx) -> Queue:
            queue = await self.catalog.delete(tx, name)
            await self.engine.drop_messages(tx, queue)
            return queue

        queue = await self.engine.node.store.write(delete)
        self.engine.wakeups.changed(queue.id)
        self.engine.wakeups.forget(queue.id)
        return {}

    async def purge_queue(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        now = self.engine.node.clock()

        async def purge(tx: Tx) -> Queue:
            queue = await self.catalog.mark_purged(tx, name, now)
            await self.engine.purge_messages(tx, queue)
            return queue

        queue = await self.engine.node.store.write(purge)
        self.engine.wakeups.forget(queue.id)
        return {}

    async def get_queue_attributes(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        wanted: list[str] = params.get("AttributeNames") or []
        for attribute in wanted:
            if attribute != ALL and attribute not in SETTABLE and attribute not in READ_ONLY:
                raise errors.unknown_attribute(attribute)
        everything = ALL in wanted
        counting = everything or any(a in COUNTERS for a in wanted)

        async def read(tx: Tx) -> tuple[Queue, QueueDepth | None]:
            queue = await self.catalog.require(tx, name)
            depth = await self.engine.depth(tx, queue) if counting else None
            return queue, depth

        queue, depth = await self.engine.node.store.read(read)
        found = _attributes(queue, depth)
        chosen = found if everything else {k: found[k] for k in wanted if k in found}
        return {"Attributes": chosen} if chosen else {}

    async def set_queue_attributes(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        given: dict[str, Any] = params.get("Attributes") or {}
        now = self.engine.node.clock()

        async def update(tx: Tx) -> Queue:
            queue = await self.catalog.require(tx, name, for_update=True)
            normalized = normalize_given(given, fifo=queue.fifo, creating=False)
            return await self.catalog.set_attributes(
                tx, name, normalized, now, shown_policy=given.get("RedrivePolicy")
            )

        queue = await self.engine.node.store.write(update)
        # A shorter visibility timeout or delay does not change messages already in the
        # queue; a new receive wait time matters to the next receive only. Nothing to wake.
        del queue
        return {}

    async def tag_queue(self, caller: Caller, params: Params) -> Result:
        return await self._retag(caller, params["QueueUrl"], params.get("Tags") or {}, [])

    async def untag_queue(self, caller: Caller, params: Params) -> Result:
        return await self._retag(caller, params["QueueUrl"], {}, params.get("TagKeys") or [])

    async def _retag(
        self, caller: Caller, url: str, add: dict[str, str], remove: list[str]
    ) -> Result:
        name = locate(caller, url)

        async def retag(tx: Tx) -> None:
            await self.catalog.retag(tx, name, add, remove)

        await self.engine.node.store.write(retag)
        return {}

    async def list_queue_tags(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])

        async def read(tx: Tx) -> Queue:
            return await self.catalog.require(tx, name)

        queue = await self.engine.node.store.read(read)
        return {"Tags": dict(queue.record.tags)}

    async def list_dead_letter_source_queues(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        limit = _page_size(params)
        after = _decode_token(params["NextToken"]) if params.get("NextToken") else ""

        async def read(tx: Tx) -> list[Queue]:
            target = await self.catalog.require(tx, name)
            return await self.catalog.dead_letter_sources(tx, target)

        sources = [q for q in await self.engine.node.store.read(read) if q.record.name > after]
        page = sources[:limit]
        result: Result = {"queueUrls": [q.record.address.url(caller.endpoint) for q in page]}
        if len(sources) > limit and params.get("MaxResults") is not None:
            result["NextToken"] = base64.urlsafe_b64encode(page[-1].record.name.encode()).decode()
        return result


def _page_size(params: Params) -> int:
    value = params.get("MaxResults")
    if value is None:
        return limits.SQS_LIST_QUEUES_MAX_RESULTS
    if not 1 <= value <= limits.SQS_LIST_QUEUES_MAX_RESULTS:
        raise errors.invalid_value(
            "MaxResults",
            value,
            f"MaxResults must be an integer between 1 and {limits.SQS_LIST_QUEUES_MAX_RESULTS}",
        )
    return int(value)


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeError):
        raise errors.invalid_parameter("Invalid NextToken value.") from None


def _attributes(queue: Queue, depth: QueueDepth | None) -> dict[str, str]:
    record = queue.record
    found = dict(record.attributes)
    found["QueueArn"] = record.address.arn
    found["CreatedTimestamp"] = str(record.created)
    found["LastModifiedTimestamp"] = str(record.modified)
    if depth is not None:
        found["ApproximateNumberOfMessages"] = str(depth.ready)
        found["ApproximateNumberOfMessagesNotVisible"] = str(depth.in_flight)
        found["ApproximateNumberOfMessagesDelayed"] = str(depth.delayed)
    return found
