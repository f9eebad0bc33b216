"""Message move tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A task moves the messages of a dead-letter queue back to the queues they came from (or to one
destination queue). It is a record in the store, and a worker on the node that started it moves
a few messages per transaction (taking them from the dead-letter queue and appending them to
the destination in the same transaction, so nothing is lost or doubled), updating the record's
counts as it goes. A node that starts resumes the tasks left running, so a restart does not
strand one. Cancelling marks the task CANCELLING; its worker stops at the next batch and marks
it CANCELLED.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from skybus import limits
from skybus.engines.queues import errors
from skybus.engines.queues.naming import parse_arn
from skybus.engines.queues.records import Queue
from skybus.engines.queues.resolve import Caller
from skybus.store import Records, Tx

if TYPE_CHECKING:
    from skybus.engines.queues.engine import QueuesEngine

log = logging.getLogger("skybus.queues.moves")

Params = dict[str, Any]
Result = dict[str, Any]
RUNNING = "RUNNING"
CANCELLING = "CANCELLING"
CANCELLED = "CANCELLED"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
ACTIVE = frozenset({RUNNING, CANCELLING})
NO_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"
_TOP = 1 << 48


@dataclass(slots=True)
class MoveTask:
    id: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    status: str
    started_ms: int
    to_move: int
    moved: int = 0
    failure: str | None = None

    @property
    def key(self) -> str:
        # Newest first within a source queue.
        return f"{self.source_arn}\x00{_TOP - self.started_ms:013x}{self.id}"

    @property
    def handle(self) -> str:
        doc = {"taskId": self.id, "sourceArn": self.source_arn}
        return base64.b64encode(orjson.dumps(doc)).decode("ascii")


TASKS = Records("sqs.tasks", MoveTask)


class _Stop(Exception):
    """A task cannot go on; ``reason`` becomes its FailureReason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MoveTasks:
    def __init__(self, engine: QueuesEngine) -> None:
        self.engine = engine
        self._workers: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        async def active(tx: Tx) -> list[MoveTask]:
            return [t for t in await TASKS.scan(tx) if t.status in ACTIVE]

        for task in await self.engine.node.store.read(active):
            self._run(task)

    async def stop(self) -> None:
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers.clear()

    def _source(self, caller: Caller, arn: str) -> None:
        name = parse_arn(arn)
        if name is None:
            raise errors.invalid_parameter(
                "You must use this format to specify the SourceArn: "
                "arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
            )

    async def _queue(self, tx: Tx, caller: Caller, arn: str) -> Queue | None:
        name = parse_arn(arn)
        if name is None or name.account != caller.account or name.region != caller.region:
            return None
        return await self.engine.catalog.find(tx, name)

    async def start_task(self, caller: Caller, params: Params) -> Result:
        source_arn: str = params["SourceArn"]
        destination_arn: str | None = params.get("DestinationArn")
        rate: int | None = params.get("MaxNumberOfMessagesPerSecond")
        self._source(caller, source_arn)
        if rate is not None and not 1 <= rate <= limits.SQS_MAX_MOVE_RATE:
            raise errors.invalid_value(
                "MaxNumberOfMessagesPerSecond",
                rate,
                f"Must be between 1 and {limits.SQS_MAX_MOVE_RATE}",
            )
        now_ms = int(self.engine.node.clock() * 1000)

        async def start(tx: Tx) -> MoveTask:
            source = await self._queue(tx, caller, source_arn)
            if source is None:
                raise errors.resource_not_found(
                    "The resource that you specified for the SourceArn parameter doesn't exist."
                )
            if not await self.engine.catalog.dead_letter_sources(tx, source):
                raise errors.invalid_parameter(
                    "Source queue must be configured as a Dead Letter Queue."
                )
            if destination_arn is not None:
                destination = await self._queue(tx, caller, destination_arn)
                if destination is None:
                    raise errors.resource_not_found(
                        "The resource that you specified for the DestinationArn parameter "
                        "doesn't exist."
                    )
                if destination.fifo != source.fifo:
                    raise errors.invalid_parameter(
                        "The source queue and the destination queue must be of the same type."
                    )
            # Two starts for one queue at once: the second waits here, then sees the first.
            await tx.get(TASKS.space, f"{source_arn}\x00lock".encode(), for_update=True)
            history = await TASKS.items(tx, prefix=f"{source_arn}\x00")
            if any(task.status in ACTIVE for _, task in history):
                raise errors.invalid_parameter(
                    "There is already a task running. Only one active task is allowed for a "
                    "source queue arn at a given time."
                )
            for key, _ in history[limits.SQS_MAX_MOVE_TASKS_LISTED - 1 :]:
                await tx.delete(TASKS.space, key)
            depth = await self.engine.depth(tx, source)
            task = MoveTask(
                id=secrets.token_hex(16),
                source_arn=source_arn,
                destination_arn=destination_arn,
                rate=rate,
                status=RUNNING,
                started_ms=now_ms,
                to_move=depth.ready,
            )
            await TASKS.put(tx, task.key, task)
            return task

        task = await self.engine.node.store.write(start)
        self._run(task)
        return {"TaskHandle": task.handle}

    async def list_tasks(self, caller: Caller, params: Params) -> Result:
        source_arn: str = params["SourceArn"]
        self._source(caller, source_arn)
        count = params.get("MaxResults")
        if count is not None and not 1 <= count <= limits.SQS_MAX_MOVE_TASKS_LISTED:
            raise errors.invalid_value(
                "MaxResults",
                count,
                f"You must enter a number that's between 1 and {limits.SQS_MAX_MOVE_TASKS_LISTED}",
            )

        async def read(tx: Tx) -> list[MoveTask]:
            if await self._queue(tx, caller, source_arn) is None:
                raise errors.resource_not_found(
                    "The resource that you specified for the SourceArn parameter doesn't exist."
                )
            return await TASKS.scan(tx, prefix=f"{source_arn}\x00", limit=count or 1)

        return {"Results": [_entry(task) for task in await self.engine.node.store.read(read)]}

    async def cancel_task(self, caller: Caller, params: Params) -> Result:
        raw: str = params["TaskHandle"]
        try:
            doc = orjson.loads(base64.b64decode(raw.encode("ascii"), validate=True))
            task_id, source_arn = str(doc["taskId"]), str(doc["sourceArn"])
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeEncodeError):
            raise errors.invalid_parameter("Value for parameter TaskHandle is invalid.") from None

        async def cancel(tx: Tx) -> MoveTask:
            if await self._queue(tx, caller, source_arn) is None:
                raise errors.resource_not_found(
                    "The resource that you specified for the SourceArn parameter doesn't exist."
                )
            for key, found in await TASKS.items(tx, prefix=f"{source_arn}\x00"):
                if found.id == task_id:
                    task = await TASKS.get(tx, key, for_update=True)
                    assert task is not None
                    if task.status != RUNNING:
                        raise errors.invalid_parameter(
                            f"Task is in status {task.status}; only a RUNNING task can be "
                            "cancelled."
                        )
                    task = replace(task, status=CANCELLING)
                    await TASKS.put(tx, task.key, task)
                    return task
            raise errors.resource_not_found("Task does not exist.")

        task = await self.engine.node.store.write(cancel)
        self._run(task)
        return {"ApproximateNumberOfMessagesMoved": task.moved}

    def _run(self, task: MoveTask) -> None:
        if task.id in self._workers and not self._workers[task.id].done():
            return
        worker = asyncio.create_task(self._work(task), name=f"skybus-sqs-move-{task.id[:8]}")
        self._workers[task.id] = worker
        worker.add_done_callback(lambda _: self._workers.pop(task.id, None))

    async def _work(self, task: MoveTask) -> None:
        try:
            while True:
                moved, finished = await self._step(task)
                if finished:
                    return
                if task.rate:
                    await asyncio.sleep(max(moved, 1) / task.rate)
                else:
                    await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("message move task %s failed", task.id)

    async def _step(self, task: MoveTask) -> tuple[int, bool]:
        """Move one batch; returns how many moved and whether the task is over."""
        engine = self.engine
        now = engine.node.clock()
        woken: list[str] = []

        async def step(tx: Tx) -> tuple[int, bool]:
            woken.clear()
            current = await TASKS.get(tx, task.key, for_update=True)
            if current is None or current.status not in ACTIVE:
                return 0, True
            if current.status == CANCELLING:
                await TASKS.put(tx, task.key, replace(current, status=CANCELLED))
                return 0, True
            name = parse_arn(current.source_arn)
            source = None if name is None else await engine.catalog.find(tx, name)
            if source is None:
                raise _Stop(NO_QUEUE)
            limit = min(limits.SQS_MOVE_BATCH, current.rate or limits.SQS_MOVE_BATCH)
            limit = min(limit, max(current.to_move - current.moved, 0))
            taken = await engine.take_messages(tx, source, limit, now) if limit else []
            for message in taken:
                arn = current.destination_arn or message.dead_letter_source
                target = None if arn is None else await engine.catalog.by_arn(tx, arn)
                if target is None or target.fifo != source.fifo:
                    raise _Stop(NO_QUEUE)
                message.prior_receives = 0
                message.first_receive_ms = None
                message.dead_letter_source = None
                await engine.append_message(tx, target, message, now)
                woken.append(target.id)
            done = not taken or current.moved + len(taken) >= current.to_move
            updated = replace(
                current, moved=current.moved + len(taken), status=COMPLETED if done else RUNNING
            )
            await TASKS.put(tx, task.key, updated)
            return len(taken), done

        try:
            result = await engine.node.store.write(step)
        except _Stop as stop:
            reason = stop.reason
            await engine.node.store.write(lambda tx: self._fail(tx, task, reason))
            return 0, True
        for queue_id in woken:
            engine.wakeups.changed(queue_id)
        return result

    async def _fail(self, tx: Tx, task: MoveTask, reason: str) -> None:
        current = await TASKS.get(tx, task.key, for_update=True)
        if current is not None and current.status in ACTIVE:
            await TASKS.put(tx, task.key, replace(current, status=FAILED, failure=reason))


def _entry(task: MoveTask) -> Result:
    entry: Result = {
        "SourceArn": task.source_arn,
        "Status": task.status,
        "StartedTimestamp": task.started_ms,
        "ApproximateNumberOfMessagesMoved": task.moved,
        "ApproximateNumberOfMessagesToMove": task.to_move,
    }
    if task.status == RUNNING:
        entry["TaskHandle"] = task.handle
    if task.destination_arn is not None:
        entry["DestinationArn"] = task.destination_arn
    if task.rate is not None:
        entry["MaxNumberOfMessagesPerSecond"] = task.rate
    if task.failure is not None:
        entry["FailureReason"] = task.failure
    return entry
