"""The embedded store: one SQLite file in the data folder, written by one batching writer task.

Durability: WAL with ``synchronous=NORMAL`` survives a crash of the process (a commit is in the
WAL file before it is acknowledged) but may lose the last commits on power loss;
``synchronous="full"`` (``sqlite:///path?synchronous=full``) fsyncs every commit and survives
that too, at the price of one fsync per batch.

Writes: every :meth:`SqliteStore.write` call is queued for the single writer task, which owns the
write connection. It takes whatever is queued, runs each function inside its own SAVEPOINT (a
function that raises rolls back only its own work), commits the batch once and only then
resolves each caller, so nothing is acknowledged before it is committed. Under load one commit
carries many writes.

Threads: everything runs on the event loop thread except, with ``synchronous=full``/``extra``,
the COMMIT. Statements take microseconds, less than a hop to a worker thread costs (a one-write
round trip measured about 25 us inline against 70 us with the commit in a thread). A ``full``
commit waits for an fsync, which on a slow disk can take milliseconds, so there the COMMIT goes to
a worker thread and the loop keeps serving while queued writes pile into the next batch. The
connection is used by one thread at a time, never concurrently. WAL checkpoints (which fsync
the database file) are taken off the write connection too: automatic checkpoints are turned off
there, and a separate connection runs a passive checkpoint in a worker thread every
``CHECKPOINT_WRITES`` writes, concurrently with the writer. Inline they stalled the loop for
up to about 10 ms each.

Reads: :meth:`SqliteStore.read` takes a connection from a small pool of read connections and
runs the function inside a read transaction, a WAL snapshot that writers do not disturb.

One process owns a data folder at a time.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from skybus.store.contract import Clock, Store, StoreError, Tx
from skybus.store.sqlite_tx import SCHEMA, SCHEMA_VERSION, SqliteTx

T = TypeVar("T")

DB_FILE = "skybus.db"
MAX_BATCH = 512
"""Most write functions committed together; bounds how long one batch holds the writer."""
READ_CONNECTIONS = 4
CHECKPOINT_WRITES = 1000
"""Writes committed between background WAL checkpoints (SQLite's own default is 1000 pages)."""
BUSY_TIMEOUT_MS = 5000

_in_writer: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "skybus_store_writer", default=False
)


@dataclass(slots=True)
class _Request:
    fn: Callable[[Tx], Awaitable[Any]]
    future: asyncio.Future[Any]
    outcome: tuple[bool, Any] = field(default=(False, None))
    """(succeeded, result or exception), set once the function has run."""


class SqliteStore(Store):
    backend = "sqlite"

    def __init__(
        self, path: Path, *, clock: Clock = time.time, synchronous: str = "normal"
    ) -> None:
        super().__init__(clock=clock)
        if synchronous.lower() not in ("normal", "full", "extra"):
            raise ValueError("synchronous must be 'normal', 'full' or 'extra'")
        self.path = path
        self.synchronous = synchronous.upper()
        self.commits = 0
        """Committed write batches; with :attr:`writes` it shows how well writes batch."""
        self.writes = 0
        self._queue: asyncio.Queue[_Request | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._wconn: sqlite3.Connection | None = None
        self._ckconn: sqlite3.Connection | None = None
        self._checkpointer: asyncio.Task[None] | None = None
        self._since_checkpoint = 0
        self._readers: list[sqlite3.Connection] = []
        self._reader_slots = asyncio.Semaphore(READ_CONNECTIONS)
        self._state = "new"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, cached_statements=256
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")
        return conn

    async def open(self) -> None:
        if self._state != "new":
            raise StoreError(f"store is {self._state}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            # executescript() would commit an open transaction first, so it begins its own.
            conn.executescript("BEGIN IMMEDIATE;" + SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has store schema version {row[0]}; this Skybus supports "
                    f"up to {SCHEMA_VERSION}"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._wconn = conn
        self._ckconn = self._connect()
        self._state = "open"
        self._writer = asyncio.create_task(self._run_writer(), name="skybus-store-writer")

    async def close(self) -> None:
        if self._state not in ("open", "broken"):
            self._state = "closed"
            return
        self._state = "closing"
        self._queue.put_nowait(None)
        if self._writer is not None:
            await asyncio.wait([self._writer])
        for _ in range(READ_CONNECTIONS):
            await self._reader_slots.acquire()
        for conn in self._readers:
            conn.close()
        self._readers.clear()
        if self._checkpointer is not None:
            await asyncio.wait([self._checkpointer])
        if self._ckconn is not None:
            self._ckconn.close()
            self._ckconn = None
        if self._wconn is not None:
            self._wconn.close()  # the last connection to close checkpoints the WAL fully
            self._wconn = None
        self._state = "closed"

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        if self._state != "open":
            raise StoreError(f"store is {self._state}")
        if _in_writer.get():
            raise StoreError("store.write() called from inside a write function")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(fn, future))
        return await future

    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        if self._state != "open":
            raise StoreError(f"store is {self._state}")
        async with self._reader_slots:
            conn = self._readers.pop() if self._readers else self._connect()
            tx = SqliteTx(conn, self.clock, readonly=True)
            try:
                conn.execute("BEGIN")
                try:
                    return await fn(tx)
                finally:
                    tx.close()
                    conn.execute("ROLLBACK")
            except BaseException:
                # A connection in an unknown state is not reused.
                if conn.in_transaction:
                    conn.close()
                    conn = self._connect()
                raise
            finally:
                self._readers.append(conn)

    # The writer.

    async def _run_writer(self) -> None:
        _in_writer.set(True)
        stopping = False
        try:
            while not stopping:
                first = await self._queue.get()
                if first is None:
                    break
                stopping = await self._run_batch(first)
        except BaseException as exc:  # pragma: no cover - a bug or a cancelled writer
            self._state = "broken"
            self._fail_queued(StoreError(f"store writer stopped: {exc!r}"))
            raise

    async def _run_batch(self, first: _Request) -> bool:
        """Run queued requests in one transaction; True when the close sentinel was taken."""
        conn = self._wconn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        done: list[_Request] = []
        stopping = False
        request: _Request | None = first
        try:
            while request is not None:
                if not request.future.done():
                    await self._run_one(conn, request)
                    done.append(request)
                    if not conn.in_transaction:
                        # SQLite rolled the whole transaction back (disk full, I/O error):
                        # nothing of this batch is committed.
                        self._settle(done, StoreError("the write batch was rolled back"))
                        done = []
                        conn.execute("BEGIN IMMEDIATE")
                if len(done) >= MAX_BATCH or self._queue.empty():
                    break
                request = self._queue.get_nowait()
                if request is None:
                    stopping = True
            await self._commit(conn)
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._settle(done, StoreError(f"write batch failed: {exc!r}"))
            if not isinstance(exc, Exception):
                raise
            return stopping
        self.commits += 1
        self.writes += len(done)
        self._since_checkpoint += len(done)
        if self._since_checkpoint >= CHECKPOINT_WRITES:
            self._start_checkpoint()
        self._settle(done, None)
        return stopping

    async def _commit(self, conn: sqlite3.Connection) -> None:
        if self.synchronous == "NORMAL":
            conn.execute("COMMIT")  # no fsync: the WAL append is enough against a crash
        else:
            await asyncio.to_thread(conn.execute, "COMMIT")

    def _start_checkpoint(self) -> None:
        if self._checkpointer is not None and not self._checkpointer.done():
            return
        self._since_checkpoint = 0
        conn = self._ckconn
        assert conn is not None
        self._checkpointer = asyncio.create_task(
            asyncio.to_thread(_checkpoint, conn),
            name="skybus-store-checkpoint",
        )
        self._checkpointer.add_done_callback(_ignore_result)

    async def _run_one(self, conn: sqlite3.Connection, request: _Request) -> None:
        conn.execute("SAVEPOINT w")
        tx = SqliteTx(conn, self.clock, readonly=False)
        try:
            result = await request.fn(tx)
        except BaseException as exc:
            request.outcome = (False, exc)
            if conn.in_transaction:
                conn.execute("ROLLBACK TO w")
                conn.execute("RELEASE w")
            if not isinstance(exc, Exception) and not _caller_error(exc):
                raise
            return
        finally:
            tx.close()
        request.outcome = (True, result)
        conn.execute("RELEASE w")

    def _settle(self, requests: list[_Request], failure: BaseException | None) -> None:
        for request in requests:
            if request.future.done():
                continue
            ok, value = request.outcome
            if not ok and isinstance(value, asyncio.CancelledError):
                request.future.cancel()
            elif not ok:
                request.future.set_exception(value)
            elif failure is not None:
                request.future.set_exception(failure)
            else:
                request.future.set_result(value)

    def _fail_queued(self, error: StoreError) -> None:
        while not self._queue.empty():
            request = self._queue.get_nowait()
            if request is not None and not request.future.done():
                request.future.set_exception(error)


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _ignore_result(task: asyncio.Task[Any]) -> None:
    """A failed checkpoint is harmless (the next one catches up); retrieve it so it is not
    reported as never retrieved."""
    if not task.cancelled():
        task.exception()


def _caller_error(exc: BaseException) -> bool:
    """A CancelledError raised by the caller's function (not a cancellation of the writer)."""
    task = asyncio.current_task()
    return isinstance(exc, asyncio.CancelledError) and task is not None and not task.cancelling()


def from_url(url: str, data_dir: Path, clock: Clock) -> SqliteStore:
    """``sqlite://`` is ``<data_dir>/skybus.db``; ``sqlite:///rel.db`` is relative to the working
    folder and ``sqlite:////abs.db`` absolute (the usual Python convention); a path naming a
    folder means ``skybus.db`` inside it. ``?synchronous=full`` fsyncs every commit."""
    rest = url.split("://", 1)[1]
    location, _, query = rest.partition("?")
    options = dict(urllib.parse.parse_qsl(query, strict_parsing=bool(query)))
    unknown = set(options) - {"synchronous"}
    if unknown:
        raise ValueError(f"unknown sqlite store option(s): {', '.join(sorted(unknown))}")
    if location and not location.startswith("/"):
        raise ValueError(f"sqlite store URL must look like sqlite:///path, not {url!r}")
    path = Path(location[1:]) if location.strip("/") else data_dir / DB_FILE
    if path.is_dir():
        path = path / DB_FILE
    return SqliteStore(path, clock=clock, synchronous=options.get("synchronous", "normal"))
