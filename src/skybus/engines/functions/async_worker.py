"""The async invocation workers: claim due events, run them, retry or deliver the outcome.

A dispatcher claims as many due jobs as there are free worker slots and runs each in its own
task. While an attempt runs, its lease is renewed; a node that dies mid-attempt stops renewing,
so the job becomes due again after the lease and another worker (or this node, restarted) runs
it again: delivery is at least once, as on Lambda. The outcome is delivered to destinations and
the DLQ before the job is acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

import orjson

from skybus import limits
from skybus.engines.functions import records, retry_policy
from skybus.engines.functions.arns import LATEST, FunctionRef, function_arn
from skybus.engines.functions.async_events import CHANNEL, QUEUE, AsyncEvent
from skybus.engines.functions.destinations import Destinations
from skybus.engines.functions.model import InvokeConfig
from skybus.engines.functions.records import Outcome
from skybus.engines.functions.runtime.spec import CodeError, InvocationResult, Throttled
from skybus.engines.functions.specs import Target
from skybus.store.contract import Job, Store
from skybus.wire.errors import ServiceError

log = logging.getLogger("skybus.functions")


class Runner(Protocol):
    async def resolve_target(self, ref: FunctionRef) -> Target: ...

    async def invoke_config(self, ref: FunctionRef) -> InvokeConfig | None: ...

    async def run(self, target: Target, payload: bytes, request_id: str) -> InvocationResult: ...


class AsyncWorkers:
    def __init__(
        self,
        runner: Runner,
        destinations: Destinations,
        store: Callable[[], Store],
        clock: Callable[[], float],
        wait: Callable[[str, float], Awaitable[bool]],
        *,
        scale: float = 1.0,
        slots: int = limits.LAMBDA_ASYNC_WORKERS,
    ) -> None:
        self._runner = runner
        self._destinations = destinations
        self._store = store
        self._clock = clock
        self._wait = wait
        self.scale = scale
        self._slots = slots
        self._lease = max(limits.LAMBDA_ASYNC_LEASE_SECONDS * scale, 2.0)
        self._poll = min(limits.LAMBDA_ASYNC_POLL_SECONDS, max(0.05, scale))
        self._active: set[asyncio.Task[None]] = set()
        self._dispatcher: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._dispatcher = asyncio.create_task(self._dispatch(), name="lambda-async-dispatcher")

    async def stop(self) -> None:
        tasks = [t for t in (self._dispatcher, *self._active) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._dispatcher = None
        # Jobs whose attempt was cut short become due again when their lease runs out.

    async def _dispatch(self) -> None:
        while True:
            free = self._slots - len(self._active)
            if free <= 0:
                await asyncio.wait(self._active, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                jobs = await self._store().claim(QUEUE, limit=free, visibility=self._lease)
            except Exception:
                log.exception("claiming async invocations failed")
                jobs = []
            if not jobs:
                await self._wait(CHANNEL, self._poll)
                continue
            for job in jobs:
                task = asyncio.create_task(self._run(job), name=f"lambda-async-{job.id}")
                self._active.add(task)
                task.add_done_callback(self._active.discard)

    async def _run(self, job: Job) -> None:
        keeper = asyncio.create_task(self._keep_lease(job))
        try:
            event = AsyncEvent.decode(job.payload)
            await self._attempt(job, event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("async invocation %s failed inside Skybus; retrying", job.id)
            with contextlib.suppress(Exception):
                await self._store().retry(
                    QUEUE, job.id, job.token, delay=limits.LAMBDA_ASYNC_BACKOFF_MIN_SECONDS
                )
        finally:
            keeper.cancel()

    async def _keep_lease(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self._lease / 3)
            if not await self._store().extend(QUEUE, job.id, job.token, visibility=self._lease):
                return

    async def _attempt(self, job: Job, event: AsyncEvent) -> None:
        ref = event.ref
        try:
            target = await self._runner.resolve_target(ref)
        except ServiceError as exc:
            log.warning("dropping async invocation %s: %s", event.request_id, exc.message)
            await self._store().ack(QUEUE, job.id, job.token)
            return
        config = await self._runner.invoke_config(ref)
        rules = _rules(config)
        arn = function_arn(ref.region, ref.account, ref.name, ref.qualifier or LATEST)
        age = self._clock() - event.accepted_at
        if retry_policy.too_old(age, rules, self.scale):
            await self._fail(job, event, target, config, arn, records.EVENT_AGE_EXCEEDED, None)
            return
        if target.reserved_concurrency == 0:
            # Lambda sends events for a function that may not run straight to failure.
            throttled = _throttled_outcome(event, arn, target, records.RETRIES_EXHAUSTED)
            await self._finish(job, throttled, target, config, failed=True)
            return
        result = await self._run_once(target, event)
        if result is None:
            # Throttled, or Skybus failed to run it: back off and try again while young enough.
            event.backoffs += 1
            decision = retry_policy.after_throttle(event.backoffs, age, rules, self.scale)
            if decision.action == retry_policy.RETRY:
                await self._retry(job, event, decision.delay)
            else:
                throttled = _throttled_outcome(event, arn, target, decision.condition)
                await self._finish(job, throttled, target, config, failed=True)
            return
        event.invocations += 1
        event.backoffs = 0
        if result.function_error is None:
            await self._finish(
                job, _outcome(event, arn, target, records.SUCCESS, result), target, config
            )
            return
        event.function_errors += 1
        decision = retry_policy.after_function_error(event.function_errors, age, rules, self.scale)
        if decision.action == retry_policy.RETRY:
            await self._retry(job, event, decision.delay)
            return
        await self._fail(job, event, target, config, arn, decision.condition, result)

    async def _run_once(self, target: Target, event: AsyncEvent) -> InvocationResult | None:
        """The function's answer; None when it was throttled or could not be run at all."""
        try:
            return await self._runner.run(target, event.body, event.request_id)
        except Throttled:
            return None
        except CodeError as exc:
            # Code that cannot be unpacked fails like the function itself would.
            return InvocationResult(
                payload=_code_error(str(exc)),
                function_error="Unhandled",
                log_tail="",
                duration_ms=0.0,
                billed_ms=0,
                max_memory_mb=0,
                init_ms=None,
            )
        except Exception:
            log.exception("async invocation %s could not be run", event.request_id)
            return None

    async def _retry(self, job: Job, event: AsyncEvent, delay: float) -> None:
        await self._store().retry(QUEUE, job.id, job.token, delay=delay, payload=event.encode())

    async def _fail(
        self,
        job: Job,
        event: AsyncEvent,
        target: Target,
        config: InvokeConfig | None,
        arn: str,
        condition: str,
        result: InvocationResult | None,
    ) -> None:
        outcome = _outcome(event, arn, target, condition, result)
        await self._finish(job, outcome, target, config, failed=True)

    async def _finish(
        self,
        job: Job,
        outcome: Outcome,
        target: Target,
        config: InvokeConfig | None,
        *,
        failed: bool = False,
    ) -> None:
        now = self._clock()
        destination = None
        if config is not None:
            destination = config.on_failure if failed else config.on_success
        if destination:
            await self._destinations.send(destination, records.destination_record(outcome, now))
        if failed and target.dead_letter_arn:
            await self._destinations.send(
                target.dead_letter_arn,
                outcome.request_payload,
                records.dead_letter_attributes(outcome),
            )
        if failed:
            log.info(
                "async invocation %s of %s failed (%s)",
                outcome.request_id,
                outcome.function_arn,
                outcome.condition,
            )
        await self._store().ack(QUEUE, job.id, job.token)


def _rules(config: InvokeConfig | None) -> retry_policy.Limits:
    if config is None:
        return retry_policy.Limits()
    return retry_policy.Limits(
        max_retries=limits.LAMBDA_ASYNC_RETRIES
        if config.max_retries is None
        else config.max_retries,
        max_age=limits.LAMBDA_MAX_EVENT_AGE_SECONDS if config.max_age is None else config.max_age,
    )


def _outcome(
    event: AsyncEvent,
    arn: str,
    target: Target,
    condition: str,
    result: InvocationResult | None,
) -> Outcome:
    return Outcome(
        request_id=event.request_id,
        function_arn=arn,
        condition=condition,
        invocations=event.invocations,
        request_payload=event.body,
        status_code=200 if result is not None else None,
        executed_version=target.spec.version if result is not None else None,
        function_error=result.function_error if result is not None else None,
        response_payload=result.payload if result is not None else None,
    )


def _throttled_outcome(event: AsyncEvent, arn: str, target: Target, condition: str) -> Outcome:
    return Outcome(
        request_id=event.request_id,
        function_arn=arn,
        condition=condition,
        invocations=event.invocations,
        request_payload=event.body,
        status_code=429,
        executed_version=target.spec.version,
    )


def _code_error(message: str) -> bytes:
    return orjson.dumps({"errorMessage": message, "errorType": "InvalidZipFileException"})
