"""The shared store: PostgreSQL through an asyncpg pool, so several Skybus nodes share one state.

Each :meth:`PostgresStore.write` is one READ COMMITTED transaction on a pooled connection.
Read-modify-write takes row (and key) locks with ``get(..., for_update=True)``; work queue claims
use ``FOR UPDATE SKIP LOCKED`` so nodes claiming at once never block on or double-claim a job.
A transaction that fails with a serialization failure or a deadlock is run again, a few times,
which is why write functions must have no side effects outside the transaction.

The tables live in one schema (``public`` unless the URL says ``?schema=name``) and are created
on open, under an advisory lock so that nodes starting together do not race.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from skybus.store.contract import Clock, Store, StoreError, Tx
from skybus.store.postgres_relay import PostgresRelay
from skybus.store.postgres_tx import SCHEMA_VERSION, PostgresTx, Tables, schema_sql

T = TypeVar("T")

WRITE_ATTEMPTS = 5
"""Runs of a write function before a serialization failure or deadlock is given up on."""
RETRY_BACKOFF = 0.005
POOL_MIN = 1
POOL_MAX = 10
SCHEMA_LOCK = 0x5C7B05
"""Advisory lock id held while the schema is created."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_RETRYABLE = (asyncpg.exceptions.SerializationError, asyncpg.exceptions.DeadlockDetectedError)


class PostgresStore(Store):
    backend = "postgresql"

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        clock: Clock = time.time,
        min_size: int = POOL_MIN,
        max_size: int = POOL_MAX,
    ) -> None:
        super().__init__(clock=clock)
        if not _IDENTIFIER.fullmatch(schema):
            raise ValueError(f"invalid PostgreSQL schema name {schema!r}")
        self.dsn = dsn
        self.schema = schema
        self.retries = 0
        """Write functions run again after a serialization failure or deadlock."""
        self._tables = Tables.in_schema(schema)
        self._min_size = min_size
        self._max_size = max_size
        self._pool: Any = None
        self._state = "new"

    async def open(self) -> None:
        if self._state != "new":
            raise StoreError(f"store is {self._state}")
        pool = await asyncpg.create_pool(self.dsn, min_size=self._min_size, max_size=self._max_size)
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                await conn.execute(schema_sql(self.schema))
                version = await conn.fetchval(
                    f"SELECT value FROM {self._tables.meta} WHERE name = 'schema_version'"
                )
                if version is None:
                    await conn.execute(
                        f"INSERT INTO {self._tables.meta} (name, value)"
                        " VALUES ('schema_version', $1)",
                        str(SCHEMA_VERSION),
                    )
                elif int(version) > SCHEMA_VERSION:
                    raise StoreError(
                        f"schema {self.schema!r} has store schema version {version}; this "
                        f"Skybus supports up to {SCHEMA_VERSION}"
                    )
        except BaseException:
            await pool.close()
            raise
        self._pool = pool
        self._state = "open"

    async def close(self) -> None:
        if self._state == "open":
            self._state = "closing"
            await self._pool.close()
        self._state = "closed"

    def relay(self, node_id: str) -> PostgresRelay:
        return PostgresRelay(self.dsn, self.schema, node_id)

    def _checked_pool(self) -> Any:
        if self._state != "open":
            raise StoreError(f"store is {self._state}")
        return self._pool

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        pool = self._checked_pool()
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with pool.acquire() as conn, conn.transaction():
                    tx = PostgresTx(conn, self._tables, self.clock, readonly=False)
                    try:
                        return await fn(tx)
                    finally:
                        tx.close()
            except _RETRYABLE:
                if attempt == WRITE_ATTEMPTS:
                    raise
                self.retries += 1
                await asyncio.sleep(random.uniform(0, RETRY_BACKOFF * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        pool = self._checked_pool()
        async with (
            pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            tx = PostgresTx(conn, self._tables, self.clock, readonly=True)
            try:
                return await fn(tx)
            finally:
                tx.close()


def from_url(url: str, data_dir: Path, clock: Clock) -> PostgresStore:
    """The URL goes to asyncpg as is, except ``schema=name``, which this store uses itself."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    schema = "public"
    rest: list[tuple[str, str]] = []
    for name, value in query:
        if name == "schema":
            schema = value
        else:
            rest.append((name, value))
    dsn = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(rest)))
    return PostgresStore(dsn, schema=schema, clock=clock)
