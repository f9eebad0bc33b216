"""The SQLite transaction: the contract's operations as SQL on one connection.

Statements run synchronously on the calling thread: with the database in the page cache each one
takes microseconds, less than handing it to a thread would cost. The transaction itself (BEGIN,
SAVEPOINT, COMMIT) is managed by :mod:`skybus.store.sqlite`.
"""

from __future__ import annotations

import sqlite3

from skybus.store.contract import Clock, Job, QueueDepth, ReadOnlyError, StoreError, Tx
from skybus.store.keys import check_key, check_limit, key_range, new_job_id, new_token, prefix_end

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
    space TEXT NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (space, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY,
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    payload BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    token TEXT,
    visible_at REAL NOT NULL,
    enqueued_at REAL NOT NULL,
    UNIQUE (queue, id)
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (queue, visible_at, seq);
"""
"""``token`` is set while a job is leased; ``visible_at`` is when it is next claimable."""


class SqliteTx(Tx):
    __slots__ = ("_clock", "_conn", "_open", "_readonly")

    def __init__(self, conn: sqlite3.Connection, clock: Clock, *, readonly: bool) -> None:
        self._conn = conn
        self._clock = clock
        self._readonly = readonly
        self._open = True

    def close(self) -> None:
        self._open = False

    def _check(self, writing: bool = False) -> sqlite3.Connection:
        if not self._open:
            raise StoreError("transaction is no longer active")
        if writing and self._readonly:
            raise ReadOnlyError("write inside a read-only transaction")
        return self._conn

    async def get(self, space: str, key: bytes, *, for_update: bool = False) -> bytes | None:
        # for_update needs no lock: one writer runs one transaction function at a time.
        row = (
            self._check(for_update)
            .execute("SELECT value FROM kv WHERE space = ? AND key = ?", (space, check_key(key)))
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    async def put(self, space: str, key: bytes, value: bytes) -> None:
        self._check(True).execute(
            "INSERT INTO kv (space, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (space, key) DO UPDATE SET value = excluded.value",
            (space, check_key(key), bytes(value)),
        )

    async def insert(self, space: str, key: bytes, value: bytes) -> bool:
        cur = self._check(True).execute(
            "INSERT INTO kv (space, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (space, check_key(key), bytes(value)),
        )
        return cur.rowcount == 1

    async def delete(self, space: str, key: bytes) -> bool:
        cur = self._check(True).execute(
            "DELETE FROM kv WHERE space = ? AND key = ?", (space, check_key(key))
        )
        return cur.rowcount == 1

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
        conn = self._check()
        check_limit(limit)
        rng = key_range(start=start, end=end, prefix=prefix, after=after, reverse=reverse)
        if rng.empty or limit == 0:
            return []
        sql = ["SELECT key, value FROM kv WHERE space = ?"]
        params: list[object] = [space]
        if rng.lower is not None:
            sql.append("AND key >= ?" if rng.lower_inclusive else "AND key > ?")
            params.append(rng.lower)
        if rng.upper is not None:
            sql.append("AND key < ?")
            params.append(rng.upper)
        sql.append("ORDER BY key DESC" if reverse else "ORDER BY key")
        if limit is not None:
            sql.append("LIMIT ?")
            params.append(limit)
        rows = conn.execute(" ".join(sql), params).fetchall()
        return [(bytes(k), bytes(v)) for k, v in rows]

    async def count(self, space: str, *, prefix: bytes | None = None) -> int:
        conn = self._check()
        if prefix is None:
            row = conn.execute("SELECT count(*) FROM kv WHERE space = ?", (space,)).fetchone()
            return int(row[0])
        upper = prefix_end(check_key(prefix))
        if upper is None:
            row = conn.execute(
                "SELECT count(*) FROM kv WHERE space = ? AND key >= ?", (space, prefix)
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT count(*) FROM kv WHERE space = ? AND key >= ? AND key < ?",
                (space, prefix, upper),
            ).fetchone()
        return int(row[0])

    async def drop_space(self, space: str) -> int:
        return self._check(True).execute("DELETE FROM kv WHERE space = ?", (space,)).rowcount

    async def enqueue(
        self, queue: str, payload: bytes, *, delay: float = 0.0, job_id: str | None = None
    ) -> str:
        conn = self._check(True)
        job_id = new_job_id() if job_id is None else job_id
        now = self._clock()
        conn.execute(
            "INSERT INTO jobs (queue, id, payload, visible_at, enqueued_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (queue, job_id, bytes(payload), now + max(delay, 0.0), now),
        )
        return job_id

    async def claim(self, queue: str, *, limit: int, visibility: float) -> list[Job]:
        conn = self._check(True)
        if limit <= 0:
            return []
        now = self._clock()
        rows = conn.execute(
            "SELECT seq, id, payload, attempts, enqueued_at FROM jobs"
            " WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?",
            (queue, now, limit),
        ).fetchall()
        jobs: list[Job] = []
        updates: list[tuple[str, float, int]] = []
        for seq, job_id, payload, attempts, enqueued_at in rows:
            token = new_token()
            updates.append((token, now + visibility, seq))
            jobs.append(Job(job_id, bytes(payload), attempts + 1, token, enqueued_at))
        conn.executemany(
            "UPDATE jobs SET attempts = attempts + 1, token = ?, visible_at = ? WHERE seq = ?",
            updates,
        )
        return jobs

    async def ack(self, queue: str, job_id: str, token: str) -> bool:
        cur = self._check(True).execute(
            "DELETE FROM jobs WHERE queue = ? AND id = ? AND token = ?", (queue, job_id, token)
        )
        return cur.rowcount == 1

    async def retry(
        self,
        queue: str,
        job_id: str,
        token: str,
        *,
        delay: float,
        payload: bytes | None = None,
    ) -> bool:
        cur = self._check(True).execute(
            "UPDATE jobs SET token = NULL, visible_at = ?, payload = coalesce(?, payload)"
            " WHERE queue = ? AND id = ? AND token = ?",
            (self._clock() + max(delay, 0.0), payload, queue, job_id, token),
        )
        return cur.rowcount == 1

    async def extend(self, queue: str, job_id: str, token: str, *, visibility: float) -> bool:
        cur = self._check(True).execute(
            "UPDATE jobs SET visible_at = ? WHERE queue = ? AND id = ? AND token = ?",
            (self._clock() + visibility, queue, job_id, token),
        )
        return cur.rowcount == 1

    async def queue_depth(self, queue: str) -> QueueDepth:
        row = (
            self._check()
            .execute(
                "SELECT coalesce(sum(visible_at <= ?1), 0),"
                " coalesce(sum(visible_at > ?1 AND token IS NOT NULL), 0),"
                " coalesce(sum(visible_at > ?1 AND token IS NULL), 0)"
                " FROM jobs WHERE queue = ?2",
                (self._clock(), queue),
            )
            .fetchone()
        )
        return QueueDepth(int(row[0]), int(row[1]), int(row[2]))

    async def purge_queue(self, queue: str) -> int:
        return self._check(True).execute("DELETE FROM jobs WHERE queue = ?", (queue,)).rowcount
