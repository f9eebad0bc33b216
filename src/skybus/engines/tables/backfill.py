"""Filling a global secondary index added to a table that already has items.

The index is CREATING from the moment UpdateTable commits, so every write since then keeps it
current; the backfill walks the table in key order, a chunk per transaction, and adds the
entries of items that are not indexed yet. Each item is read again with its lock before it is
indexed, so a write racing the backfill is never undone by it, and an entry that is already
there is left alone (the walk may run again after a restart: it is idempotent). When the walk
is done the index becomes ACTIVE. Backfills that a stopped node left unfinished resume when the
tables engine starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from skybus.engines.tables import codec, indexes, stats
from skybus.engines.tables.schema import TABLES, IndexMeta, TableMeta, TableRef, table_key
from skybus.engines.tables.values import item_size
from skybus.store.contract import Tx

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger(__name__)

Changer = Callable[[Callable[[Tx], Awaitable[None]], TableRef], Awaitable[None]]
"""Runs a write that changes a table's definition (the catalog's ``changed``)."""

CHUNK = 200


class Backfills:
    def __init__(self, node: Node, changed: Changer) -> None:
        self.node = node
        self._changed = changed
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}

    def start(self, meta: TableMeta, index: IndexMeta) -> None:
        key = (meta.id, index.id)
        if key in self._tasks and not self._tasks[key].done():
            return
        task = asyncio.create_task(self._run(meta, index.id), name=f"ddb-backfill-{index.name}")
        self._tasks[key] = task
        task.add_done_callback(lambda _: self._tasks.pop(key, None))

    async def resume_all(self) -> None:
        """Start the backfills of every index still CREATING."""

        async def read(tx: Tx) -> list[TableMeta]:
            return await TABLES.scan(tx)

        for meta in await self.node.store.read(read):
            for index in meta.indexes:
                if index.status == "CREATING":
                    self.start(meta, index)

    async def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _run(self, meta: TableMeta, index_id: str) -> None:
        key = table_key(meta.account, meta.region, meta.name)
        cursor: bytes | None = None
        try:
            done = False
            while not done:
                done, cursor = await self.node.store.write(_step(key, meta.id, index_id, cursor))

            async def finish(tx: Tx) -> None:
                current = await TABLES.get(tx, key, for_update=True)
                index = _creating(current, meta.id, index_id)
                if current is None or index is None:
                    return
                index.status = "ACTIVE"
                index.backfilling = False
                await TABLES.put(tx, key, current)

            await self._changed(finish, TableRef(meta.account, meta.region, meta.name))
        except asyncio.CancelledError:
            raise
        except Exception:  # pragma: no cover - logged; resumed at the next start
            log.exception("backfill of index %s of table %s failed", index_id, meta.name)


def _step(
    key: str, table_id: str, index_id: str, cursor: bytes | None
) -> Callable[[Tx], Awaitable[tuple[bool, bytes | None]]]:
    """One chunk of the walk: (finished, where the next chunk starts)."""

    async def step(tx: Tx) -> tuple[bool, bytes | None]:
        current = await TABLES.get(tx, key)
        index = _creating(current, table_id, index_id)
        if current is None or index is None:
            return True, None
        rows = await tx.scan(current.space, after=cursor, limit=CHUNK)
        for item_key, _ in rows:
            await _index_one(tx, current, index, item_key)
        if len(rows) < CHUNK:
            return True, None
        return False, rows[-1][0]

    return step


def _creating(meta: TableMeta | None, table_id: str, index_id: str) -> IndexMeta | None:
    if meta is None or meta.id != table_id:
        return None
    for index in meta.indexes:
        if index.id == index_id and index.status == "CREATING":
            return index
    return None


async def _index_one(tx: Tx, meta: TableMeta, index: IndexMeta, item_key: bytes) -> None:
    raw = await tx.get(meta.space, item_key, for_update=True)
    if raw is None:
        return
    item = codec.decode(raw)
    entry = indexes.entry_key(index, item, item_key)
    space = meta.index_space(index)
    if entry is None or await tx.get(space, entry) is not None:
        return
    value = indexes.projected(meta, index, item)
    size = item_size(value)
    await tx.put(space, entry, codec.encode(value, size))
    await stats.add(tx, indexes.stats_id(meta, index), 1, size)
