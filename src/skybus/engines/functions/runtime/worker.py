"""One warm worker: a process running awslambdaric against a Runtime API served to it alone,
one invocation at a time.

States: *starting* until the runtime client first asks for an invocation (its init phase is
over), then *idle* / *busy*, then *dead* once its process has exited. A worker that timed out,
crashed, ran out of memory or returned an oversized result is killed and never reused, so the
next invocation starts from a fresh init, as on Lambda.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections import deque
from collections.abc import Callable

import orjson

from skybus import limits
from skybus.engines.functions.runtime import failures, lambda_logs
from skybus.engines.functions.runtime.output import Output
from skybus.engines.functions.runtime.process import Process
from skybus.engines.functions.runtime.runtime_api import (
    ACCEPTED,
    ClientConnection,
    Event,
    RuntimeConnection,
    error_reply,
)
from skybus.engines.functions.runtime.spec import FunctionSpec, InvocationResult

#: ``(account, region, group, stream, [(timestamp ms, message), ...])`` -> shipped.
LogEmitter = Callable[[str, str, str, str, list[tuple[int, str]]], None]


class State(enum.Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    DEAD = "dead"


class InitFailed(Exception):
    """The worker never became ready: an init error it reported, its exit, or (with
    ``timed_out_s`` set) an init phase past its limit."""

    def __init__(
        self,
        body: bytes | None,
        returncode: int | None,
        error_type: str,
        timed_out_s: float | None = None,
    ) -> None:
        super().__init__(error_type)
        self.body = body
        self.returncode = returncode
        self.error_type = error_type
        self.timed_out_s = timed_out_s


class _Outcome:
    __slots__ = ("after", "error_type", "payload", "status")

    def __init__(
        self,
        payload: bytes,
        error_type: str | None = None,
        status: str | None = None,
        after: str | None = None,
    ) -> None:
        self.payload = payload
        self.error_type = error_type  # None: success
        self.status = status  # REPORT's Status field (None for a plain result or error)
        self.after = after  # a platform line written after REPORT


class Worker:
    def __init__(
        self,
        spec: FunctionSpec,
        *,
        clock: Callable[[], float],
        emit: LogEmitter,
        on_dead: Callable[[Worker], None],
    ) -> None:
        self.spec = spec
        self.state = State.STARTING
        self.clock = clock
        self.log_group = lambda_logs.group_name(spec.name)
        self.log_stream = lambda_logs.stream_name(spec.version, clock())
        self._emit = emit
        self._on_dead = on_dead
        self.process: Process | None = None
        self._output: Output | None = None
        self._server: asyncio.Server | None = None
        self.port = 0
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.exited = asyncio.Event()
        self._spawned = 0.0
        #: Init phase length, reported once (on the first invocation this worker serves).
        self.init_ms: float | None = None
        #: Whether the worker has taken an invocation (a worker that never did is not replaced
        #: when it dies: its init failed, and replacing it would only fail again).
        self.served = False
        self._init_reported = False
        self._init_error: InitFailed | None = None
        self._parked: ClientConnection | None = None
        self._connections: set[ClientConnection] = set()
        self._pending: Event | None = None
        self._current: Event | None = None
        self._result: asyncio.Future[_Outcome] | None = None
        #: Set when the worker must not serve again (oversized result, out of memory).
        self.doomed = False
        self.last_used = time.monotonic()
        self._peak_kb = 0
        self._tail: deque[str] = deque()
        self._tail_chars = 0

    # --- lifecycle --------------------------------------------------------------------------
    async def listen(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: RuntimeConnection(self), "127.0.0.1", 0, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def spawn(self, argv: list[str], *, cwd: str, env: dict[str, str]) -> None:
        self._spawned = time.perf_counter()
        self.process = Process(argv, cwd=cwd, env=env, on_exit=self._exited)
        self._output = Output(self.process.output_fd, self.clock, self._line)
        self._output.start(asyncio.get_running_loop())

    def note(self, message: str) -> None:
        """A line of Skybus's own in this worker's log stream."""
        self._line(self._now_ms(), message + "\n")

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def kill(self) -> None:
        if self.process is not None:
            if self.process.alive:  # the last reading of its peak memory, for REPORT
                self._peak_kb = max(self._peak_kb, self.process.memory_kb()[1])
            self.process.kill()
        elif self.state is not State.DEAD:
            self._exited(-9)

    async def wait_ready(self, limit_s: float) -> None:
        """Wait for the init phase to end; kill the worker when it takes longer than
        ``limit_s`` (Lambda's 10 s init limit)."""
        try:
            await asyncio.wait_for(asyncio.shield(self.ready), limit_s)
        except TimeoutError:
            if self.ready.done():  # it became ready (or failed) at the last moment
                await self.ready
                return
            self.init_ms = limit_s * 1000
            self._init_error = InitFailed(None, None, failures.TIMED_OUT, timed_out_s=limit_s)
            self.kill()
            await asyncio.shield(self.ready)

    def _exited(self, returncode: int) -> None:
        if self._output is not None:
            self._output.drain()
            self._output.flush()
            self._output.close()
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.close()
        self._parked = None
        previous, self.state = self.state, State.DEAD
        if not self.ready.done():
            failure = self._init_error or InitFailed(None, returncode, failures.EXIT_ERROR)
            self.ready.set_exception(failure)
            self.ready.exception()  # retrieved: waiting for it is optional
        if previous is State.BUSY and self._result is not None and not self._result.done():
            request_id = self._current.request_id if self._current else ""
            message = failures.exit_message(request_id, returncode)
            self._result.set_result(
                _Outcome(
                    failures.exit_error(request_id, returncode),
                    failures.EXIT_ERROR,
                    "error",
                    f"{message}\n{failures.EXIT_ERROR}\n",
                )
            )
        self.exited.set()
        self._on_dead(self)

    # --- invocations ------------------------------------------------------------------------
    async def invoke(self, event: Event, timeout_s: float) -> InvocationResult:
        """Run one invocation; the worker must be idle. Never raises for function failures."""
        assert self.state is State.IDLE
        loop = asyncio.get_running_loop()
        self.state = State.BUSY
        self.served = True
        self._current = event
        result = self._result = loop.create_future()
        self._line(self._now_ms(), lambda_logs.start_line(event.request_id, self.spec.version))
        started = time.perf_counter()
        timer = loop.call_later(max(timeout_s, 0.0), self._timed_out, event, started)
        if self._parked is not None:
            parked, self._parked = self._parked, None
            parked.deliver(event)
        else:
            self._pending = event
        try:
            outcome = await result
        finally:
            timer.cancel()
        duration = (time.perf_counter() - started) * 1000
        if self._output is not None:
            self._output.drain()
            self._output.flush()
        return self._finish(event, outcome, duration)

    def _timed_out(self, event: Event, started: float) -> None:
        result = self._result
        if result is None or result.done() or self._current is not event:
            return
        elapsed = time.perf_counter() - started
        message = failures.timeout_message(event.request_id, self.clock(), elapsed)
        self.doomed = True
        outcome = _Outcome(failures.timeout_error(message), None, "timeout", message + "\n")
        result.set_result(outcome)
        self.kill()

    def _finish(self, event: Event, outcome: _Outcome, duration: float) -> InvocationResult:
        spec = self.spec
        if self.process is not None:  # a process that is gone keeps its last reading
            self._peak_kb = max(self._peak_kb, self.process.memory_kb()[1])
        max_used = max(1, -(-self._peak_kb // 1024))
        init_ms = None
        if not self._init_reported:
            self._init_reported = True
            init_ms = self.init_ms
        billed = lambda_logs.billed_ms(duration)
        now_ms = self._now_ms()
        self._line(now_ms, lambda_logs.end_line(event.request_id))
        report = lambda_logs.report_line(
            event.request_id,
            duration_ms=duration,
            billed=billed,
            memory_mb=spec.memory_mb,
            max_used_mb=max_used,
            init_ms=init_ms,
            status=outcome.status,
            error_type=outcome.error_type if outcome.status else None,
        )
        self._line(now_ms, report)
        if outcome.after:
            self._line(now_ms, outcome.after)
        tail = lambda_logs.tail(self._tail)
        self._reset_tail()
        self._current = None
        self._result = None
        self.last_used = time.monotonic()
        if self.state is State.BUSY:
            self.state = State.IDLE
        unhandled = outcome.error_type is not None or outcome.status == "timeout"
        return InvocationResult(
            payload=outcome.payload,
            function_error="Unhandled" if unhandled else None,
            log_tail=tail,
            duration_ms=duration,
            billed_ms=billed,
            max_memory_mb=max_used,
            init_ms=init_ms,
        )

    def init_failure(self, event: Event, failure: InitFailed) -> InvocationResult:
        """The answer to the invocation that was waiting for this worker when its init failed."""
        status = "error"
        if failure.timed_out_s is not None:
            message = failures.timeout_message(event.request_id, self.clock(), failure.timed_out_s)
            payload, after, status = failures.timeout_error(message), message + "\n", "timeout"
        elif failure.body is not None:
            payload = failure.body
            after = None
        else:
            code = failure.returncode if failure.returncode is not None else -9
            payload = failures.exit_error(event.request_id, code)
            after = f"{failures.exit_message(event.request_id, code)}\n{failures.EXIT_ERROR}\n"
        self._line(self._now_ms(), lambda_logs.start_line(event.request_id, self.spec.version))
        error_type = None if status == "timeout" else failure.error_type
        outcome = _Outcome(payload, error_type, status, after)
        return self._finish(event, outcome, 0.0)

    # --- Runtime API (RuntimeHandler) -------------------------------------------------------
    def on_next(self, request: ClientConnection) -> None:
        if self.state is State.DEAD:
            return
        if self.state is State.STARTING:
            self.init_ms = (time.perf_counter() - self._spawned) * 1000
            self.state = State.IDLE
            self.ready.set_result(None)
        if self._pending is not None:
            event, self._pending = self._pending, None
            request.deliver(event)
        else:
            self._parked = request

    def on_connect(self, connection: ClientConnection) -> None:
        self._connections.add(connection)

    def on_disconnect(self, connection: ClientConnection) -> None:
        self._connections.discard(connection)
        if self._parked is connection:
            self._parked = None

    def on_response(self, request_id: str, body: bytes, size: int) -> tuple[int, bytes]:
        result = self._claim(request_id)
        if result is None:
            return _invalid_request_id(request_id)
        if size > limits.LAMBDA_MAX_RESPONSE_BYTES:
            self.doomed = True
            result.set_result(_Outcome(failures.too_large_error(size), failures.TOO_LARGE, "error"))
            limit = limits.LAMBDA_MAX_RESPONSE_BYTES
            message = f"Exceeded maximum allowed payload size ({limit} bytes)."
            return error_reply(413, "RequestEntityTooLarge", message)
        result.set_result(_Outcome(body))
        return ACCEPTED

    def on_error(
        self, request_id: str, body: bytes, size: int, error_type: str | None
    ) -> tuple[int, bytes]:
        result = self._claim(request_id)
        if result is None:
            return _invalid_request_id(request_id)
        reported = _error_type(body) or error_type or "Unhandled"
        if reported == failures.MEMORY_ERROR:
            # The data limit stands in for Lambda's memory cgroup: the process is done for.
            self.doomed = True
            message = failures.exit_message(request_id, -9)
            result.set_result(
                _Outcome(
                    failures.out_of_memory_error(request_id),
                    failures.OUT_OF_MEMORY,
                    "error",
                    f"{message}\n{failures.OUT_OF_MEMORY}\n",
                )
            )
            self.kill()
            return ACCEPTED
        result.set_result(_Outcome(body, reported))
        return ACCEPTED

    def on_init_error(self, body: bytes, error_type: str | None) -> tuple[int, bytes]:
        if self.state is not State.STARTING or self.ready.done():
            return error_reply(403, "InvalidStateTransition", "State transition is not allowed")
        reported = _error_type(body) or error_type or "Runtime.Unknown"
        self._init_error = InitFailed(body, None, reported)
        self.init_ms = (time.perf_counter() - self._spawned) * 1000
        return ACCEPTED

    def _claim(self, request_id: str) -> asyncio.Future[_Outcome] | None:
        current, result = self._current, self._result
        if current is None or result is None or result.done() or current.request_id != request_id:
            return None
        return result

    # --- logs -------------------------------------------------------------------------------
    def _line(self, ts_ms: int, message: str) -> None:
        spec = self.spec
        self._emit(spec.account, spec.region, self.log_group, self.log_stream, [(ts_ms, message)])
        self._tail.append(message)
        self._tail_chars += len(message)
        while self._tail and self._tail_chars - len(self._tail[0]) >= limits.LAMBDA_TAIL_LOG_BYTES:
            self._tail_chars -= len(self._tail.popleft())

    def _reset_tail(self) -> None:
        self._tail.clear()
        self._tail_chars = 0

    def rss_kb(self) -> int:
        return self.process.memory_kb()[0] if self.process is not None else 0


def _invalid_request_id(request_id: str) -> tuple[int, bytes]:
    return error_reply(400, "InvalidRequestID", f"Invalid request ID: {request_id!r}")


def _error_type(body: bytes) -> str | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    value = parsed.get("errorType") if isinstance(parsed, dict) else None
    return value if isinstance(value, str) and value else None
