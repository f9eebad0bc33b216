"""The durable store: one async contract (:mod:`.contract`), an embedded SQLite backend and a
shared PostgreSQL backend, chosen by URL.

Backends are named in a small registry and imported only when chosen, so running on SQLite never
imports asyncpg.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Protocol

from skybus.store.contract import (
    Clock,
    Job,
    QueueDepth,
    ReadOnlyError,
    Store,
    StoreError,
    Tx,
)
from skybus.store.records import Records

__all__ = [
    "BACKENDS",
    "Clock",
    "Job",
    "QueueDepth",
    "ReadOnlyError",
    "Records",
    "Store",
    "StoreError",
    "Tx",
    "open_store",
]

BACKENDS: dict[str, str] = {
    "sqlite": "skybus.store.sqlite:from_url",
    "postgresql": "skybus.store.postgres:from_url",
    "postgres": "skybus.store.postgres:from_url",
}
"""URL scheme -> ``module:factory``; the factory takes ``(url, data_dir, clock)``."""

ACCEPTED = (
    "no URL (SQLite in the data folder), sqlite:///relative/path.db, sqlite:////absolute/path.db,"
    " postgresql://user@host:port/database or postgres://..."
)


class _Factory(Protocol):
    def __call__(self, url: str, data_dir: Path, clock: Clock) -> Store: ...


def open_store(url: str | None, data_dir: Path, *, clock: Clock = time.time) -> Store:
    """The store a URL names (not yet opened: ``await store.open()`` or ``async with store``).

    ``None`` is the SQLite file ``<data_dir>/skybus.db``.
    """
    scheme = "sqlite" if url is None else url.partition("://")[0].lower()
    if (url is not None and "://" not in url) or scheme not in BACKENDS:
        raise ValueError(f"unsupported store URL {url!r}; accepted: {ACCEPTED}")
    module_name, _, attr = BACKENDS[scheme].partition(":")
    factory: _Factory = getattr(importlib.import_module(module_name), attr)
    return factory(url or "sqlite://", data_dir, clock)
