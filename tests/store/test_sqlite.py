"""What only the SQLite backend promises: crash durability, batched commits, one writer."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from skybus.store import StoreError, Tx, open_store
from skybus.store.sqlite import SqliteStore

WRITER_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from skybus.store import open_store

    async def main() -> None:
        store = open_store(None, Path(sys.argv[1]))
        await store.open()

        async def one(n: int) -> None:
            await store.put("durable", b"%08d" % n, b"value %d" % n)
            sys.stdout.write(f"{n}\\n")
            sys.stdout.flush()

        n = 0
        while True:
            await asyncio.gather(*(one(n + k) for k in range(10)))
            n += 10

    asyncio.run(main())
    """
)


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    wanted = 500
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acknowledged: list[int] = []
    try:
        while len(acknowledged) < wanted:
            line = child.stdout.readline()
            assert line, f"writer exited early with {child.wait()}"
            acknowledged.append(int(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # Whatever else the child acknowledged before it died must be there too.
    acknowledged += [int(line) for line in child.stdout.read().split()]
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    async def reopen() -> dict[bytes, bytes]:
        async with open_store(None, tmp_path) as store:
            return dict(await store.scan("durable"))

    found = asyncio.run(reopen())
    missing = [n for n in acknowledged if found.get(b"%08d" % n) != b"value %d" % n]
    assert missing == []
    assert len(found) >= wanted


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    async with SqliteStore(tmp_path / "skybus.db") as store:
        yield store


async def test_concurrent_writes_share_commits(sqlite_store: SqliteStore) -> None:
    before = sqlite_store.commits
    await asyncio.gather(*(sqlite_store.put("s", b"%04d" % i, b"x") for i in range(300)))
    commits = sqlite_store.commits - before
    assert 1 <= commits <= 10
    assert sqlite_store.writes >= 300
    assert await sqlite_store.count("s") == 300


async def test_sequential_writes_commit_one_by_one(sqlite_store: SqliteStore) -> None:
    before = sqlite_store.commits
    for i in range(5):
        await sqlite_store.put("s", b"%d" % i, b"x")
    assert sqlite_store.commits - before == 5


async def test_close_finishes_queued_writes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "skybus.db")
    await store.open()
    tasks = [asyncio.create_task(store.put("s", b"%03d" % i, b"x")) for i in range(100)]
    await asyncio.sleep(0)
    await store.close()
    await asyncio.gather(*tasks)
    async with SqliteStore(tmp_path / "skybus.db") as again:
        assert await again.count("s") == 100


async def test_nested_write_is_refused(sqlite_store: SqliteStore) -> None:
    async def nested(tx: Tx) -> None:
        await sqlite_store.put("s", b"inner", b"x")

    with pytest.raises(StoreError, match="inside a write"):
        await sqlite_store.write(nested)
    await sqlite_store.put("s", b"after", b"x")
    assert await sqlite_store.get("s", b"after") == b"x"


async def test_cancelled_function_does_not_stop_the_writer(sqlite_store: SqliteStore) -> None:
    async def cancelled(tx: Tx) -> None:
        await tx.put("s", b"k", b"x")
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await sqlite_store.write(cancelled)
    assert await sqlite_store.get("s", b"k") is None
    await sqlite_store.put("s", b"k", b"y")
    assert await sqlite_store.get("s", b"k") == b"y"


async def test_many_writes_with_background_checkpoints(sqlite_store: SqliteStore) -> None:
    for round_ in range(3):
        await asyncio.gather(
            *(sqlite_store.put("s", b"%d-%04d" % (round_, i), b"v" * 200) for i in range(700))
        )
    assert await sqlite_store.count("s") == 2100


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "skybus.db"
    async with SqliteStore(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        await SqliteStore(path).open()


async def test_reopen_keeps_data_and_wal_mode(tmp_path: Path) -> None:
    async with open_store(None, tmp_path) as store:
        await store.put("s", b"k", b"v")
        await store.enqueue("q", b"job")
    async with open_store(None, tmp_path) as store:
        assert await store.get("s", b"k") == b"v"
        assert (await store.queue_depth("q")).ready == 1
    conn = sqlite3.connect(tmp_path / "skybus.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
