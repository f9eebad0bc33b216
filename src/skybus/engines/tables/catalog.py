"""The table control plane: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable and
tags, on the ``ddb.tables`` records.

Every item operation needs its table's definition inside its own transaction, so that a table
deleted meanwhile is never read or written. That lookup is on the hot path: on PostgreSQL
(several nodes may change definitions) it is a read of the record, decoded once per distinct
stored bytes; on SQLite, where this process owns the data and every definition change goes
through :meth:`Catalog.changed`, definitions are served from memory (see :meth:`current`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from skybus import limits
from skybus.engines.tables import indexes, stats
from skybus.engines.tables.backfill import Backfills
from skybus.engines.tables.definition import (
    apply_billing,
    check_table_class,
    check_table_name,
    check_tags,
    check_unsupported,
    initial_billing,
    key_definition,
)
from skybus.engines.tables.describe import Counts, description
from skybus.engines.tables.errors import (
    arn_not_found,
    in_use,
    invalid,
    limit_exceeded,
    table_not_found,
    validation,
)
from skybus.engines.tables.indexdef import (
    check_all_used,
    global_indexes,
    keys_used,
    local_indexes,
)
from skybus.engines.tables.indexupdates import apply_updates, check_updates, follow_billing
from skybus.engines.tables.schema import (
    PAY_PER_REQUEST,
    PROVISIONED,
    TABLES,
    IndexMeta,
    TableMeta,
    TableRef,
    parse_arn,
    region_prefix,
    table_key,
)
from skybus.store.contract import Tx

if TYPE_CHECKING:
    from skybus.node import Node

T = TypeVar("T")

_UPDATE_MEMBERS = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
)


class Catalog:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.backfills = Backfills(node, self.changed)
        self._decoded: dict[bytes, tuple[bytes, TableMeta]] = {}
        # Definitions kept in memory on the embedded store, where one process owns the data:
        # every change to a definition goes through :meth:`changed`, which marks the table
        # as changing for as long as the change is in flight (nothing is remembered about it
        # meanwhile) and forgets it once the change is settled.
        self._current: dict[bytes, TableMeta] = {}
        self._changing: dict[bytes, int] = {}
        self._generation = 0

    # Finding tables.

    def ref(self, account: str, region: str, table_name: str) -> TableRef:
        """Where a TableName parameter (a name or a table ARN) points."""
        if table_name.startswith("arn:"):
            found = parse_arn(table_name)
            if found is None or found.rest:
                raise validation(
                    f"Invalid TableArn: Invalid ResourceArn provided as input {table_name}"
                )
            check_table_name(found.name)
            return found
        check_table_name(table_name)
        return TableRef(account, region, table_name)

    def arn_ref(self, arn: str) -> TableRef:
        """Where a ResourceArn parameter (TagResource and friends) points."""
        found = parse_arn(arn)
        if found is None or found.rest or len(found.name) < limits.DDB_MIN_TABLE_NAME_LENGTH:
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        return found

    async def get(self, tx: Tx, ref: TableRef, *, for_update: bool = False) -> TableMeta | None:
        key = TABLES.key(table_key(ref.account, ref.region, ref.name))
        raw = await tx.get(TABLES.space, key, for_update=for_update)
        if raw is None:
            return None
        if for_update:
            # The caller is about to change it: a private copy, never the shared one.
            return TABLES.decode(raw)
        cached = self._decoded.get(key)
        if cached is not None and cached[0] == raw:
            return cached[1]
        meta = TABLES.decode(raw)
        self._decoded[key] = (raw, meta)
        return meta

    async def current(self, tx: Tx, ref: TableRef) -> TableMeta:
        """The table for an item operation (ResourceNotFoundException without naming it).

        On SQLite the definition is remembered after it is first read; a definition read
        while a change to it is in flight, or by a snapshot a change may have outdated since,
        is not remembered.
        """
        key = TABLES.key(table_key(ref.account, ref.region, ref.name))
        if key not in self._changing:
            known = self._current.get(key)
            if known is not None:
                return known
        generation = self._generation
        meta = await self.require(tx, ref)
        if (
            generation == self._generation
            and key not in self._changing
            and self.node.store.backend == "sqlite"
        ):
            self._current[key] = meta
        return meta

    async def require(
        self, tx: Tx, ref: TableRef, *, named: bool = False, for_update: bool = False
    ) -> TableMeta:
        """The table, or ResourceNotFoundException (naming it when ``named``, as the table
        operations do)."""
        meta = await self.get(tx, ref, for_update=for_update)
        if meta is None:
            raise table_not_found(ref.arn or ref.name if named else None)
        return meta

    async def put(self, tx: Tx, meta: TableMeta) -> None:
        await TABLES.put(tx, table_key(meta.account, meta.region, meta.name), meta)

    async def changed(self, write: Callable[[Tx], Awaitable[T]], ref: TableRef) -> T:
        """Run a write that creates, changes or deletes a table's definition."""
        key = TABLES.key(table_key(ref.account, ref.region, ref.name))
        self._changing[key] = self._changing.get(key, 0) + 1
        self._forget(key)
        try:
            return await self.node.store.write(write)
        finally:
            left = self._changing.pop(key) - 1
            if left:
                self._changing[key] = left
            self._forget(key)

    def _forget(self, key: bytes) -> None:
        self._current.pop(key, None)
        self._generation += 1

    # Operations.

    async def create(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.ref(account, region, params["TableName"])
        check_unsupported(params)
        for member in ("OnDemandThroughput", "ResourcePolicy"):
            if params.get(member) is not None:
                raise validation(f"{member} is not supported by Skybus yet")
        now = self.node.clock()
        mode, throughput = initial_billing(params, now)
        local_specs = params.get("LocalSecondaryIndexes")
        global_specs = params.get("GlobalSecondaryIndexes")
        with_indexes = local_specs is not None or global_specs is not None
        keys = key_definition(params, with_indexes=with_indexes)
        types = {a.name: a.type for a in keys.attributes}
        names = [a.name for a in keys.attributes]
        taken: set[str] = set()
        secondary = []
        if local_specs is not None:
            secondary += local_indexes(
                local_specs, keys.hash_key, keys.range_key, types, names, taken
            )
        if global_specs is not None:
            secondary += global_indexes(global_specs, types, names, mode, taken)
        if with_indexes:
            table_keys = tuple(k.name for k in (keys.hash_key, keys.range_key) if k is not None)
            check_all_used(names, keys_used(table_keys, secondary))
        table_class = check_table_class(params)
        tags = check_tags(params.get("Tags") or [])
        meta = TableMeta(
            name=ref.name,
            account=ref.account,
            region=ref.region,
            id=str(uuid.uuid4()),
            created=now,
            hash_key=keys.hash_key,
            range_key=keys.range_key,
            attributes=keys.attributes,
            billing_mode=mode,
            billing_explicit="BillingMode" in params,
            pay_per_request_since=now if mode == PAY_PER_REQUEST else None,
            throughput=throughput,
            tags=tags,
            deletion_protection=bool(params.get("DeletionProtectionEnabled", False)),
            table_class=table_class,
            indexes=secondary,
        )

        async def create(tx: Tx) -> None:
            prefix = region_prefix(ref.account, ref.region)
            if await TABLES.count(tx, prefix=prefix) >= limits.DDB_MAX_TABLES:
                raise limit_exceeded(
                    f"Subscriber limit exceeded: There is a limit of {limits.DDB_MAX_TABLES} "
                    "tables per account and region"
                )
            key = table_key(ref.account, ref.region, ref.name)
            if not await TABLES.insert(tx, key, meta):
                raise in_use(f"Table already exists: {ref.name}")

        await self.changed(create, ref)
        return {"TableDescription": description(meta, item_count=0, size=0)}

    async def describe(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.ref(account, region, params["TableName"])

        async def read(tx: Tx) -> dict[str, Any]:
            meta = await self.require(tx, ref, named=True)
            count, size, index_counts = await totals(tx, meta)
            return description(meta, item_count=count, size=size, index_counts=index_counts)

        return {"Table": await self.node.store.read(read)}

    async def list(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", limits.DDB_LIST_TABLES_MAX_LIMIT)
        prefix = region_prefix(account, region)
        start = params.get("ExclusiveStartTableName")
        after = None if start is None else prefix + start

        async def read(tx: Tx) -> list[TableMeta]:
            return await TABLES.scan(tx, prefix=prefix, after=after, limit=limit + 1)

        found = await self.node.store.read(read)
        names = [meta.name for meta in found[:limit]]
        result: dict[str, Any] = {"TableNames": names}
        if len(found) > limit:
            result["LastEvaluatedTableName"] = names[-1]
        return result

    async def delete(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.ref(account, region, params["TableName"])

        async def delete(tx: Tx) -> dict[str, Any]:
            meta = await self.require(tx, ref, named=True, for_update=True)
            if meta.deletion_protection:
                raise validation(
                    "Resource cannot be deleted as it is currently protected against deletion. "
                    "Disable deletion protection first."
                )
            count, size, index_counts = await totals(tx, meta)
            await TABLES.delete(tx, table_key(meta.account, meta.region, meta.name))
            await tx.drop_space(meta.space)
            await stats.drop(tx, meta.id)
            for index in meta.indexes:
                await indexes.drop(tx, meta, index)
            return description(
                meta, item_count=count, size=size, status="DELETING", index_counts=index_counts
            )

        result = await self.changed(delete, ref)
        self._decoded.pop(TABLES.key(table_key(ref.account, ref.region, ref.name)), None)
        return {"TableDescription": result}

    async def update(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.ref(account, region, params["TableName"])
        given = [m for m in _UPDATE_MEMBERS if params.get(m) is not None]
        if not given:
            raise validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass "
                "is required"
            )
        for alone, name in (
            ("DeletionProtectionEnabled", "DeletionProtection"),
            ("TableClass", "TableClass"),
        ):
            if alone in given and len(given) > 1:
                raise invalid(f"{name} modification must be the only operation in the request")
        check_unsupported(params)
        if params.get("OnDemandThroughput") is not None:
            raise validation("OnDemandThroughput is not supported by Skybus yet")
        table_class = check_table_class(params)
        if params.get("GlobalSecondaryIndexUpdates") is not None:
            check_updates(params["GlobalSecondaryIndexUpdates"])
        now = self.node.clock()
        created: list[IndexMeta] = []

        async def update(tx: Tx) -> tuple[TableMeta, dict[str, Any]]:
            meta = await self.require(tx, ref, named=True, for_update=True)
            was_provisioned = meta.billing_mode == PROVISIONED
            apply_billing(meta, params, now)
            added, dropped = apply_updates(meta, params, now)
            follow_billing(meta, params, not was_provisioned and meta.billing_mode == PROVISIONED)
            for index in dropped:
                await indexes.drop(tx, meta, index)
            if "DeletionProtectionEnabled" in params:
                meta.deletion_protection = bool(params["DeletionProtectionEnabled"])
            if table_class is not None:
                meta.table_class = table_class
            await self.put(tx, meta)
            created[:] = added
            count, size, index_counts = await totals(tx, meta)
            return meta, description(meta, item_count=count, size=size, index_counts=index_counts)

        meta, result = await self.changed(update, ref)
        for index in created:
            self.backfills.start(meta, index)
        return {"TableDescription": result}

    async def tag(self, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.arn_ref(params["ResourceArn"])
        tags = params.get("Tags") or []
        if not tags:
            raise validation("Atleast one Tag needs to be provided as Input.")

        async def tag(tx: Tx) -> None:
            meta = await self.get(tx, ref, for_update=True)
            if meta is None:
                raise arn_not_found(params["ResourceArn"])
            meta.tags = check_tags(tags, meta.tags)
            await self.put(tx, meta)

        await self.changed(tag, ref)
        return {}

    async def untag(self, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.arn_ref(params["ResourceArn"])
        keys = params.get("TagKeys") or []
        if not keys:
            raise validation("Atleast one Tag Key needs to be provided as Input.")

        async def untag(tx: Tx) -> None:
            meta = await self.get(tx, ref, for_update=True)
            if meta is None:
                raise arn_not_found(params["ResourceArn"])
            meta.tags = {k: v for k, v in meta.tags.items() if k not in set(keys)}
            await self.put(tx, meta)

        await self.changed(untag, ref)
        return {}

    async def list_tags(self, params: dict[str, Any]) -> dict[str, Any]:
        ref = self.arn_ref(params["ResourceArn"])

        async def read(tx: Tx) -> dict[str, str]:
            meta = await self.get(tx, ref)
            if meta is None:
                raise arn_not_found(params["ResourceArn"])
            return meta.tags

        tags = await self.node.store.read(read)
        return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


async def totals(tx: Tx, meta: TableMeta) -> tuple[int, int, Counts]:
    """Item count and size of the table and of each of its indexes."""
    count, size = await stats.totals(tx, meta.id)
    index_counts = {
        index.name: await stats.totals(tx, indexes.stats_id(meta, index)) for index in meta.indexes
    }
    return count, size, index_counts
