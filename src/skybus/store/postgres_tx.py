"""The PostgreSQL transaction: the contract's operations as SQL on one asyncpg connection.

Keys are ``bytea``, which PostgreSQL orders with memcmp and then by length: the same order as
Python ``bytes`` and SQLite BLOBs, so the primary key index serves every range scan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from skybus.store.contract import Clock, Job, QueueDepth, ReadOnlyError, StoreError, Tx
from skybus.store.keys import check_key, check_limit, key_range, new_job_id, new_token, prefix_end

SCHEMA_VERSION = 1


def schema_sql(schema: str) -> str:
    s = f'"{schema}"'
    return f"""
CREATE TABLE IF NOT EXISTS {s}.skybus_meta (
    name text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.skybus_kv (
    space text COLLATE "C" NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (space, key)
);
CREATE TABLE IF NOT EXISTS {s}.skybus_jobs (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    queue text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    payload bytea NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    token text,
    visible_at double precision NOT NULL,
    enqueued_at double precision NOT NULL,
    PRIMARY KEY (queue, id)
);
CREATE INDEX IF NOT EXISTS skybus_jobs_due ON {s}.skybus_jobs (queue, visible_at, seq);
"""


@dataclass(frozen=True, slots=True)
class Tables:
    """Schema-qualified table names, validated once when the store is made."""

    kv: str
    jobs: str
    meta: str

    @classmethod
    def in_schema(cls, schema: str) -> Tables:
        return cls(f'"{schema}".skybus_kv', f'"{schema}".skybus_jobs', f'"{schema}".skybus_meta')


def lock_id(space: str, key: bytes) -> int:
    """A signed 64-bit advisory lock id for one key, so absent keys can be locked too."""
    digest = hashlib.blake2b(space.encode() + b"\0" + key, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _rowcount(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


class PostgresTx(Tx):
    __slots__ = ("_clock", "_conn", "_open", "_readonly", "_t")

    def __init__(self, conn: Any, tables: Tables, clock: Clock, *, readonly: bool) -> None:
        self._conn = conn
        self._t = tables
        self._clock = clock
        self._readonly = readonly
        self._open = True

    def close(self) -> None:
        self._open = False

    def _check(self, writing: bool = False) -> Any:
        if not self._open:
            raise StoreError("transaction is no longer active")
        if writing and self._readonly:
            raise ReadOnlyError("write inside a read-only transaction")
        return self._conn

    async def get(self, space: str, key: bytes, *, for_update: bool = False) -> bytes | None:
        conn = self._check(for_update)
        check_key(key)
        if not for_update:
            return await conn.fetchval(  # type: ignore[no-any-return]
                f"SELECT value FROM {self._t.kv} WHERE space = $1 AND key = $2", space, key
            )
        # The advisory lock covers a key that does not exist yet; it is taken in its own
        # statement so that the SELECT after it sees rows committed while it waited.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_id(space, key))
        return await conn.fetchval(  # type: ignore[no-any-return]
            f"SELECT value FROM {self._t.kv} WHERE space = $1 AND key = $2 FOR UPDATE", space, key
        )

    async def put(self, space: str, key: bytes, value: bytes) -> None:
        await self._check(True).execute(
            f"INSERT INTO {self._t.kv} (space, key, value) VALUES ($1, $2, $3)"
            " ON CONFLICT (space, key) DO UPDATE SET value = EXCLUDED.value",
            space,
            check_key(key),
            value,
        )

    async def insert(self, space: str, key: bytes, value: bytes) -> bool:
        status = await self._check(True).execute(
            f"INSERT INTO {self._t.kv} (space, key, value) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            space,
            check_key(key),
            value,
        )
        return _rowcount(status) == 1

    async def delete(self, space: str, key: bytes) -> bool:
        status = await self._check(True).execute(
            f"DELETE FROM {self._t.kv} WHERE space = $1 AND key = $2", space, check_key(key)
        )
        return _rowcount(status) == 1

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
        sql = [f"SELECT key, value FROM {self._t.kv} WHERE space = $1"]
        params: list[object] = [space]
        if rng.lower is not None:
            params.append(rng.lower)
            sql.append(f"AND key {'>=' if rng.lower_inclusive else '>'} ${len(params)}")
        if rng.upper is not None:
            params.append(rng.upper)
            sql.append(f"AND key < ${len(params)}")
        sql.append("ORDER BY key DESC" if reverse else "ORDER BY key")
        if limit is not None:
            params.append(limit)
            sql.append(f"LIMIT ${len(params)}")
        rows = await conn.fetch(" ".join(sql), *params)
        return [(row[0], row[1]) for row in rows]

    async def count(self, space: str, *, prefix: bytes | None = None) -> int:
        conn = self._check()
        sql = f"SELECT count(*) FROM {self._t.kv} WHERE space = $1"
        if prefix is None:
            return int(await conn.fetchval(sql, space))
        upper = prefix_end(check_key(prefix))
        if upper is None:
            return int(await conn.fetchval(sql + " AND key >= $2", space, prefix))
        return int(await conn.fetchval(sql + " AND key >= $2 AND key < $3", space, prefix, upper))

    async def drop_space(self, space: str) -> int:
        status = await self._check(True).execute(
            f"DELETE FROM {self._t.kv} WHERE space = $1", space
        )
        return _rowcount(status)

    async def enqueue(
        self, queue: str, payload: bytes, *, delay: float = 0.0, job_id: str | None = None
    ) -> str:
        conn = self._check(True)
        job_id = new_job_id() if job_id is None else job_id
        now = self._clock()
        await conn.execute(
            f"INSERT INTO {self._t.jobs} (queue, id, payload, visible_at, enqueued_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            queue,
            job_id,
            payload,
            now + max(delay, 0.0),
            now,
        )
        return job_id

    async def claim(self, queue: str, *, limit: int, visibility: float) -> list[Job]:
        conn = self._check(True)
        if limit <= 0:
            return []
        now = self._clock()
        rows = await conn.fetch(
            f"WITH due AS (SELECT id, visible_at, seq FROM {self._t.jobs}"
            " WHERE queue = $1 AND visible_at <= $2 ORDER BY visible_at, seq LIMIT $3"
            " FOR UPDATE SKIP LOCKED)"
            f" UPDATE {self._t.jobs} AS j SET attempts = j.attempts + 1,"
            " token = md5($4 || j.id), visible_at = $5"
            " FROM due WHERE j.queue = $1 AND j.id = due.id"
            " RETURNING j.id, j.payload, j.attempts, j.token, j.enqueued_at, due.visible_at,"
            " due.seq",
            queue,
            now,
            limit,
            new_token(),
            now + visibility,
        )
        rows = sorted(rows, key=lambda row: (row[5], row[6]))
        return [Job(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def ack(self, queue: str, job_id: str, token: str) -> bool:
        status = await self._check(True).execute(
            f"DELETE FROM {self._t.jobs} WHERE queue = $1 AND id = $2 AND token = $3",
            queue,
            job_id,
            token,
        )
        return _rowcount(status) == 1

    async def retry(
        self,
        queue: str,
        job_id: str,
        token: str,
        *,
        delay: float,
        payload: bytes | None = None,
    ) -> bool:
        status = await self._check(True).execute(
            f"UPDATE {self._t.jobs} SET token = NULL, visible_at = $4,"
            " payload = coalesce($5, payload) WHERE queue = $1 AND id = $2 AND token = $3",
            queue,
            job_id,
            token,
            self._clock() + max(delay, 0.0),
            payload,
        )
        return _rowcount(status) == 1

    async def extend(self, queue: str, job_id: str, token: str, *, visibility: float) -> bool:
        status = await self._check(True).execute(
            f"UPDATE {self._t.jobs} SET visible_at = $4"
            " WHERE queue = $1 AND id = $2 AND token = $3",
            queue,
            job_id,
            token,
            self._clock() + visibility,
        )
        return _rowcount(status) == 1

    async def queue_depth(self, queue: str) -> QueueDepth:
        row = await self._check().fetchrow(
            "SELECT count(*) FILTER (WHERE visible_at <= $2),"
            " count(*) FILTER (WHERE visible_at > $2 AND token IS NOT NULL),"
            " count(*) FILTER (WHERE visible_at > $2 AND token IS NULL)"
            f" FROM {self._t.jobs} WHERE queue = $1",
            queue,
            self._clock(),
        )
        return QueueDepth(int(row[0]), int(row[1]), int(row[2]))

    async def purge_queue(self, queue: str) -> int:
        status = await self._check(True).execute(
            f"DELETE FROM {self._t.jobs} WHERE queue = $1", queue
        )
        return _rowcount(status)
