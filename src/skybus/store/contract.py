"""The one contract every store backend fulfils.

Engines keep all of their state behind this interface, so the same engine code runs on the
embedded SQLite file and on a shared PostgreSQL. The contract has three parts:

* byte-keyed values in named *spaces*, ordered as unsigned bytes, scanned by the index;
* transactions: :meth:`Store.write` runs a function atomically, :meth:`Store.read` runs one on a
  consistent snapshot;
* a durable work queue (the outbox): jobs enqueued in the same transaction as other writes,
  claimed with a visibility timeout and settled with the lease token of that claim, so a worker
  whose lease ran out cannot settle a job that another worker has since claimed.

Rules for the function given to :meth:`Store.write` / :meth:`Store.read`:

* it must only await methods of the :class:`Tx` it is given (no network, no sleeping, no other
  store calls: on SQLite every write waits for it, and a nested ``write()`` would wait forever);
* it may run more than once (PostgreSQL retries on serialization failures and deadlocks), so it
  must have no side effects outside the transaction;
* the :class:`Tx` is valid only until the function returns.

Cross-node wake-ups (another node enqueued work) travel on the node's bus; a backend that several
nodes can share provides the bus's :meth:`Store.relay`, which carries channel names only.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

if TYPE_CHECKING:
    from skybus.bus import Relay

T = TypeVar("T")

Clock = Callable[[], float]
"""Seconds since the epoch; every due/visibility comparison uses the store's clock."""


class StoreError(Exception):
    """The store could not do what was asked (closed, misused, or the backend failed)."""


class ReadOnlyError(StoreError):
    """A write was attempted inside :meth:`Store.read`."""


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed job. ``token`` identifies this claim; settle the job with it."""

    id: str
    payload: bytes
    attempts: int
    """How many times the job has been claimed, this claim included."""
    token: str
    enqueued_at: float


@dataclass(frozen=True, slots=True)
class QueueDepth:
    ready: int
    """Claimable now (never claimed, retried and due, or whose lease has run out)."""
    in_flight: int
    """Claimed and still within their visibility timeout."""
    delayed: int
    """Not claimed, waiting for their delay to pass."""


class Tx(ABC):
    """Operations inside one transaction. Keys and values are ``bytes``."""

    @abstractmethod
    async def get(self, space: str, key: bytes, *, for_update: bool = False) -> bytes | None:
        """The value under ``key``; ``for_update`` locks the key until the transaction ends
        (whether or not it exists), for read-modify-write."""

    @abstractmethod
    async def put(self, space: str, key: bytes, value: bytes) -> None:
        """Insert or overwrite."""

    @abstractmethod
    async def insert(self, space: str, key: bytes, value: bytes) -> bool:
        """Insert unless the key exists; False (and nothing written) if it does."""

    @abstractmethod
    async def delete(self, space: str, key: bytes) -> bool:
        """Remove the key; False if it was not there."""

    @abstractmethod
    async def scan(
        self,
        space: str,
        *,
        start: bytes | None = None,
        end: bytes | None = None,
        prefix: bytes | None = None,
        after: bytes | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[tuple[bytes, bytes]]:
        """Pairs in key order (descending if ``reverse``) within ``[start, end)`` and ``prefix``.

        ``after`` is a pagination cursor: the last key of the previous page. The scan continues
        strictly beyond it in the scan's direction (keys > after, or < after when reversed).
        """

    @abstractmethod
    async def count(self, space: str, *, prefix: bytes | None = None) -> int: ...

    @abstractmethod
    async def drop_space(self, space: str) -> int:
        """Remove every key of the space; returns how many there were."""

    @abstractmethod
    async def enqueue(
        self, queue: str, payload: bytes, *, delay: float = 0.0, job_id: str | None = None
    ) -> str:
        """Add a job, claimable after ``delay`` seconds. With a ``job_id`` that is already in
        the queue, nothing changes (idempotent enqueue). Returns the job id."""

    @abstractmethod
    async def claim(self, queue: str, *, limit: int, visibility: float) -> list[Job]:
        """Lease up to ``limit`` due jobs, oldest due first, hidden for ``visibility`` seconds.

        Each claim increments ``attempts`` and issues a new token, invalidating earlier ones.
        """

    @abstractmethod
    async def ack(self, queue: str, job_id: str, token: str) -> bool:
        """Delete the job if ``token`` is its current lease token. A lease that has run out
        but whose job nobody has claimed again is still honoured."""

    @abstractmethod
    async def retry(
        self,
        queue: str,
        job_id: str,
        token: str,
        *,
        delay: float,
        payload: bytes | None = None,
    ) -> bool:
        """Release the lease and make the job due again after ``delay`` (optionally with a new
        payload). The token stops being valid."""

    @abstractmethod
    async def extend(self, queue: str, job_id: str, token: str, *, visibility: float) -> bool:
        """Keep the lease: the job stays hidden for ``visibility`` seconds from now."""

    @abstractmethod
    async def queue_depth(self, queue: str) -> QueueDepth: ...

    @abstractmethod
    async def purge_queue(self, queue: str) -> int:
        """Delete every job of the queue, claimed or not; returns how many there were."""


class Store(ABC):
    """A durable store. Open it (or use ``async with``) before use; close it to release it."""

    backend: str
    clock: Clock

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock

    def relay(self, node_id: str) -> Relay | None:
        """How this node's bus reaches other nodes sharing the store; None when no other node
        can share it (an embedded SQLite file belongs to one process)."""
        return None

    @abstractmethod
    async def open(self) -> None:
        """Connect and create the schema if needed (idempotent)."""

    @abstractmethod
    async def close(self) -> None:
        """Finish queued writes and release connections. Acknowledged writes are durable."""

    @abstractmethod
    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` in a read-write transaction; commit, then return its result. If ``fn``
        raises, none of its writes (or enqueues) take effect and the exception propagates."""

    @abstractmethod
    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` on a consistent read-only snapshot."""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # One-operation shortcuts.

    async def get(self, space: str, key: bytes) -> bytes | None:
        return await self.read(lambda tx: tx.get(space, key))

    async def put(self, space: str, key: bytes, value: bytes) -> None:
        await self.write(lambda tx: tx.put(space, key, value))

    async def insert(self, space: str, key: bytes, value: bytes) -> bool:
        return await self.write(lambda tx: tx.insert(space, key, value))

    async def delete(self, space: str, key: bytes) -> bool:
        return await self.write(lambda tx: tx.delete(space, key))

    async def scan(
        self,
        space: str,
        *,
        start: bytes | None = None,
        end: bytes | None = None,
        prefix: bytes | None = None,
        after: bytes | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[tuple[bytes, bytes]]:
        return await self.read(
            lambda tx: tx.scan(
                space,
                start=start,
                end=end,
                prefix=prefix,
                after=after,
                reverse=reverse,
                limit=limit,
            )
        )

    async def count(self, space: str, *, prefix: bytes | None = None) -> int:
        return await self.read(lambda tx: tx.count(space, prefix=prefix))

    async def enqueue(
        self, queue: str, payload: bytes, *, delay: float = 0.0, job_id: str | None = None
    ) -> str:
        return await self.write(lambda tx: tx.enqueue(queue, payload, delay=delay, job_id=job_id))

    async def claim(self, queue: str, *, limit: int, visibility: float) -> list[Job]:
        return await self.write(lambda tx: tx.claim(queue, limit=limit, visibility=visibility))

    async def ack(self, queue: str, job_id: str, token: str) -> bool:
        return await self.write(lambda tx: tx.ack(queue, job_id, token))

    async def retry(
        self,
        queue: str,
        job_id: str,
        token: str,
        *,
        delay: float,
        payload: bytes | None = None,
    ) -> bool:
        return await self.write(
            lambda tx: tx.retry(queue, job_id, token, delay=delay, payload=payload)
        )

    async def extend(self, queue: str, job_id: str, token: str, *, visibility: float) -> bool:
        return await self.write(lambda tx: tx.extend(queue, job_id, token, visibility=visibility))

    async def queue_depth(self, queue: str) -> QueueDepth:
        return await self.read(lambda tx: tx.queue_depth(queue))
