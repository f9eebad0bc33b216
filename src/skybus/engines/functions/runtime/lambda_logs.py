"""Function logs as Lambda writes them: one group per function, one stream per worker, the
platform's START / END / REPORT lines around the handler's output.

Lines are shipped to CloudWatch Logs in the background, batched per stream, so an invocation
never waits for the store; :meth:`LogShipper.flush` waits for what was emitted so far (tests,
shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence

from skybus import limits

log = logging.getLogger(__name__)

Event = tuple[int, str]
#: ``(account, region, group, stream, events)`` -> stored.
Sink = Callable[[str, str, str, str, Sequence[Event]], Awaitable[None]]


def group_name(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def stream_name(version: str, started: float) -> str:
    """``YYYY/MM/DD/[$LATEST]<32 hex>``: the day the worker started, its version, a random id."""
    day = time.strftime("%Y/%m/%d", time.gmtime(started))
    return f"{day}/[{version}]{secrets.token_hex(16)}"


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def billed_ms(duration_ms: float) -> int:
    """Lambda bills in 1 ms steps, rounding up, at least 1 ms."""
    return max(1, math.ceil(duration_ms))


def report_line(
    request_id: str,
    *,
    duration_ms: float,
    billed: int,
    memory_mb: int,
    max_used_mb: int,
    init_ms: float | None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {billed} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {max_used_mb} MB",
    ]
    if init_ms is not None:
        fields.append(f"Init Duration: {init_ms:.2f} ms")
    if status is not None:
        fields.append(f"Status: {status}")
    if error_type is not None:
        fields.append(f"Error Type: {error_type}")
    return "\t".join(fields) + "\t\n"


def iso_ms(epoch_s: float) -> str:
    """``2020-11-10T05:46:57.874Z``: the timestamp Lambda puts in its timeout message."""
    whole = int(epoch_s)
    millis = int((epoch_s - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def tail(messages: Sequence[str]) -> str:
    """The last 4 KB (of UTF-8) of an invocation's log, as ``LogType=Tail`` returns it."""
    data = "".join(messages).encode("utf-8")
    if len(data) > limits.LAMBDA_TAIL_LOG_BYTES:
        data = data[-limits.LAMBDA_TAIL_LOG_BYTES :]
    return data.decode("utf-8", errors="ignore")


class LogShipper:
    """Collects events per stream and stores them in batches."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._pending: dict[tuple[str, str, str, str], list[Event]] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="lambda-logs")

    async def stop(self) -> None:
        await self.flush()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def emit(self, account: str, region: str, group: str, stream: str, events: list[Event]) -> None:
        if not events:
            return
        self._pending.setdefault((account, region, group, stream), []).extend(events)
        self._idle.clear()
        self._wake.set()

    async def flush(self) -> None:
        """Wait until everything emitted so far is stored (or failed and was logged)."""
        if self._task is None:
            await self._ship()
            return
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._ship()
            if not self._pending:
                self._idle.set()

    async def _ship(self) -> None:
        while self._pending:
            batches, self._pending = self._pending, {}
            for (account, region, group, stream), events in batches.items():
                for chunk in _chunks(events):
                    try:
                        await self._sink(account, region, group, stream, chunk)
                    except Exception:
                        log.exception("storing %d log events of %s failed", len(chunk), group)


def _chunks(events: list[Event]) -> list[list[Event]]:
    """Split into batches within CloudWatch Logs' count and size limits, in time order."""
    events.sort(key=lambda event: event[0])
    chunks: list[list[Event]] = [[]]
    size = 0
    for event in events:
        cost = len(event[1].encode("utf-8")) + limits.LOGS_EVENT_OVERHEAD_BYTES
        current = chunks[-1]
        full = len(current) >= limits.LOGS_MAX_BATCH_EVENTS
        if current and (full or size + cost > limits.LOGS_MAX_BATCH_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(event)
        size += cost
    return [chunk for chunk in chunks if chunk]
