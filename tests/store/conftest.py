"""Fixtures: one open store per test on each backend, and a clock the test moves by hand.

PostgreSQL cases run in a fresh schema each, dropped afterwards. Where PostgreSQL cannot be
reached they are skipped, unless ``SKYBUS_REQUIRE_SERVICES=1`` makes that a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from skybus.store import Store, open_store

POSTGRES_URL = os.environ.get("SKYBUS_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")

_postgres_problem: list[str | None] = []


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (checked once per session)."""
    if not _postgres_problem:
        try:
            conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _postgres_problem.append(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc!r}")
        else:
            await conn.close()
            _postgres_problem.append(None)
    return _postgres_problem[0]


async def require_postgres() -> None:
    problem = await postgres_unavailable()
    if problem is None:
        return
    if os.environ.get("SKYBUS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{problem} (SKYBUS_REQUIRE_SERVICES=1)")
    pytest.skip(problem)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        async with open_store(None, tmp_path, clock=clock) as sqlite_store:
            yield sqlite_store
        return
    await require_postgres()
    schema = f"skybus_test_{uuid.uuid4().hex[:12]}"
    pg_store = open_store(f"{POSTGRES_URL}?schema={schema}", tmp_path, clock=clock)
    try:
        async with pg_store:
            yield pg_store
    finally:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
