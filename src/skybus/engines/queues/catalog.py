"""The queues themselves: their records, attributes and tags.

Every function here runs inside a store transaction the engine opened, so an operation that
also touches messages (DeleteQueue, PurgeQueue, GetQueueAttributes' counters) is one atomic
step. Reading a queue decodes its record only when the stored bytes changed since the last
read, which keeps the per-message operations cheap.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import replace
from typing import Any

from skybus import limits
from skybus.engines.queues import attributes as attrs
from skybus.engines.queues import errors
from skybus.engines.queues.attributes import QueueConfig
from skybus.engines.queues.naming import QueueName, list_prefix, parse_arn
from skybus.engines.queues.records import QUEUES, Queue, QueueRecord
from skybus.store import Tx

CACHE_SIZE = 4096


class Catalog:
    def __init__(self) -> None:
        self._decoded: dict[str, tuple[bytes, Queue]] = {}

    async def find(self, tx: Tx, name: QueueName, *, for_update: bool = False) -> Queue | None:
        key = name.key
        raw = await tx.get(QUEUES.space, key.encode(), for_update=for_update)
        if raw is None:
            return None
        cached = self._decoded.get(key)
        if cached is not None and cached[0] == raw:
            return cached[1]
        record = QUEUES.decode(raw)
        queue = Queue(record, QueueConfig.of(record.attributes, record.fifo))
        if len(self._decoded) >= CACHE_SIZE:
            self._decoded.clear()
        self._decoded[key] = (raw, queue)
        return queue

    async def require(self, tx: Tx, name: QueueName, *, for_update: bool = False) -> Queue:
        queue = await self.find(tx, name, for_update=for_update)
        if queue is None:
            raise errors.queue_does_not_exist()
        return queue

    async def save(self, tx: Tx, record: QueueRecord) -> None:
        await QUEUES.put(tx, record.address.key, record)

    async def create(
        self,
        tx: Tx,
        name: QueueName,
        given: dict[str, str],
        tags: dict[str, str],
        now: float,
        *,
        shown_policy: str | None = None,
    ) -> Queue:
        """The queue ``name`` with the given (already normalized) attributes: created, or the
        existing one when every given attribute has the same value."""
        existing = await self.find(tx, name, for_update=True)
        if existing is not None:
            for key, value in given.items():
                if existing.record.attributes.get(key, "") != value:
                    raise errors.queue_name_exists(key)
            return existing
        fifo = name.fifo
        values = attrs.defaults(fifo)
        values.update({k: v for k, v in given.items() if v != ""})
        if "RedrivePolicy" in values:
            policy = values["RedrivePolicy"]
            await self.check_dead_letter_target(tx, name, fifo, policy, shown_policy or policy)
        seconds = int(now)
        record = QueueRecord(
            id=secrets.token_hex(8),
            name=name.name,
            account=name.account,
            region=name.region,
            fifo=fifo,
            created=seconds,
            modified=seconds,
            attributes=values,
            tags=dict(tags),
        )
        await self.save(tx, record)
        return Queue(record, QueueConfig.of(values, fifo))

    async def set_attributes(
        self,
        tx: Tx,
        name: QueueName,
        given: dict[str, str],
        now: float,
        *,
        shown_policy: str | None = None,
    ) -> Queue:
        queue = await self.require(tx, name, for_update=True)
        record = queue.record
        values = dict(record.attributes)
        for key, value in given.items():
            if value == "" and key in attrs.REMOVABLE:
                values.pop(key, None)
            else:
                values[key] = value
        policy = given.get("RedrivePolicy")
        if policy:
            await self.check_dead_letter_target(
                tx, name, record.fifo, policy, shown_policy or policy
            )
        record = replace(record, modified=int(now), attributes=values)
        await self.save(tx, record)
        return Queue(record, QueueConfig.of(values, record.fifo))

    async def check_dead_letter_target(
        self, tx: Tx, source: QueueName, fifo: bool, policy: str, shown: str
    ) -> None:
        """The RedrivePolicy's target exists, is of the source's type and accepts it; errors
        quote the policy as the caller wrote it (``shown``)."""
        config = QueueConfig.of({**attrs.defaults(fifo), "RedrivePolicy": policy}, fifo)
        assert config.redrive is not None
        target_name = config.redrive.target
        target = None
        if target_name.region == source.region and target_name.account == source.account:
            target = await self.find(tx, target_name)
        if target is None:
            raise errors.invalid_value("RedrivePolicy", shown, "Dead letter target does not exist")
        if target.fifo != fifo:
            raise errors.invalid_value(
                "RedrivePolicy",
                shown,
                "Dead-letter queue must be same type of queue as the source",
            )
        if not attrs.redrive_allows(target.record.attributes.get("RedriveAllowPolicy"), source.arn):
            raise errors.invalid_value(
                "RedrivePolicy",
                shown,
                f"Queue {source.arn} is not allowed to use {target_name.arn} as its dead-letter "
                "queue",
            )

    async def delete(self, tx: Tx, name: QueueName) -> Queue:
        queue = await self.require(tx, name, for_update=True)
        await QUEUES.delete(tx, name.key)
        self._decoded.pop(name.key, None)
        return queue

    async def mark_purged(self, tx: Tx, name: QueueName, now: float) -> Queue:
        queue = await self.require(tx, name, for_update=True)
        record = queue.record
        if record.purged_at and now < record.purged_at + limits.SQS_PURGE_INTERVAL_SECONDS:
            raise errors.purge_in_progress(record.name)
        record = replace(record, purged_at=now)
        await self.save(tx, record)
        return Queue(record, queue.config)

    async def retag(self, tx: Tx, name: QueueName, add: dict[str, str], remove: list[str]) -> None:
        queue = await self.require(tx, name, for_update=True)
        record = queue.record
        tags = {k: v for k, v in record.tags.items() if k not in remove}
        tags.update(add)
        await self.save(tx, replace(record, tags=tags))

    async def page(
        self,
        tx: Tx,
        region: str,
        account: str,
        name_prefix: str,
        token: str | None,
        limit: int,
    ) -> tuple[list[Queue], str | None]:
        """Queues of an account whose name starts with ``name_prefix``, in name order, from
        where ``token`` left off; returns the page and the token for the next one."""
        after = _token_key(token) if token else None
        rows = await QUEUES.items(
            tx, prefix=list_prefix(region, account, name_prefix), after=after, limit=limit + 1
        )
        page = [Queue(r, QueueConfig.of(r.attributes, r.fifo)) for _, r in rows[:limit]]
        more = len(rows) > limit
        return page, (_make_token(rows[limit - 1][0]) if more and page else None)

    async def dead_letter_sources(self, tx: Tx, target: Queue) -> list[Queue]:
        """Queues of the target's account whose RedrivePolicy names it, in name order."""
        address = target.record.address
        found: list[Queue] = []
        after: bytes | None = None
        while True:
            rows = await QUEUES.items(
                tx, prefix=list_prefix(address.region, address.account), after=after, limit=500
            )
            for _, record in rows:
                config = QueueConfig.of(record.attributes, record.fifo)
                if config.redrive is not None and config.redrive.target == address:
                    found.append(Queue(record, config))
            if len(rows) < 500:
                return found
            after = rows[-1][0]

    async def by_arn(self, tx: Tx, arn: str) -> Queue | None:
        name = parse_arn(arn)
        return None if name is None else await self.find(tx, name)


def _make_token(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def _token_key(token: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise errors.invalid_parameter("Invalid NextToken value.") from None


def normalize_given(given: dict[str, Any], *, fifo: bool, creating: bool) -> dict[str, str]:
    """Check and normalize attributes of CreateQueue / SetQueueAttributes."""
    out: dict[str, str] = {}
    for key, raw in given.items():
        value = str(raw)
        if key == "FifoQueue":
            if not creating:
                if fifo:
                    raise errors.invalid_attribute_value(
                        "FifoQueue", "Modifying queue type is not supported"
                    )
                raise errors.unknown_attribute(key)
            if value.lower() not in ("true", "false"):
                raise errors.invalid_attribute_value(key)
            if value.lower() == "true":
                out[key] = "true"
            continue
        if key in attrs.READ_ONLY:
            raise errors.unknown_attribute(key)
        out[key] = attrs.normalize(key, value, fifo=fifo)
    return out
