from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.servers import RunningServer, running_server
from tests.services import need_postgres


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One Skybus node on SQLite, without credentials, shared by the tests of a session."""
    data_dir: Path = tmp_path_factory.mktemp("skybus-data")
    with running_server(data_dir) as running:
        yield running


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One Skybus node on PostgreSQL (its own schema, dropped afterwards)."""
    base = need_postgres()
    schema = f"skybus_test_{uuid.uuid4().hex[:10]}"
    data_dir: Path = tmp_path_factory.mktemp("skybus-pg-data")
    try:
        with running_server(data_dir, args=("--store", f"{base}?schema={schema}")) as running:
            yield running
    finally:
        asyncio.run(drop_schema(base, schema))


async def drop_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest) -> RunningServer:
    """The same test against a node on each store backend."""
    name = "server" if request.param == "sqlite" else "pg_server"
    running: RunningServer = request.getfixturevalue(name)
    return running


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials and region for boto3 that never reach real AWS."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
