"""Choosing a backend from a URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skybus.store import open_store
from skybus.store.postgres import PostgresStore
from skybus.store.sqlite import SqliteStore


def test_default_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    store = open_store(None, tmp_path)
    assert isinstance(store, SqliteStore)
    assert store.backend == "sqlite"
    assert store.path == tmp_path / "skybus.db"
    assert store.synchronous == "NORMAL"


def test_sqlite_urls(tmp_path: Path) -> None:
    absolute = open_store(f"sqlite:///{tmp_path}/other.db", Path("/unused"))
    assert isinstance(absolute, SqliteStore)
    assert absolute.path == tmp_path / "other.db"
    relative = open_store("sqlite:///data/x.db", Path("/unused"))
    assert isinstance(relative, SqliteStore)
    assert relative.path == Path("data/x.db")
    folder = open_store(f"sqlite:///{tmp_path}", Path("/unused"))
    assert isinstance(folder, SqliteStore)
    assert folder.path == tmp_path / "skybus.db"
    full = open_store("sqlite:///x.db?synchronous=full", tmp_path)
    assert isinstance(full, SqliteStore)
    assert full.synchronous == "FULL"
    bare = open_store("sqlite://", tmp_path)
    assert isinstance(bare, SqliteStore)
    assert bare.path == tmp_path / "skybus.db"
    with pytest.raises(ValueError, match="unknown sqlite store option"):
        open_store("sqlite:///x.db?cache=big", tmp_path)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_urls(scheme: str, tmp_path: Path) -> None:
    store = open_store(f"{scheme}://me@db.internal:5433/app?schema=tenant_1", tmp_path)
    assert isinstance(store, PostgresStore)
    assert store.backend == "postgresql"
    assert store.schema == "tenant_1"
    assert store.dsn == f"{scheme}://me@db.internal:5433/app"
    assert isinstance(open_store(f"{scheme}://localhost/app", tmp_path), PostgresStore)
    with pytest.raises(ValueError, match="schema"):
        open_store(f"{scheme}://localhost/app?schema=bad;name", tmp_path)


@pytest.mark.parametrize("url", ["mysql://localhost/db", "/var/lib/skybus.db", "redis://x"])
def test_unknown_urls_name_the_accepted_forms(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"accepted: .*sqlite:///.*postgresql://"):
        open_store(url, tmp_path)


def test_backends_are_imported_lazily(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from skybus.store import open_store; "
        f"open_store(None, Path({str(tmp_path)!r})); "
        "assert 'asyncpg' not in sys.modules and 'skybus.store.postgres' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
