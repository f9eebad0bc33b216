"""Standard queues: messages as jobs of the store's work queue.

The work queue already is what a standard queue needs: ``enqueue`` with a delay is a send,
``claim`` with a visibility timeout is a receive (oldest due first, each claim counted, each with
a fresh lease token), ``ack`` with the token is a delete, ``extend`` is ChangeMessageVisibility,
and ``queue_depth`` gives the three Approximate* counters. On PostgreSQL, claims use ``SKIP
LOCKED``, so consumers on several nodes never receive the same message at once.

The receipt handle carries the job id and the token of the claim. A delete with the token of an
earlier receive of a message that was received again since does nothing and succeeds, as AWS
documents ("the request succeeds, but the message might not be deleted"); a message whose
visibility ran out but that nobody received again can still be deleted with its last handle.

Retention and redrive are applied when a receive claims a message: a message older than the
queue's retention period is deleted instead of returned, and one received more often than the
RedrivePolicy's maxReceiveCount is moved to the dead-letter queue in the same transaction.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from skybus.engines.queues import errors, handles
from skybus.engines.queues.catalog import Catalog
from skybus.engines.queues.handles import StandardHandle
from skybus.engines.queues.messages import Outgoing, Stored, stored
from skybus.engines.queues.records import Queue
from skybus.store import QueueDepth, Tx

MS = 1000


@dataclass(slots=True)
class Received:
    message: Stored
    handle: str
    receives: int
    first_receive_ms: int


@dataclass(slots=True)
class Moved:
    """A message moved to another queue during an operation (to wake that queue's waiters)."""

    queue_id: str


# Message ids need to be unique, not secret: a generator seeded from the OS once per process
# makes them (as version-4 UUIDs) without a system call per message.
_ids = random.Random(os.urandom(32))
_VERSION_MASK = ~(0xF000 << 64) & ~(0xC000 << 48)
_VERSION_BITS = (0x4000 << 64) | (0x8000 << 48)


def new_message_id() -> str:
    """A random UUID in AWS's MessageId form."""
    text = "%032x" % (_ids.getrandbits(128) & _VERSION_MASK | _VERSION_BITS)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class StandardMessages:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def send(self, tx: Tx, queue: Queue, message: Outgoing, now: float, sender: str) -> str:
        message_id = new_message_id()
        document = stored(message, message_id, int(now * MS), sender)
        delay = queue.config.delay if message.delay is None else message.delay
        await tx.enqueue(queue.jobs, document.encode(), delay=delay, job_id=message_id)
        return message_id

    async def append(self, tx: Tx, queue: Queue, document: Stored) -> None:
        """Put an existing message (moved from another queue) at the back of this queue."""
        await tx.enqueue(queue.jobs, document.encode(), delay=queue.config.delay)

    async def receive(
        self,
        tx: Tx,
        queue: Queue,
        count: int,
        visibility: int,
        now: float,
        *,
        need_first: bool,
        moved: list[Moved],
    ) -> list[Received]:
        now_ms = int(now * MS)
        oldest_ms = now_ms - queue.config.retention * MS
        redrive = queue.config.redrive
        target: Queue | None = None
        if redrive is not None:
            target = await self.catalog.find(tx, redrive.target)
            if target is not None and (target.fifo or target.id == queue.id):
                target = None
        out: list[Received] = []
        while len(out) < count:
            wanted = count - len(out)
            jobs = await tx.claim(queue.jobs, limit=wanted, visibility=visibility)
            for job in jobs:
                message = Stored.decode(job.payload)
                if message.sent_ms < oldest_ms:
                    await self._forget(tx, queue, job.id, job.token)
                    continue
                receives = message.prior_receives + job.attempts
                first = message.first_receive_ms
                if first is None and job.attempts == 1:
                    await tx.put(queue.first_receives, job.id.encode(), _ms(now_ms))
                    first = now_ms
                elif first is None and (need_first or target is not None):
                    first = await self._first(tx, queue, job.id, now_ms)
                if target is not None and redrive and receives > redrive.max_receive_count:
                    message.prior_receives = receives - 1  # the moving receive delivered nothing
                    message.first_receive_ms = first
                    message.dead_letter_source = queue.arn
                    await self.append(tx, target, message)
                    await self._forget(tx, queue, job.id, job.token)
                    moved.append(Moved(target.id))
                    continue
                handle = handles.standard(queue.id, job.id, job.token)
                out.append(Received(message, handle, receives, first or now_ms))
            if len(jobs) < wanted:
                break
        return out

    async def _first(self, tx: Tx, queue: Queue, job_id: str, now_ms: int) -> int:
        raw = await tx.get(queue.first_receives, job_id.encode())
        return now_ms if raw is None else int.from_bytes(raw, "big")

    async def _forget(self, tx: Tx, queue: Queue, job_id: str, token: str) -> bool:
        if await tx.ack(queue.jobs, job_id, token):
            await tx.delete(queue.first_receives, job_id.encode())
            return True
        return False

    async def delete(self, tx: Tx, queue: Queue, handle: StandardHandle) -> None:
        await self._forget(tx, queue, handle.message_id, handle.token)

    async def change_visibility(
        self, tx: Tx, queue: Queue, handle: StandardHandle, raw: str, visibility: int
    ) -> None:
        if not await tx.extend(queue.jobs, handle.message_id, handle.token, visibility=visibility):
            raise errors.not_available_for_visibility(raw)

    async def take(self, tx: Tx, queue: Queue, limit: int) -> list[Stored]:
        """Remove up to ``limit`` visible messages, for a move task."""
        taken: list[Stored] = []
        for job in await tx.claim(queue.jobs, limit=limit, visibility=60):
            message = Stored.decode(job.payload)
            await self._forget(tx, queue, job.id, job.token)
            taken.append(message)
        return taken

    async def depth(self, tx: Tx, queue: Queue) -> QueueDepth:
        return await tx.queue_depth(queue.jobs)

    async def purge(self, tx: Tx, queue: Queue) -> None:
        await tx.purge_queue(queue.jobs)
        await tx.drop_space(queue.first_receives)


def _ms(value: int) -> bytes:
    return value.to_bytes(8, "big")
