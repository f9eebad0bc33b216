"""The warm workers of one function version (one qualified ARN at one revision).

Each worker serves one invocation at a time. An invocation takes the most recently used idle
worker (so a few stay hot and the rest can idle out), or waits for one: the pool starts a new
worker for every waiting invocation that no starting worker will serve, and whichever worker is
free first serves the oldest waiter. The pool never grows past what concurrency admitted (the
engine counts invocations before they reach the pool) nor past the node's worker cap.

Warm minimum: one. After its first invocation a version keeps one worker even when idle, so a
function called now and then does not pay a cold start each time (the pain of the seed systems,
which pinged their functions every minute to keep them warm); it is released after
``keep_warm_s`` without use, or earlier when the node needs the room for other functions.
Extra workers retire after ``idle_s`` idle. A worker killed by a timeout or crash is replaced at
once, so the version stays warm; one whose init failed is not (the next invocation retries
init, as Lambda does).

A pool whose version was updated is *draining*: it takes no new invocations, serves those
already waiting, lets running invocations finish and then stops its workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from skybus import limits
from skybus.engines.functions.runtime.spec import ACCOUNT_LIMIT, FunctionSpec, Throttled
from skybus.engines.functions.runtime.worker import InitFailed, State, Worker


class WorkerStartFailed(Exception):
    """A worker for this waiter did not start; ``worker`` carries its log stream when there
    was one (init errors are answered and logged through it)."""

    def __init__(self, worker: Worker | None, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.worker = worker
        self.cause = cause


class Pool:
    def __init__(
        self,
        spec: FunctionSpec,
        *,
        new_worker: Callable[[Pool], Awaitable[Worker]],
        make_room: Callable[[Pool], bool],
        on_empty: Callable[[Pool], None],
    ) -> None:
        self.spec = spec
        self.workers: set[Worker] = set()
        self.idle: list[Worker] = []
        self.waiters: deque[asyncio.Future[Worker]] = deque()
        #: Workers being started (a task each), and those of them with no process yet.
        self.starting = 0
        self.unborn = 0
        self.draining = False
        self.last_used = time.monotonic()
        self._new_worker = new_worker
        self._make_room = make_room
        self._on_empty = on_empty
        self._tasks: set[asyncio.Task[None]] = set()

    # --- invocations ------------------------------------------------------------------------
    async def acquire(self) -> Worker:
        self.last_used = time.monotonic()
        while self.idle:
            worker = self.idle.pop()
            if worker.state is State.IDLE and not worker.doomed:
                return worker
        waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        self._grow()
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release(waiter.result())
            else:
                self._forget(waiter)
            raise

    def release(self, worker: Worker) -> None:
        """Take a worker back after an invocation."""
        if worker not in self.workers:
            return
        if worker.doomed or worker.state is not State.IDLE:
            self._remove(worker, replace=True)
            return
        self._hand(worker)

    def _hand(self, worker: Worker) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        if self.draining:
            self.retire(worker)
            return
        worker.last_used = time.monotonic()
        self.idle.append(worker)

    def _forget(self, waiter: asyncio.Future[Worker]) -> None:
        with contextlib.suppress(ValueError):
            self.waiters.remove(waiter)

    # --- growth -----------------------------------------------------------------------------
    def _grow(self) -> None:
        wanted = sum(1 for waiter in self.waiters if not waiter.done()) - self.starting
        for _ in range(wanted):
            if not self._make_room(self):
                if not self.workers and not self.starting:
                    self._fail_first(WorkerStartFailed(None, Throttled(ACCOUNT_LIMIT)))
                return
            self._spawn_task(serve=True)

    def _spawn_task(self, *, serve: bool) -> None:
        self.starting += 1
        self.unborn += 1
        task = asyncio.get_running_loop().create_task(self._start(serve))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start(self, serve: bool) -> None:
        worker: Worker | None = None
        try:
            worker = await self._new_worker(self)
            self.unborn -= 1
            self.workers.add(worker)
            await worker.wait_ready(limits.LAMBDA_INIT_TIMEOUT_SECONDS)
        except asyncio.CancelledError:
            if worker is not None:
                worker.kill()
            raise
        except Exception as exc:  # init errors, code errors, spawn failures: the waiter's
            self.starting -= 1
            if worker is None:
                self.unborn -= 1
            else:
                self.workers.discard(worker)
            if serve:
                self._fail_first(WorkerStartFailed(worker, exc))
            self._grow()
            self._maybe_empty()
            return
        self.starting -= 1
        if worker.state is State.IDLE and worker in self.workers:
            self._hand(worker)

    def _fail_first(self, failure: WorkerStartFailed) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_exception(failure)
                return

    # --- retirement -------------------------------------------------------------------------
    def retire(self, worker: Worker) -> None:
        """Stop a worker now (it is removed at once; its process exits shortly)."""
        self.workers.discard(worker)
        if worker in self.idle:
            self.idle.remove(worker)
        worker.kill()
        self._maybe_empty()

    def worker_died(self, worker: Worker) -> None:
        self._remove(worker, replace=worker.served)

    def _remove(self, worker: Worker, *, replace: bool) -> None:
        """A worker leaves after a failure: replace it when it had been serving (a timeout, a
        crash, memory), never when its init failed (that would loop)."""
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        if worker in self.idle:
            self.idle.remove(worker)
        worker.kill()
        if self.waiters:
            self._grow()
        elif (
            replace
            and not self.draining
            and not self.workers
            and not self.starting
            and self._make_room(self)
        ):
            self._spawn_task(serve=False)
        self._maybe_empty()

    def drain(self) -> None:
        self.draining = True
        for worker in list(self.idle):
            self.retire(worker)
        self._maybe_empty()

    def sweep(self, now: float, idle_s: float, keep_warm_s: float) -> None:
        """Retire idle workers past their time (the last one only after ``keep_warm_s``)."""
        for worker in list(self.idle):
            others = len(self.workers) - 1 + self.starting
            limit = idle_s if others > 0 else keep_warm_s
            if now - worker.last_used >= limit:
                self.retire(worker)

    def _maybe_empty(self) -> None:
        if not self.workers and not self.starting and not self.waiters:
            self._on_empty(self)

    def stop(self) -> None:
        self.draining = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self.workers):
            self.retire(worker)
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.cancel()

    def stats(self) -> dict[str, Any]:
        states = [worker.state for worker in self.workers]
        return {
            "arn": self.spec.arn,
            "revision": self.spec.revision,
            "workers": len(self.workers),
            "idle": sum(1 for state in states if state is State.IDLE),
            "busy": sum(1 for state in states if state is State.BUSY),
            "starting": self.starting,
            "waiting": len(self.waiters),
            "draining": self.draining,
        }


__all__ = ["InitFailed", "Pool", "WorkerStartFailed"]
