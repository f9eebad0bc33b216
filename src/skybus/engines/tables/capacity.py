"""Consumed capacity, computed as DynamoDB computes it, in the shapes it reports it.

A write costs one write unit per started KB of the larger of the item before and after it; a
read one read unit per started 4 KB, half of that when eventually consistent. Query and Scan
add up the sizes of the items they read (before any filter) and round once; every request
costs at least one unit. Skybus does not throttle: the figures are reported, not enforced.
"""

from __future__ import annotations

from typing import Any

from skybus import limits


def write_units(size: int) -> float:
    return float(max(1, -(-size // limits.DDB_WRITE_UNIT_BYTES)))


def read_units(size: int, consistent: bool) -> float:
    units = float(max(1, -(-size // limits.DDB_READ_UNIT_BYTES)))
    return units if consistent else units / 2


IndexUnits = dict[str, tuple[bool, float]]
"""Units spent per index name, with whether the index is local."""


def report(
    mode: str | None, table: str, units: float, indexes: IndexUnits | None = None
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity ``mode`` (None: not asked for):
    ``units`` spent on the table itself and ``indexes`` on its indexes."""
    if mode is None or mode == "NONE":
        return None
    spent = indexes or {}
    total = units + sum(u for _, u in spent.values())
    out: dict[str, Any] = {"TableName": table, "CapacityUnits": total}
    if mode == "INDEXES":
        out["Table"] = {"CapacityUnits": units}
        for name, (local, index_units) in spent.items():
            member = "LocalSecondaryIndexes" if local else "GlobalSecondaryIndexes"
            out.setdefault(member, {})[name] = {"CapacityUnits": index_units}
    return out


def add_report(
    result: dict[str, Any],
    mode: str | None,
    table: str,
    units: float,
    indexes: IndexUnits | None = None,
) -> None:
    found = report(mode, table, units, indexes)
    if found is not None:
        result["ConsumedCapacity"] = found
