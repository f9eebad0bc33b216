"""One mapping's poller on one node: fetch a batch, invoke the function, settle the batch.

A receiver task asks the source for batches while fewer than the mapping's concurrency are in
flight (so no record is fetched that could not be worked on at once) and runs each batch in a
task of its own. An invocation is synchronous, as Lambda's pollers invoke:

* the function answers: the batch succeeded, or (with ``ReportBatchItemFailures``) the records
  its response names failed;
* the function errors (or times out, or its code cannot be loaded): the whole batch failed;
* the function is throttled: the same batch is offered again after a growing delay while its
  records are still safely hidden, and the receiver pauses for that delay too; past that the
  batch is given back to the source as failed;
* the function or the source does not exist: nothing is fetched; the poller looks again after a
  growing delay.

Stopping the receiver (a disable, an update, a delete) lets batches in flight finish and settle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Protocol

from skybus import limits
from skybus.engines.functions.arns import FunctionRef
from skybus.engines.functions.mappings.batch_response import failed_items
from skybus.engines.functions.mappings.model import Mapping
from skybus.engines.functions.mappings.source import Batch, Source, SourceGone
from skybus.engines.functions.runtime.spec import InvocationResult, Throttled
from skybus.engines.functions.specs import Target
from skybus.wire.errors import ServiceError

log = logging.getLogger("skybus.functions")

#: A source that answered "nothing" faster than this is not asked again at once (it is closing).
QUICK_EMPTY_SECONDS = 0.05


class Invoker(Protocol):
    async def resolve_target(self, ref: FunctionRef) -> Target: ...

    async def run(self, target: Target, payload: bytes, request_id: str) -> InvocationResult: ...


class Backoff:
    """A delay that doubles with every failure in a row, between the configured bounds."""

    def __init__(
        self,
        low: float = limits.LAMBDA_MAPPING_BACKOFF_MIN_SECONDS,
        high: float = limits.LAMBDA_MAPPING_BACKOFF_MAX_SECONDS,
    ) -> None:
        self.low = low
        self.high = high
        self.current = low

    def next(self) -> float:
        delay = self.current
        self.current = min(self.current * 2, self.high)
        return delay

    def reset(self) -> None:
        self.current = self.low


class Poller:
    def __init__(self, mapping: Mapping, source: Source, invoker: Invoker) -> None:
        self.mapping = mapping
        self.revision = mapping.revision
        self._source = source
        self._invoker = invoker
        self._concurrency = mapping.max_concurrency or limits.LAMBDA_MAPPING_CONCURRENCY
        self._receiver: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self._pause_until = 0.0
        self._missing = Backoff()
        self._problem: str | None = None

    def start(self) -> None:
        self._receiver = asyncio.create_task(
            self._receive(), name=f"lambda-mapping-{self.mapping.uuid}"
        )

    def stop(self) -> None:
        """Fetch no more batches; those in flight finish and settle."""
        if self._receiver is not None:
            self._receiver.cancel()

    @property
    def idle(self) -> bool:
        """Stopped, with no batch in flight."""
        stopped = self._receiver is None or self._receiver.done()
        return stopped and not self._batches

    async def close(self) -> None:
        """Stop at once (the node is stopping). Batches cut short are not settled: their
        records come back when their visibility runs out."""
        tasks = [t for t in (self._receiver, *self._batches) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # receiving ---------------------------------------------------------------------------

    async def _receive(self) -> None:
        slots = asyncio.Semaphore(self._concurrency)
        while True:
            await slots.acquire()
            handed_over = False
            try:
                handed_over = await self._fetch_one(slots)
            except asyncio.CancelledError:
                raise
            except SourceGone as exc:
                self._report(str(exc))
                await asyncio.sleep(self._missing.next())
            except Exception:
                log.exception("event source mapping %s failed to poll", self.mapping.uuid)
                await asyncio.sleep(self._missing.next())
            finally:
                if not handed_over:
                    slots.release()

    async def _fetch_one(self, slots: asyncio.Semaphore) -> bool:
        """Fetch a batch and start working on it; True when a batch task took the slot."""
        pause = self._pause_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        try:
            await self._invoker.resolve_target(self.mapping.function)
        except ServiceError as exc:
            self._report(f"function {self.mapping.function_arn}: {exc.message}")
            await asyncio.sleep(self._missing.next())
            return False
        asked = time.monotonic()
        batch = await self._source.next_batch(self.mapping.batch_size, self.mapping.window)
        if batch is None:
            if time.monotonic() - asked < QUICK_EMPTY_SECONDS:
                await asyncio.sleep(limits.LAMBDA_MAPPING_BACKOFF_MAX_SECONDS / 10)
            return False
        self._missing.reset()
        self._report(None)
        task = asyncio.create_task(self._work(batch, slots))
        self._batches.add(task)
        task.add_done_callback(self._batches.discard)
        return True

    def _report(self, problem: str | None) -> None:
        """Log a problem once, not at every look."""
        if problem is not None and problem != self._problem:
            log.warning("event source mapping %s: %s", self.mapping.uuid, problem)
        self._problem = problem

    # invoking ----------------------------------------------------------------------------

    async def _work(self, batch: Batch, slots: asyncio.Semaphore) -> None:
        try:
            failed = await self._invoke(batch)
            await self._source.settle(batch, failed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event source mapping %s failed to settle a batch", self.mapping.uuid)
        finally:
            slots.release()

    async def _invoke(self, batch: Batch) -> frozenset[str]:
        """The records that were not processed."""
        everything = frozenset(batch.ids)
        payload = batch.payload()
        throttled = Backoff()
        while True:
            try:
                target = await self._invoker.resolve_target(self.mapping.function)
            except ServiceError as exc:
                self._report(f"function {self.mapping.function_arn}: {exc.message}")
                return everything
            try:
                result = await self._invoker.run(target, payload, str(uuid.uuid4()))
            except Throttled:
                delay = throttled.next()
                self._pause_until = max(self._pause_until, time.monotonic() + delay)
                if time.monotonic() + delay + target.spec.timeout_s >= batch.expires:
                    return everything
                await asyncio.sleep(delay)
                continue
            except Exception as exc:
                log.warning(
                    "event source mapping %s could not invoke %s: %s",
                    self.mapping.uuid,
                    self.mapping.function_arn,
                    exc,
                )
                return everything
            if result.function_error is not None:
                return everything
            if self.mapping.reports_item_failures:
                return failed_items(result.payload, batch.ids)
            return frozenset()
