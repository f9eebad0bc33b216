"""Message operations: send, receive (with long polling), delete and change visibility, single
and batched. Each is one store transaction; waiting receives are woken after it commits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.queues import errors, handles
from skybus.engines.queues.batches import check_entries, check_send_size
from skybus.engines.queues.catalog import Catalog
from skybus.engines.queues.handles import FifoHandle, StandardHandle
from skybus.engines.queues.messages import (
    Outgoing,
    batch_failure,
    check_for_queue,
    prepare,
    sent_result,
    valid_fifo_id,
)
from skybus.engines.queues.records import Queue
from skybus.engines.queues.rendering import Selection, render
from skybus.engines.queues.resolve import Caller, locate
from skybus.engines.queues.standard import Moved, Received
from skybus.store import Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.engines.queues.engine import QueuesEngine

Params = dict[str, Any]
Result = dict[str, Any]
MS = 1000


class Traffic:
    def __init__(self, engine: QueuesEngine) -> None:
        self.engine = engine
        self.catalog: Catalog = engine.catalog

    # Sending.

    async def send_message(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        now = self.engine.node.clock()

        async def send(tx: Tx) -> tuple[Queue, Outgoing, str, str | None, list[int]]:
            queue = await self.catalog.require(tx, name)
            message = prepare(params)
            check_for_queue(message, queue.config)
            if queue.fifo:
                sent, due = await self.engine.fifo.send(tx, queue, [message], now, caller.account)
                return queue, message, sent[0].message_id, sent[0].sequence, due
            message_id = await self.engine.standard.send(tx, queue, message, now, caller.account)
            return queue, message, message_id, None, []

        queue, message, message_id, sequence, due = await self.engine.node.store.write(send)
        self._sent(queue, [message], now, due)
        return sent_result(message, message_id, sequence)

    async def send_message_batch(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        entries: list[Params] = params.get("Entries") or []
        check_entries(entries, "SendMessageBatchRequestEntry")
        check_send_size(entries)
        now = self.engine.node.clock()

        async def send(tx: Tx) -> tuple[Queue, Result, list[Outgoing], list[int]]:
            queue = await self.catalog.require(tx, name)
            if queue.fifo:
                for entry in entries:
                    if entry.get("MessageGroupId") is None:
                        raise errors.invalid_parameter(
                            "The request must contain the parameter MessageGroupId."
                        )
                    if (
                        entry.get("MessageDeduplicationId") is None
                        and not queue.config.content_dedup
                    ):
                        raise errors.invalid_parameter(
                            "The queue should either have ContentBasedDeduplication enabled "
                            "or MessageDeduplicationId provided explicitly"
                        )
            accepted: list[tuple[str, Outgoing]] = []
            failed: list[Result] = []
            for entry in entries:
                try:
                    message = prepare(entry)
                    check_for_queue(message, queue.config)
                except ServiceError as error:
                    failed.append(batch_failure(entry["Id"], error))
                else:
                    accepted.append((entry["Id"], message))
            successful: list[Result] = []
            due: list[int] = []
            if queue.fifo and accepted:
                sent, due = await self.engine.fifo.send(
                    tx, queue, [m for _, m in accepted], now, caller.account
                )
                for (entry_id, message), one in zip(accepted, sent, strict=True):
                    result = sent_result(message, one.message_id, one.sequence)
                    successful.append({"Id": entry_id, **result})
            else:
                for entry_id, message in accepted:
                    message_id = await self.engine.standard.send(
                        tx, queue, message, now, caller.account
                    )
                    successful.append({"Id": entry_id, **sent_result(message, message_id, None)})
            result = {"Successful": successful, "Failed": failed}
            return queue, result, [m for _, m in accepted], due

        queue, result, sent_messages, due = await self.engine.node.store.write(send)
        self._sent(queue, sent_messages, now, due)
        return result

    def _sent(self, queue: Queue, sent: list[Outgoing], now: float, due: list[int]) -> None:
        wakeups = self.engine.wakeups
        visible_now = False
        for message in sent:
            delay = queue.config.delay if message.delay is None else message.delay
            if delay > 0 and not queue.fifo:
                wakeups.due(queue.id, now + delay)
            else:
                visible_now = True
        for at_ms in due:
            wakeups.due(queue.id, at_ms / MS)
        if visible_now:
            wakeups.changed(queue.id)

    # Receiving.

    async def receive_message(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        count = _receive_count(params.get("MaxNumberOfMessages"))
        wait = params.get("WaitTimeSeconds")
        if wait is not None and not 0 <= wait <= limits.SQS_MAX_WAIT_SECONDS:
            raise errors.invalid_value(
                "WaitTimeSeconds",
                wait,
                f"Must be >= 0 and <= {limits.SQS_MAX_WAIT_SECONDS}, if provided",
            )
        visibility = params.get("VisibilityTimeout")
        if visibility is not None and not 0 <= visibility <= limits.SQS_MAX_VISIBILITY_TIMEOUT:
            raise errors.invalid_value(
                "VisibilityTimeout",
                visibility,
                f"Must be >= 0 and <= {limits.SQS_MAX_VISIBILITY_TIMEOUT}, if provided",
            )
        attempt = params.get("ReceiveRequestAttemptId")
        if attempt is not None and not valid_fifo_id(attempt):
            raise errors.invalid_value(
                "ReceiveRequestAttemptId",
                attempt,
                "ReceiveRequestAttemptId can only include alphanumeric and punctuation "
                f"characters. 1 to {limits.SQS_MAX_FIFO_ID_LENGTH} in length",
            )
        selection = Selection.of(params)
        need_first = selection.wants("ApproximateFirstReceiveTimestamp")
        seen: list[Queue] = []

        async def once() -> list[Received]:
            now = self.engine.node.clock()
            moved: list[Moved] = []

            async def receive(tx: Tx) -> tuple[Queue, list[Received], list[int], int]:
                moved.clear()
                queue = await self.catalog.require(tx, name)
                hidden = queue.config.visibility if visibility is None else visibility
                if queue.fifo:
                    found, due = await self.engine.fifo.receive(
                        tx, queue, count, hidden, now, attempt=attempt, moved=moved
                    )
                    return queue, found, due, hidden
                found = await self.engine.standard.receive(
                    tx, queue, count, hidden, now, need_first=need_first, moved=moved
                )
                return queue, found, [], hidden

            queue, found, due, hidden = await self.engine.node.store.write(receive)
            seen[:] = [queue]
            wakeups = self.engine.wakeups
            if found and hidden > 0:
                wakeups.due(queue.id, now + hidden)
            for at_ms in due:
                wakeups.due(queue.id, at_ms / MS)
            for each in moved:
                wakeups.changed(each.queue_id)
            return found

        found = await once()
        if not found:
            queue = seen[0]
            seconds = queue.config.wait if wait is None else wait
            if seconds > 0:
                found = await self.engine.wakeups.poll(queue.id, seconds, once)
        messages = [
            render(r.message, r.handle, r.receives, r.first_receive_ms, selection) for r in found
        ]
        return {"Messages": messages} if messages else {}

    # Settling.

    async def delete_message(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        raw = params["ReceiptHandle"]
        now = self.engine.node.clock()

        async def delete(tx: Tx) -> tuple[Queue, list[int]]:
            queue = await self.catalog.require(tx, name)
            return queue, await self._delete(tx, queue, raw, now)

        queue, due = await self.engine.node.store.write(delete)
        self._settled(queue, due)
        return {}

    async def delete_message_batch(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        entries: list[Params] = params.get("Entries") or []
        check_entries(entries, "DeleteMessageBatchRequestEntry")
        now = self.engine.node.clock()

        async def delete(tx: Tx) -> tuple[Queue, Result, list[int]]:
            queue = await self.catalog.require(tx, name)
            successful: list[Result] = []
            failed: list[Result] = []
            due: list[int] = []
            for entry in entries:
                try:
                    due += await self._delete(tx, queue, entry["ReceiptHandle"], now)
                except ServiceError as error:
                    failed.append(batch_failure(entry["Id"], error))
                else:
                    successful.append({"Id": entry["Id"]})
            return queue, {"Successful": successful, "Failed": failed}, due

        queue, result, due = await self.engine.node.store.write(delete)
        self._settled(queue, due)
        return result

    async def _delete(self, tx: Tx, queue: Queue, raw: str, now: float) -> list[int]:
        handle = handles.parse(raw, queue.id)
        if isinstance(handle, FifoHandle) and queue.fifo:
            return await self.engine.fifo.delete(tx, queue, handle, raw, now)
        if isinstance(handle, StandardHandle) and not queue.fifo:
            await self.engine.standard.delete(tx, queue, handle)
            return []
        raise errors.invalid_receipt_handle(raw)

    async def change_message_visibility(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        raw = params["ReceiptHandle"]
        visibility = _visibility(params.get("VisibilityTimeout"))
        now = self.engine.node.clock()

        async def change(tx: Tx) -> tuple[Queue, list[int]]:
            queue = await self.catalog.require(tx, name)
            return queue, await self._change(tx, queue, raw, visibility, now)

        queue, due = await self.engine.node.store.write(change)
        self._changed_visibility(queue, [visibility], now, due)
        return {}

    async def change_message_visibility_batch(self, caller: Caller, params: Params) -> Result:
        name = locate(caller, params["QueueUrl"])
        entries: list[Params] = params.get("Entries") or []
        check_entries(entries, "ChangeMessageVisibilityBatchRequestEntry")
        now = self.engine.node.clock()

        async def change(tx: Tx) -> tuple[Queue, Result, list[int], list[int]]:
            queue = await self.catalog.require(tx, name)
            successful: list[Result] = []
            failed: list[Result] = []
            due: list[int] = []
            applied: list[int] = []
            for entry in entries:
                try:
                    visibility = _visibility(entry.get("VisibilityTimeout"))
                    due += await self._change(tx, queue, entry["ReceiptHandle"], visibility, now)
                except ServiceError as error:
                    failed.append(batch_failure(entry["Id"], error))
                else:
                    successful.append({"Id": entry["Id"]})
                    applied.append(visibility)
            return queue, {"Successful": successful, "Failed": failed}, due, applied

        queue, result, due, applied = await self.engine.node.store.write(change)
        self._changed_visibility(queue, applied, now, due)
        return result

    async def _change(
        self, tx: Tx, queue: Queue, raw: str, visibility: int, now: float
    ) -> list[int]:
        handle = handles.parse(raw, queue.id)
        if isinstance(handle, FifoHandle) and queue.fifo:
            return await self.engine.fifo.change_visibility(tx, queue, handle, raw, visibility, now)
        if isinstance(handle, StandardHandle) and not queue.fifo:
            await self.engine.standard.change_visibility(tx, queue, handle, raw, visibility)
            return []
        raise errors.invalid_receipt_handle(raw)

    def _settled(self, queue: Queue, due: list[int]) -> None:
        if queue.fifo:  # a group whose messages are all deleted is available again
            for at_ms in due:
                self.engine.wakeups.due(queue.id, at_ms / MS)
            self.engine.wakeups.changed(queue.id)

    def _changed_visibility(
        self, queue: Queue, applied: list[int], now: float, due: list[int]
    ) -> None:
        wakeups = self.engine.wakeups
        for visibility in applied:
            if visibility > 0:
                wakeups.due(queue.id, now + visibility)
        for at_ms in due:
            wakeups.due(queue.id, at_ms / MS)
        if any(v == 0 for v in applied):
            wakeups.changed(queue.id)


def _receive_count(value: int | None) -> int:
    if value is None:
        return 1
    if not 1 <= value <= limits.SQS_MAX_RECEIVE_MESSAGES:
        raise errors.invalid_value(
            "MaxNumberOfMessages",
            value,
            f"Must be between 1 and {limits.SQS_MAX_RECEIVE_MESSAGES}, if provided",
        )
    return value


def _visibility(value: int | None) -> int:
    if value is None:
        raise errors.missing_parameter("VisibilityTimeout")
    if value < 0:
        raise errors.invalid_value(
            "VisibilityTimeout", value, "VisibilityTimeout must be >= 0, if provided"
        )
    if value > limits.SQS_MAX_VISIBILITY_TIMEOUT:
        raise errors.invalid_value(
            "VisibilityTimeout",
            value,
            "Total VisibilityTimeout for the message is beyond the limit "
            f"[{limits.SQS_MAX_VISIBILITY_TIMEOUT} seconds]",
        )
    return value
