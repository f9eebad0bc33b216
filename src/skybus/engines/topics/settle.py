"""Settling claimed delivery jobs in batches.

Each delivery ends with one store operation on its job (acknowledge, reschedule, or keep the
lease longer). Done one transaction each, those writes would cost more than the deliveries;
the settler gathers them and applies each gathered batch in one transaction. A batch that fails
to commit is logged and its jobs come back when their leases run out: delivery is at least
once, so nothing is lost, at worst repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from skybus import limits
from skybus.store import Job, Store, Tx

log = logging.getLogger("skybus.topics")

_ACK = 0
_RETRY = 1
_EXTEND = 2

Op = tuple[int, Job, float, bytes | None]


class Settler:
    def __init__(
        self, store: Callable[[], Store], queue: str, on_due: Callable[[float], None]
    ) -> None:
        self._store = store
        self._queue = queue
        self._on_due = on_due
        self._ops: list[Op] = []
        self._task: asyncio.Task[None] | None = None
        self._handle: asyncio.TimerHandle | None = None

    @property
    def idle(self) -> bool:
        """Nothing waits to be written."""
        return not self._ops and self._task is None

    def ack(self, job: Job) -> None:
        self._add((_ACK, job, 0.0, None))

    def retry(self, job: Job, delay: float, payload: bytes | None = None) -> None:
        self._add((_RETRY, job, max(delay, 0.0), payload))

    def extend(self, job: Job, visibility: float) -> None:
        self._add((_EXTEND, job, visibility, None))

    def _add(self, op: Op) -> None:
        self._ops.append(op)
        if self._task is not None:
            return
        if len(self._ops) >= limits.SNS_SETTLE_BATCH:
            self._start()
        elif self._handle is None:
            loop = asyncio.get_running_loop()
            self._handle = loop.call_later(limits.SNS_SETTLE_LINGER_SECONDS, self._start)

    def _start(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._task is None and self._ops:
            self._task = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._ops:
                ops = self._ops[: limits.SNS_SETTLE_BATCH * 4]
                del self._ops[: len(ops)]
                await self._apply(ops)
        finally:
            self._task = None

    async def _apply(self, ops: list[Op]) -> None:
        queue = self._queue

        async def write(tx: Tx) -> None:
            for kind, job, number, payload in ops:
                if kind == _ACK:
                    await tx.ack(queue, job.id, job.token)
                elif kind == _RETRY:
                    await tx.retry(queue, job.id, job.token, delay=number, payload=payload)
                else:
                    await tx.extend(queue, job.id, job.token, visibility=number)

        try:
            await self._store().write(write)
        except Exception:
            log.exception("could not settle %d deliveries; they will be tried again", len(ops))
            return
        soonest = min((number for kind, _, number, _ in ops if kind == _RETRY), default=None)
        if soonest is not None:
            self._on_due(soonest)

    async def close(self) -> None:
        self._start()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
