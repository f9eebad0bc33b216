"""The function runtime engine: runs invocations in warm worker processes.

The Invoke API (and asynchronous invocation, event sources, API Gateway) call :meth:`invoke`
with the function's current :class:`FunctionSpec`; the engine admits the call against
concurrency, finds the version's pool (rolling it when the spec's revision changed), takes a warm
worker or starts one, and returns what the function answered, its log tail and its measurements.
Function failures (errors, init faults, timeouts, crashes, memory) are results, never
exceptions: :class:`Throttled` and :class:`CodeError` are what a caller has to expect, besides
Skybus's own failures (a worker process that cannot be started at all).

Where things live: unpacked zips in ``<data dir>/functions/code/<sha256>/``; awslambdaric for
interpreters other than Skybus's own in ``<data dir>/functions/runtimes/`` (or
``$SKYBUS_RUNTIMES_DIR``), see :mod:`.interpreters`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import resource
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines import Engine
from skybus.engines.functions.runtime import launch
from skybus.engines.functions.runtime.code import CodeCache
from skybus.engines.functions.runtime.concurrency import Concurrency
from skybus.engines.functions.runtime.folders import FolderWatch
from skybus.engines.functions.runtime.interpreters import Interpreters
from skybus.engines.functions.runtime.lambda_logs import Event as LogEvent
from skybus.engines.functions.runtime.lambda_logs import LogShipper, Sink
from skybus.engines.functions.runtime.pool import Pool, WorkerStartFailed
from skybus.engines.functions.runtime.runtime_api import Event
from skybus.engines.functions.runtime.spec import FunctionSpec, InvocationResult, Throttled
from skybus.engines.functions.runtime.worker import InitFailed, State, Worker

if TYPE_CHECKING:
    from skybus.node import Node

RUNTIMES_DIR_VAR = "SKYBUS_RUNTIMES_DIR"


class FunctionRuntime(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        base = node.settings.data_dir / "functions"
        runtimes = node.settings.env.get(RUNTIMES_DIR_VAR)
        self.code = CodeCache(base / "code")
        self.interpreters = Interpreters(Path(runtimes) if runtimes else base / "runtimes")
        self.concurrency = Concurrency()
        #: Worker processes on this node at most; idle workers past their time retire.
        self.max_workers = limits.LAMBDA_NODE_MAX_WORKERS
        self.idle_s = limits.LAMBDA_WORKER_IDLE_SECONDS
        self.keep_warm_s = limits.LAMBDA_POOL_KEEP_WARM_SECONDS
        self._pools: dict[str, Pool] = {}
        # Functions run from a folder: the folder's fingerprint their pool was started with.
        self._folders = FolderWatch()
        self._folder_prints: dict[str, tuple[int, int]] = {}
        self._draining: set[Pool] = set()
        self._shipper = LogShipper(_logs_sink(node))
        self._sweeper: asyncio.Task[None] | None = None
        self._calls: set[asyncio.Task[InvocationResult]] = set()
        #: Every worker whose process has not exited, in a pool or already retired from one.
        self._live: set[Worker] = set()

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        _raise_file_limit(limits.LAMBDA_NODE_FILE_DESCRIPTORS)
        self._shipper.start()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep(), name="lambda-sweep")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for pool in self._all_pools():
            pool.stop()
        self._pools.clear()
        self._draining.clear()
        for worker in list(self._live):
            worker.kill()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(w.exited.wait() for w in self._live)), 5)
        for call in list(self._calls):
            call.cancel()
        await self._shipper.stop()

    # --- the contract -----------------------------------------------------------------------
    async def invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        *,
        request_id: str,
        client_context: str | None = None,
        deadline_s: float | None = None,
        invoked_arn: str | None = None,
    ) -> InvocationResult:
        """Run one invocation. ``client_context`` is the JSON text (or its base64, as Invoke's
        ``X-Amz-Client-Context`` carries it); ``deadline_s`` is an absolute time on the node's
        clock that can only shorten the function's own timeout; ``invoked_arn`` is the ARN the
        caller named (unqualified, or with its alias), which the handler sees as
        ``context.invoked_function_arn`` (default: the version's ARN)."""
        limit_s = float(spec.timeout_s)
        if deadline_s is not None:
            limit_s = max(0.0, min(limit_s, deadline_s - self.node.clock()))
        self.concurrency.enter(spec)
        call = asyncio.get_running_loop().create_task(
            self._invoke(
                spec,
                payload,
                request_id,
                _client_context(client_context),
                limit_s,
                invoked_arn or spec.arn,
            )
        )
        self._calls.add(call)
        call.add_done_callback(self._call_done)
        # The call finishes (and gives its worker back) even if our caller goes away.
        return await asyncio.shield(call)

    def _call_done(self, call: asyncio.Task[InvocationResult]) -> None:
        self._calls.discard(call)
        if not call.cancelled():
            call.exception()  # retrieved here too, in case our caller was gone by then

    async def retire(self, function_arn_prefix: str) -> None:
        """Drain the pools of a deleted or updated function: ``arn:...:function:NAME`` covers
        every version of NAME (and only NAME); a qualified ARN covers that version."""
        prefix = function_arn_prefix
        below = prefix if prefix.endswith(":") else prefix + ":"
        for arn, pool in list(self._pools.items()):
            if arn == prefix or arn.startswith(below):
                del self._pools[arn]
                self._drain(pool)

    def stats(self) -> dict[str, Any]:
        pools = [pool.stats() for pool in self._all_pools()]
        workers = [w for pool in self._all_pools() for w in pool.workers]
        return {
            "pools": pools,
            "workers": len(workers),
            "idle": sum(1 for w in workers if w.state is State.IDLE),
            "busy": sum(1 for w in workers if w.state is State.BUSY),
            "starting": sum(1 for w in workers if w.state is State.STARTING),
            "memory_kb": sum(w.rss_kb() for w in workers),
            "max_workers": self.max_workers,
        }

    async def flush_logs(self) -> None:
        """Wait until the log lines of finished invocations are stored."""
        await self._shipper.flush()

    # --- invocations ------------------------------------------------------------------------
    async def _invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        request_id: str,
        client_context: str | None,
        limit_s: float,
        invoked_arn: str,
    ) -> InvocationResult:
        try:
            pool = self._pool(spec)
            while True:
                try:
                    worker = await pool.acquire()
                except WorkerStartFailed as failed:
                    event = self._event(payload, request_id, client_context, limit_s, invoked_arn)
                    if failed.worker is not None and isinstance(failed.cause, InitFailed):
                        return failed.worker.init_failure(event, failed.cause)
                    raise failed.cause from None
                if worker.state is State.IDLE:
                    break
                pool.release(worker)  # it died on its way to us: take another
            event = self._event(payload, request_id, client_context, limit_s, invoked_arn)
            try:
                return await worker.invoke(event, limit_s)
            finally:
                pool.release(worker)
        finally:
            self.concurrency.leave(spec)

    def _event(
        self,
        payload: bytes,
        request_id: str,
        client_context: str | None,
        limit_s: float,
        invoked_arn: str,
    ) -> Event:
        now = time.time()
        return Event(
            request_id=request_id,
            payload=payload,
            deadline_ms=int((now + limit_s) * 1000),
            invoked_arn=invoked_arn,
            trace_id=f"Root=1-{int(now):08x}-{secrets.token_hex(12)};"
            f"Parent={secrets.token_hex(8)};Sampled=0",
            client_context=client_context,
        )

    # --- pools ------------------------------------------------------------------------------
    def _pool(self, spec: FunctionSpec) -> Pool:
        pool = self._pools.get(spec.arn)
        edited = False
        if spec.code.folder is not None:
            printed = self._folders.current(spec.code.folder)
            edited = self._folder_prints.get(spec.arn, printed) != printed
            self._folder_prints[spec.arn] = printed
        if pool is not None and (
            edited
            or pool.spec.revision != spec.revision
            or pool.spec.code_sha256 != spec.code_sha256
        ):
            self._drain(pool)
            pool = None
        if pool is None:
            pool = self._pools[spec.arn] = Pool(
                spec, new_worker=self._new_worker, make_room=self._make_room, on_empty=self._empty
            )
        return pool

    def _drain(self, pool: Pool) -> None:
        pool.drain()
        if pool.workers or pool.starting or pool.waiters:
            self._draining.add(pool)

    def _empty(self, pool: Pool) -> None:
        if pool.draining:
            self._draining.discard(pool)

    def _all_pools(self) -> list[Pool]:
        return [*self._pools.values(), *self._draining]

    def _make_room(self, pool: Pool) -> bool:
        """Whether one more worker may start, retiring the longest-idle worker of any version
        when the node is at its cap."""
        pools = self._all_pools()
        if sum(len(p.workers) + p.unborn for p in pools) < self.max_workers:
            return True
        candidates = [(w.last_used, id(w), p, w) for p in pools for w in p.idle]
        if not candidates:
            return False
        _, _, owner, oldest = min(candidates)
        owner.retire(oldest)
        return True

    async def _new_worker(self, pool: Pool) -> Worker:
        spec = pool.spec
        interpreter = await self.interpreters.get(spec.runtime)
        code_dir = str(await self.code.folder_for(spec))

        def dead(worker: Worker) -> None:
            self._live.discard(worker)
            pool.worker_died(worker)

        worker = Worker(spec, clock=self.node.clock, emit=self._shipper.emit, on_dead=dead)
        self._live.add(worker)
        await worker.listen()
        env = launch.environment(
            spec,
            interpreter=interpreter,
            code_dir=code_dir,
            runtime_api=f"127.0.0.1:{worker.port}",
            log_group=worker.log_group,
            log_stream=worker.log_stream,
            identity=self._identity(),
        )
        if interpreter.warning:
            worker.note(f"[WARNING] Skybus: {interpreter.warning}")
        try:
            worker.spawn(launch.command(interpreter, spec), cwd=code_dir, env=env)
        except OSError:
            worker.kill()
            raise
        return worker

    def _identity(self) -> launch.Identity:
        credentials = self.node.credentials
        key = None
        for key_id in credentials.key_ids():
            key = credentials.lookup(key_id)
            break
        if key is None:
            return launch.Identity(self.node.settings.endpoint, "test", "test")
        return launch.Identity(self.node.settings.endpoint, key.access_key, key.secret)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(max(min(self.idle_s, self.keep_warm_s) / 4, 0.05), 1.0))
            now = time.monotonic()
            for pool in self._all_pools():
                pool.sweep(now, self.idle_s, self.keep_warm_s)
            for arn, pool in list(self._pools.items()):
                if not pool.workers and not pool.starting and not pool.waiters:
                    del self._pools[arn]


def _raise_file_limit(wanted: int) -> None:
    """Each worker holds a listening socket, a connection, a pipe and a pidfd in Skybus: lift
    the soft open-files limit (often 1,024) towards the hard one so a full node fits."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        pass


def _client_context(value: str | None) -> str | None:
    """Invoke passes the client context as base64 JSON; the Runtime API carries the JSON."""
    if value is None or value.lstrip().startswith("{"):
        return value
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return value


def _logs_sink(node: Node) -> Sink:
    """Function logs go to the node's CloudWatch Logs engine (group and stream created as
    needed)."""
    from skybus.engines.logs import LogsEngine

    logs = node.engine(LogsEngine)

    async def sink(
        account: str, region: str, group: str, stream: str, events: Sequence[LogEvent]
    ) -> None:
        await logs.put_events(account, region, group, stream, list(events))

    return sink


__all__ = ["FunctionRuntime", "Throttled"]
