"""FIFO queues: strict order within a message group, one in-flight batch per group,
deduplication over five minutes, and ReceiveRequestAttemptId retries.

A receive walks the schedule (see :mod:`.fifo_layout`) for groups available now and takes each
group's first messages in order, as many as it may; the group then stays locked until every one
of them is deleted or their visibility runs out, and only then can its next messages (or the
same ones again) be received. Every operation first locks the queue, so on PostgreSQL the
operations on one FIFO queue run one after the other, as the ordering guarantee requires.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from skybus import limits
from skybus.engines.queues import errors, handles
from skybus.engines.queues.catalog import Catalog
from skybus.engines.queues.digests import content_deduplication_id
from skybus.engines.queues.fifo_layout import (
    ATTEMPT,
    DEDUP,
    Group,
    Layout,
    group_prefix,
    message_key,
    parse_schedule_key,
    schedule_end,
    sequence_of,
)
from skybus.engines.queues.handles import FifoHandle
from skybus.engines.queues.messages import Outgoing, Stored, stored
from skybus.engines.queues.records import Queue
from skybus.engines.queues.standard import Moved, Received, new_message_id
from skybus.store import QueueDepth, Tx

MS = 1000
# Keys of the receive state kept with each message.
RECEIVES = "rc"
TOKEN = "tk"
AVAILABLE = "av"


@dataclass(slots=True)
class Sent:
    message_id: str
    sequence: str


@dataclass(slots=True)
class Batch:
    """Groups loaded during one operation, written back once at its end."""

    groups: dict[str, Group] = field(default_factory=dict)
    due: list[int] = field(default_factory=list)


class FifoMessages:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def send(
        self, tx: Tx, queue: Queue, batch: list[Outgoing], now: float, sender: str
    ) -> tuple[list[Sent], list[int]]:
        """Send messages (already checked against the queue) in order; a duplicate of a
        message sent in the last five minutes is accepted but not enqueued again."""
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        await layout.sweep(tx, now_ms)
        work = Batch()
        results: list[Sent] = []
        window_ms = limits.SQS_FIFO_DEDUP_WINDOW_SECONDS * MS
        for message in batch:
            assert message.group is not None
            dedup = message.dedup or content_deduplication_id(message.body)
            scope = f"{message.group}\x00" if queue.config.dedup_per_group else ""
            dedup_key = (scope + dedup).encode("utf-8")
            seen = await layout.recall(tx, DEDUP, dedup_key, now_ms)
            if seen is not None:
                results.append(Sent(str(seen["i"]), str(seen["q"])))
                continue
            document = stored(message, new_message_id(), now_ms, sender)
            document.dedup = dedup
            sequence = await self._append(tx, layout, queue, document, now_ms, work)
            await layout.remember(
                tx,
                DEDUP,
                dedup_key,
                {"i": document.id, "q": document.sequence, "x": now_ms + window_ms},
                now_ms + window_ms,
            )
            results.append(Sent(document.id, _sequence_text(sequence)))
        await self._flush(tx, layout, work, now_ms)
        return results, work.due

    async def append(self, tx: Tx, queue: Queue, document: Stored, now: float) -> None:
        """Put an existing message (moved from another queue) at the back of its group."""
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        work = Batch()
        await self._append(tx, layout, queue, document, now_ms, work)
        await self._flush(tx, layout, work, now_ms)

    async def _append(
        self, tx: Tx, layout: Layout, queue: Queue, document: Stored, now_ms: int, work: Batch
    ) -> int:
        group_name = document.group or ""
        sequence = await layout.next_sequence(tx, now_ms * MS)
        document.sequence = _sequence_text(sequence)
        available = now_ms + queue.config.delay * MS
        document.extra = {RECEIVES: 0, AVAILABLE: available}
        await tx.put(layout.spaces.messages, message_key(group_name, sequence), document.encode())
        group = await self._group(tx, layout, group_name, work)
        if group is None:
            group = work.groups[group_name] = Group(0, sequence, available)
        group.count += 1
        if available > now_ms:
            group.delayed.append((sequence, available))
        return sequence

    async def _group(self, tx: Tx, layout: Layout, name: str, work: Batch) -> Group | None:
        if name not in work.groups:
            found = await layout.group(tx, name)
            if found is None:
                return None
            work.groups[name] = found
        return work.groups[name]

    async def _flush(self, tx: Tx, layout: Layout, work: Batch, now_ms: int) -> None:
        for name, group in work.groups.items():
            due = await layout.save_group(tx, name, group, now_ms)
            if due is not None:
                work.due.append(due)

    async def receive(
        self,
        tx: Tx,
        queue: Queue,
        count: int,
        visibility: int,
        now: float,
        *,
        attempt: str | None,
        moved: list[Moved],
    ) -> tuple[list[Received], list[int]]:
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        await layout.sweep(tx, now_ms)
        work = Batch()
        until = now_ms + visibility * MS
        if attempt is not None:
            replayed = await self._replay(tx, layout, queue, attempt, until, now_ms, work)
            if replayed is not None:
                await self._flush(tx, layout, work, now_ms)
                return replayed, work.due
        out: list[Received] = []
        target = await self._dead_letter_target(tx, queue)
        after: bytes | None = None
        while len(out) < count:
            rows = await tx.scan(
                layout.spaces.schedule, end=schedule_end(now_ms), after=after, limit=count + 8
            )
            for key, _ in rows:
                if len(out) >= count:
                    break
                available, head, name = parse_schedule_key(key)
                group = await self._group(tx, layout, name, work)
                if group is None or group.scheduled != (available, head):
                    await tx.delete(layout.spaces.schedule, key)
                    continue
                group.in_flight = {}
                taken = await self._take(
                    tx, layout, queue, name, group, count - len(out), until, now_ms, target, moved
                )
                out.extend(taken)
            if len(rows) < count + 8:
                break
            after = rows[-1][0]
        await self._flush(tx, layout, work, now_ms)
        if attempt is not None and out:
            window_ms = limits.SQS_RECEIVE_ATTEMPT_WINDOW_SECONDS * MS
            doc = {"x": now_ms + window_ms, "h": [r.handle for r in out]}
            await layout.remember(tx, ATTEMPT, attempt.encode("utf-8"), doc, now_ms + window_ms)
        return out, work.due

    async def _dead_letter_target(self, tx: Tx, queue: Queue) -> Queue | None:
        redrive = queue.config.redrive
        if redrive is None:
            return None
        target = await self.catalog.find(tx, redrive.target)
        usable = target is not None and target.fifo and target.id != queue.id
        return target if usable else None

    async def _take(
        self,
        tx: Tx,
        layout: Layout,
        queue: Queue,
        name: str,
        group: Group,
        wanted: int,
        until: int,
        now_ms: int,
        target: Queue | None,
        moved: list[Moved],
    ) -> list[Received]:
        """Receive up to ``wanted`` messages from the front of one available group."""
        spaces = layout.spaces
        oldest_ms = now_ms - queue.config.retention * MS
        redrive = queue.config.redrive
        out: list[Received] = []
        removed_head = False
        rows = await tx.scan(spaces.messages, prefix=group_prefix(name), limit=wanted + 8)
        for key, raw in rows:
            if len(out) >= wanted:
                break
            message = Stored.decode(raw)
            sequence = sequence_of(key)
            state = message.extra
            if state.get(AVAILABLE, 0) > now_ms:
                break
            receives_here = int(state.get(RECEIVES, 0)) + 1
            receives = message.prior_receives + receives_here
            first = message.first_receive_ms or now_ms
            expired = message.sent_ms < oldest_ms
            dead = target is not None and redrive is not None
            dead = dead and receives > (redrive.max_receive_count if redrive else 0)
            if expired or dead:
                await tx.delete(spaces.messages, key)
                group.count -= 1
                removed_head = removed_head or sequence == group.head or not out
                if dead and target is not None:
                    message.prior_receives, message.first_receive_ms = receives - 1, first
                    message.dead_letter_source = queue.arn
                    message.extra = {}
                    await self.append(tx, target, message, now_ms / MS)
                    moved.append(Moved(target.id))
                continue
            token = secrets.token_hex(8)
            message.first_receive_ms = first
            message.extra = {RECEIVES: receives_here, TOKEN: token, AVAILABLE: state[AVAILABLE]}
            await tx.put(spaces.messages, key, message.encode())
            group.in_flight[sequence] = until
            handle = handles.fifo(queue.id, name, sequence, token)
            out.append(Received(message, handle, receives, first))
        if removed_head:
            await self._new_head(tx, layout, name, group)
        return out

    async def _new_head(self, tx: Tx, layout: Layout, name: str, group: Group) -> None:
        rows = await tx.scan(layout.spaces.messages, prefix=group_prefix(name), limit=1)
        if not rows:
            group.count = 0
            return
        key, raw = rows[0]
        group.head = sequence_of(key)
        group.head_available_ms = int(Stored.decode(raw).extra.get(AVAILABLE, 0))

    async def _replay(
        self,
        tx: Tx,
        layout: Layout,
        queue: Queue,
        attempt: str,
        until: int,
        now_ms: int,
        work: Batch,
    ) -> list[Received] | None:
        """The messages of an earlier receive with the same attempt id, if none of them was
        deleted, changed or received again since; their visibility starts over."""
        doc = await layout.recall(tx, ATTEMPT, attempt.encode("utf-8"), now_ms)
        earlier = None if doc is None else doc.get("h")
        if not isinstance(earlier, list):
            return None
        out: list[Received] = []
        for raw_handle in earlier:
            handle = handles.parse(str(raw_handle), queue.id)
            if not isinstance(handle, FifoHandle):
                return None
            raw = await tx.get(layout.spaces.messages, message_key(handle.group, handle.sequence))
            group = await self._group(tx, layout, handle.group, work)
            if raw is None or group is None or handle.sequence not in group.in_flight:
                return None
            message = Stored.decode(raw)
            if message.extra.get(TOKEN) != handle.token:
                return None
            receives = message.prior_receives + int(message.extra.get(RECEIVES, 1))
            out.append(Received(message, str(raw_handle), receives, message.first_receive_ms or 0))
        for received in out:
            handle = handles.parse(received.handle, queue.id)
            assert isinstance(handle, FifoHandle)
            work.groups[handle.group].in_flight[handle.sequence] = until
        return out

    async def _held(
        self, tx: Tx, layout: Layout, handle: FifoHandle, work: Batch
    ) -> tuple[Group, bytes] | None:
        """The group and message a handle is for, if the message still exists."""
        raw = await tx.get(layout.spaces.messages, message_key(handle.group, handle.sequence))
        group = await self._group(tx, layout, handle.group, work)
        if raw is None or group is None:
            return None
        return group, raw

    async def delete(
        self, tx: Tx, queue: Queue, handle: FifoHandle, raw_handle: str, now: float
    ) -> list[int]:
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        work = Batch()
        held = await self._held(tx, layout, handle, work)
        if held is None:
            return []
        group, raw = held
        if (
            Stored.decode(raw).extra.get(TOKEN) != handle.token
            or group.in_flight.get(handle.sequence, 0) <= now_ms
        ):
            raise errors.expired_receipt_handle(raw_handle)
        await tx.delete(layout.spaces.messages, message_key(handle.group, handle.sequence))
        group.count -= 1
        del group.in_flight[handle.sequence]
        if handle.sequence == group.head:
            await self._new_head(tx, layout, handle.group, group)
        await self._flush(tx, layout, work, now_ms)
        return work.due

    async def change_visibility(
        self, tx: Tx, queue: Queue, handle: FifoHandle, raw_handle: str, visibility: int, now: float
    ) -> list[int]:
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        work = Batch()
        held = await self._held(tx, layout, handle, work)
        if held is None or Stored.decode(held[1]).extra.get(TOKEN) != handle.token:
            raise errors.not_available_for_visibility(raw_handle)
        group = held[0]
        if group.in_flight.get(handle.sequence, 0) <= now_ms:
            raise errors.message_not_in_flight()
        group.in_flight[handle.sequence] = now_ms + visibility * MS
        await self._flush(tx, layout, work, now_ms)
        return work.due

    async def take(self, tx: Tx, queue: Queue, limit: int, now: float) -> list[Stored]:
        """Remove up to ``limit`` messages of groups not in flight, in order, for a move task."""
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        await layout.lock(tx)
        work = Batch()
        taken: list[Stored] = []
        rows = await tx.scan(layout.spaces.schedule, end=schedule_end(now_ms), limit=limit)
        for key, _ in rows:
            _, _, name = parse_schedule_key(key)
            group = await self._group(tx, layout, name, work)
            if group is None:
                await tx.delete(layout.spaces.schedule, key)
                continue
            group.in_flight = {}
            prefix = group_prefix(name)
            for message_row, raw in await tx.scan(
                layout.spaces.messages, prefix=prefix, limit=limit - len(taken)
            ):
                message = Stored.decode(raw)
                if int(message.extra.get(AVAILABLE, 0)) > now_ms:
                    break
                await tx.delete(layout.spaces.messages, message_row)
                group.count -= 1
                message.extra = {}
                taken.append(message)
            await self._new_head(tx, layout, name, group)
            if len(taken) >= limit:
                break
        await self._flush(tx, layout, work, now_ms)
        return taken

    async def depth(self, tx: Tx, queue: Queue, now: float) -> QueueDepth:
        layout = Layout(queue.id)
        now_ms = int(now * MS)
        total = await tx.count(layout.spaces.messages)
        in_flight = delayed = 0
        after: bytes | None = None
        while True:
            rows = await tx.scan(layout.spaces.groups, after=after, limit=1000)
            for _, raw in rows:
                group = Group.decode(raw)
                in_flight += sum(1 for until in group.in_flight.values() if until > now_ms)
                delayed += sum(1 for _, at in group.delayed if at > now_ms)
            if len(rows) < 1000:
                break
            after = rows[-1][0]
        return QueueDepth(max(total - in_flight - delayed, 0), in_flight, delayed)

    async def purge(self, tx: Tx, queue: Queue) -> None:
        for space in Layout(queue.id).spaces.purged_on_purge:
            await tx.drop_space(space)

    async def drop(self, tx: Tx, queue: Queue) -> None:
        for space in Layout(queue.id).spaces.every:
            await tx.drop_space(space)


def _sequence_text(sequence: int) -> str:
    return f"{sequence:020d}"
