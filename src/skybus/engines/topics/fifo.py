"""FIFO topics: deduplication, sequence numbers, and delivery in order per message group.

* ``sns.fifo.dedup``: ``<topic key>/<scope>/<dedup id>`` -> the first message's id and sequence
  number, for five minutes (``sns.fifo.expiry`` indexes them by expiry for the sweeper). The
  scope is empty for the whole topic, or the group with ``FifoThroughputScope=MessageGroup``.
* ``sns.fifo.outbox``: ``<subscription key>/<group hex>/<sequence>`` -> the message, per
  subscription and group in sequence order.
* ``sns.fifo.lanes``: ``<subscription key>/<group hex>`` exists while that outbox holds messages,
  and then exactly one drain job (kind ``F``) exists for it. Publishers lock the lane record when
  they add to an outbox; the drainer locks it when it finds the outbox empty and removes both,
  so a message can never be added to an outbox nobody drains.

The drainer sends one message at a time, in order, and deletes it after the queue has it, so
a crash repeats at most the message in flight (which the queue's deduplication absorbs, since
its MessageDeduplicationId goes with it). A message that keeps failing holds up its group, as on
AWS; other groups go on.
"""

from __future__ import annotations

import hashlib

from skybus import limits
from skybus.engines.topics.messages import Message
from skybus.engines.topics.outbox import FIFO, QUEUE, Delivery
from skybus.store import Tx

DEDUP = "sns.fifo.dedup"
EXPIRY = "sns.fifo.expiry"
OUTBOX = "sns.fifo.outbox"
LANES = "sns.fifo.lanes"
_SEQUENCE_BASE = 10**19


def content_dedup_id(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def sequence_number(counter: int) -> str:
    """SNS's 20-digit sequence numbers, increasing per topic."""
    return f"{_SEQUENCE_BASE + counter:020d}"


def _lane_key(sub_key: str, group: str) -> str:
    return f"{sub_key}/{group.encode('utf-8').hex()}"


class Fifo:
    async def duplicate(
        self, tx: Tx, topic_key: str, scope: str, dedup: str, now: float
    ) -> tuple[str, str] | None:
        """The (message id, sequence number) of an earlier message with this deduplication
        id within the window, if there is one."""
        found = await tx.get(DEDUP, f"{topic_key}/{scope}/{dedup}".encode(), for_update=True)
        if found is None:
            return None
        expires, message_id, sequence = found.decode().split(" ", 2)
        if float(expires) <= now:
            return None
        return message_id, sequence

    async def remember(
        self, tx: Tx, topic_key: str, scope: str, dedup: str, message: Message, now: float
    ) -> None:
        key = f"{topic_key}/{scope}/{dedup}"
        expires = now + limits.SNS_FIFO_DEDUP_WINDOW_SECONDS
        value = f"{expires:.3f} {message.id} {message.sequence}".encode()
        await tx.put(DEDUP, key.encode(), value)
        await tx.put(EXPIRY, f"{expires:017.3f}/{key}".encode(), b"")

    async def append(self, tx: Tx, sub_key: str, message: Message, base_url: str) -> None:
        """Add a message to a subscription's ordered outbox, starting a drain if none runs."""
        group = message.group or ""
        lane = _lane_key(sub_key, group)
        await tx.put(
            OUTBOX,
            f"{lane}/{message.sequence}".encode(),
            Delivery(FIFO, sub_key, message=message, base_url=base_url).encode(),
        )
        if await tx.get(LANES, lane.encode(), for_update=True) is None:
            await tx.put(LANES, lane.encode(), b"")
            job = Delivery(FIFO, sub_key, base_url=base_url, extra={"group": group})
            await tx.enqueue(QUEUE, job.encode())

    async def head(self, tx: Tx, sub_key: str, group: str) -> tuple[bytes, Delivery] | None:
        rows = await tx.scan(OUTBOX, prefix=f"{_lane_key(sub_key, group)}/".encode(), limit=1)
        if not rows:
            return None
        key, value = rows[0]
        return key, Delivery.decode(value)

    async def done(self, tx: Tx, key: bytes) -> None:
        await tx.delete(OUTBOX, key)

    async def finish(self, tx: Tx, sub_key: str, group: str) -> bool:
        """Close the lane if its outbox is empty (True); False if messages arrived meanwhile."""
        lane = _lane_key(sub_key, group)
        await tx.get(LANES, lane.encode(), for_update=True)
        if await tx.scan(OUTBOX, prefix=f"{lane}/".encode(), limit=1):
            return False
        await tx.delete(LANES, lane.encode())
        return True

    async def forget_subscription(self, tx: Tx, sub_key: str) -> None:
        for key, _ in await tx.scan(OUTBOX, prefix=f"{sub_key}/".encode()):
            await tx.delete(OUTBOX, key)

    async def forget_topic(self, tx: Tx, topic_key: str) -> None:
        for key, _ in await tx.scan(DEDUP, prefix=f"{topic_key}/".encode()):
            await tx.delete(DEDUP, key)

    async def sweep(self, tx: Tx, now: float, limit: int) -> int:
        """Forget deduplication ids whose window has passed; returns how many."""
        rows = await tx.scan(EXPIRY, end=f"{now:017.3f}".encode(), limit=limit)
        for key, _ in rows:
            await tx.delete(EXPIRY, key)
            dedup_key = key.split(b"/", 1)[1]
            found = await tx.get(DEDUP, dedup_key)
            if found is not None and float(found.split(b" ", 1)[0]) <= now:
                await tx.delete(DEDUP, dedup_key)
        return len(rows)
