"""UpdateTable's GlobalSecondaryIndexUpdates (Create, Update, Delete) and the billing rules that
tie a table's indexes to its capacity mode.

A created index starts CREATING and is filled from the table's items in the background (see
:mod:`backfill`); writers keep it up to date from the moment it exists, so the backfill only
adds what was there before.
"""

from __future__ import annotations

from typing import Any

from skybus import limits
from skybus.engines.tables.definition import throughput_update
from skybus.engines.tables.errors import invalid, limit_exceeded, validation
from skybus.engines.tables.indexdef import global_index, keys_used
from skybus.engines.tables.schema import PAY_PER_REQUEST, IndexMeta, KeyPart, TableMeta, Throughput
from skybus.wire.errors import ServiceError

_ACTIONS = ("Update", "Create", "Delete")


def check_updates(updates: list[dict[str, Any]]) -> None:
    """The checks that need no table: one action per entry, one entry per index, at most one
    index created or deleted."""
    if not updates:
        raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    seen: set[str] = set()
    online = 0
    for update in updates:
        actions = [a for a in _ACTIONS if update.get(a) is not None]
        if not actions:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(actions) > 1:
            raise invalid(
                "Only one global secondary index action is allowed per "
                "GlobalSecondaryIndexUpdate object"
            )
        name = update[actions[0]]["IndexName"]
        if name in seen:
            raise invalid(
                "Only one global secondary index update per index is allowed simultaneously. "
                f"Index: {name}"
            )
        seen.add(name)
        if actions[0] != "Update":
            online += 1
    if online > 1:
        raise limit_exceeded(
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table"
        )


def _index_not_found(name: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException", f"Requested resource not found: Index: {name} not found"
    )


def apply_updates(
    meta: TableMeta, params: dict[str, Any], now: float
) -> tuple[list[IndexMeta], list[IndexMeta]]:
    """Change ``meta`` as the updates ask; (created indexes, deleted indexes)."""
    created: list[IndexMeta] = []
    deleted: list[IndexMeta] = []
    definitions = {a.name: a.type for a in meta.attributes}
    for given in params.get("AttributeDefinitions") or []:
        definitions.setdefault(given["AttributeName"], given["AttributeType"])
    names = list(definitions)
    for update in params.get("GlobalSecondaryIndexUpdates") or []:
        if update.get("Create") is not None:
            spec = update["Create"]
            if meta.index(spec["IndexName"]) is not None:
                raise validation("Attempting to create an index which already exists")
            if any(index.status != "ACTIVE" for index in meta.indexes):
                raise limit_exceeded(
                    "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                    "simultaneously per table"
                )
            if sum(not index.local for index in meta.indexes) >= limits.DDB_MAX_GSI:
                raise limit_exceeded(
                    "Subscriber limit exceeded: GlobalSecondaryIndex count exceeds the per-table "
                    f"limit of {limits.DDB_MAX_GSI}"
                )
            taken = {index.name for index in meta.indexes}
            new = global_index(spec, definitions, names, meta.billing_mode, taken)
            new.status = "CREATING"
            new.backfilling = True
            meta.indexes.append(new)
            created.append(new)
        elif update.get("Delete") is not None:
            name = update["Delete"]["IndexName"]
            index = meta.index(name)
            if index is None:
                raise _index_not_found(name)
            if index.local:
                raise validation(
                    f"Cannot delete an index that is not a GlobalSecondaryIndex: {name}"
                )
            meta.indexes.remove(index)
            deleted.append(index)
        else:
            spec = update["Update"]
            name = spec["IndexName"]
            index = meta.index(name)
            if index is None:
                raise _index_not_found(name)
            if index.local:
                raise validation(
                    f"Cannot update an index that is not a GlobalSecondaryIndex: {name}"
                )
            if meta.billing_mode == PAY_PER_REQUEST:
                raise invalid(
                    f"The only Updates for index: {name} when TableThroughputMode is "
                    "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
                )
            index.throughput = throughput_update(
                index.throughput, spec["ProvisionedThroughput"], now
            )
    used = keys_used(meta.key_names, meta.indexes)
    meta.attributes = [KeyPart(name, definitions[name]) for name in names if name in used]
    return created, deleted


def follow_billing(meta: TableMeta, params: dict[str, Any], switched_to_provisioned: bool) -> None:
    """Global indexes follow the table's capacity mode: no provisioned capacity on demand, and
    each needs its own when the table goes back to PROVISIONED (in the same request)."""
    if meta.billing_mode == PAY_PER_REQUEST:
        for index in meta.indexes:
            if not index.local:
                index.throughput = Throughput(
                    decreases=index.throughput.decreases,
                    decrease_day=index.throughput.decrease_day,
                )
        return
    if not switched_to_provisioned:
        return
    updated = {
        update["Update"]["IndexName"]
        for update in params.get("GlobalSecondaryIndexUpdates") or []
        if update.get("Update") is not None
    }
    for index in meta.indexes:
        if not index.local and index.name not in updated:
            raise invalid(f"ProvisionedThroughput must be specified for index: {index.name}")
