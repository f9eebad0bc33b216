"""SQS as an event source: long-poll the queue, gather a batch, delete what was processed.

Receives ask for every system and message attribute and keep the queue's own visibility
timeout, as Lambda's pollers do. A batch is gathered like Lambda gathers it: the first receive
waits up to 20 s; with a batching window, further receives add messages until the batch is
full, the window (counted from the first message) has passed, or the event would exceed the 6 MB
synchronous payload limit. Messages received past that limit are made visible again at once.

Settling deletes the processed messages in batches of ten. Failed messages are left alone: they
reappear when their visibility timeout runs out, their receive count grows, and the queue's
redrive policy moves them to its dead-letter queue after ``maxReceiveCount`` receives.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from skybus import limits
from skybus.engines.functions.mappings.source import Batch, SourceGone
from skybus.engines.functions.mappings.sqs_event import record
from skybus.engines.queues.naming import QueueName, parse_arn
from skybus.engines.queues.resolve import Caller
from skybus.store.contract import Store, Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.engines.queues.engine import QueuesEngine

log = logging.getLogger("skybus.functions")

#: How long the queue's visibility timeout, read from the store, is trusted.
VISIBILITY_CACHE_SECONDS = 10.0
_EMPTY_EVENT_BYTES = len(b'{"Records":[]}')


class SqsSource:
    def __init__(
        self,
        queues: QueuesEngine,
        queue_arn: str,
        store: Callable[[], Store],
        endpoint: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        name = parse_arn(queue_arn)
        if name is None:
            raise ValueError(f"{queue_arn} is not a queue ARN")
        self._queues = queues
        self._name: QueueName = name
        self._arn = queue_arn
        self._store = store
        self._endpoint = endpoint
        self._clock = clock
        self._visibility: tuple[float, int] | None = None

    async def next_batch(self, size: int, window: float) -> Batch | None:
        first = await self._receive(
            min(size, limits.SQS_MAX_RECEIVE_MESSAGES), limits.LAMBDA_MAPPING_LONG_POLL_SECONDS
        )
        if not first:
            return None
        received_at = self._clock()
        gathered = _Gathered()
        overflow = gathered.add(first, self._arn, self._name.region)
        deadline = received_at + window
        while window > 0 and not overflow and len(gathered.records) < size:
            remaining = deadline - self._clock()
            wait = min(limits.LAMBDA_MAPPING_LONG_POLL_SECONDS, max(0, int(remaining)))
            if wait == 0 and remaining > 0:
                # SQS waits in whole seconds: let the last fraction pass, then take what is there.
                await asyncio.sleep(remaining)
            wanted = min(limits.SQS_MAX_RECEIVE_MESSAGES, size - len(gathered.records))
            more = await self._receive(wanted, wait)
            overflow = gathered.add(more, self._arn, self._name.region)
            if wait == 0 and len(more) < wanted:
                break  # the window has passed and nothing more is waiting
        if overflow:
            await self._release(overflow)
        visibility = await self._visibility_seconds()
        return Batch(
            records=gathered.records,
            ids=[r["messageId"] for r in gathered.records],
            handles=[r["receiptHandle"] for r in gathered.records],
            expires=received_at + visibility,
        )

    async def settle(self, batch: Batch, failed: frozenset[str]) -> None:
        done = [h for i, h in zip(batch.ids, batch.handles, strict=True) if i not in failed]
        for start in range(0, len(done), limits.SQS_MAX_BATCH_ENTRIES):
            chunk = done[start : start + limits.SQS_MAX_BATCH_ENTRIES]
            try:
                result = await self._queues.delete_from(self._arn, chunk)
            except ServiceError as exc:
                log.warning("could not delete processed messages of %s: %s", self._arn, exc)
                return
            for entry in result.get("Failed", []):
                # A message whose visibility ran out during the invocation was received again.
                log.info("processed message of %s not deleted: %s", self._arn, entry["Message"])

    async def _receive(self, count: int, wait: int) -> list[dict[str, Any]]:
        params = {
            "MaxNumberOfMessages": count,
            "WaitTimeSeconds": wait,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        try:
            return await self._queues.receive_from(self._arn, params)
        except ServiceError as exc:
            if exc.code == "QueueDoesNotExist":
                raise SourceGone(f"queue {self._arn} does not exist") from None
            raise

    async def _release(self, messages: list[dict[str, Any]]) -> None:
        """Make messages that did not fit into the batch visible again at once."""
        caller = Caller(self._name.account, self._name.region, self._endpoint)
        url = self._name.url(self._endpoint)
        for start in range(0, len(messages), limits.SQS_MAX_BATCH_ENTRIES):
            chunk = messages[start : start + limits.SQS_MAX_BATCH_ENTRIES]
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(chunk)
            ]
            try:
                await self._queues.traffic.change_message_visibility_batch(
                    caller, {"QueueUrl": url, "Entries": entries}
                )
            except ServiceError as exc:
                log.warning("could not return messages to %s: %s", self._arn, exc)

    async def _visibility_seconds(self) -> int:
        now = self._clock()
        if self._visibility is not None and now - self._visibility[0] < VISIBILITY_CACHE_SECONDS:
            return self._visibility[1]
        catalog = self._queues.catalog

        async def read(tx: Tx) -> int:
            queue = await catalog.find(tx, self._name)
            return (
                limits.SQS_DEFAULT_VISIBILITY_TIMEOUT if queue is None else queue.config.visibility
            )

        seconds = await self._store().read(read)
        self._visibility = (now, seconds)
        return seconds


class _Gathered:
    """Records of a batch being gathered, and the size of the event they make."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.size = _EMPTY_EVENT_BYTES

    def add(
        self, messages: list[dict[str, Any]], queue_arn: str, region: str
    ) -> list[dict[str, Any]]:
        """Add messages while the event stays within the synchronous payload limit; returns
        those that did not fit."""
        for index, message in enumerate(messages):
            built = record(message, queue_arn, region)
            grown = self.size + len(orjson.dumps(built)) + (1 if self.records else 0)
            if grown > limits.LAMBDA_SYNC_PAYLOAD_BYTES and self.records:
                return messages[index:]
            self.records.append(built)
            self.size = grown
        return []
