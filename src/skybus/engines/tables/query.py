"""Query and Scan, served by the store's ordered index.

A Query is one range scan: the partition's key prefix, narrowed by the sort-key condition's
byte bounds (the key encoding orders bytes as DynamoDB orders keys), read forwards or
backwards. A Scan reads the whole space, which is in partition-hash order as on AWS, or one
parallel-scan segment of it, a contiguous range of hashes. Filters run on the items read;
Limit and the 1 MB page limit count items before the filter (see :mod:`pages`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from skybus.engines.tables import capacity, indexes, keys
from skybus.engines.tables.catalog import Catalog
from skybus.engines.tables.compiled import CompiledCache
from skybus.engines.tables.errors import invalid, validation
from skybus.engines.tables.expressions import (
    Compiled,
    ExpressionError,
    KeyCondition,
    check_filter_keys,
    evaluate_condition,
    key_condition,
    project,
)
from skybus.engines.tables.items import checked_key
from skybus.engines.tables.pages import Page, Range, read_page
from skybus.engines.tables.targets import Target, choose_target
from skybus.engines.tables.values import Item
from skybus.store.contract import Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.node import Node

Params = dict[str, Any]
Result = dict[str, Any]

STARTING_KEY_INVALID = "The provided starting key is invalid"


def select_mode(params: Params, compiled: Compiled, verb: str) -> str:
    """Select, checked against the projection parameters as AWS checks it."""
    select: str | None = params.get("Select")
    projected = compiled.projection is not None
    given = "ProjectionExpression" if params.get("ProjectionExpression") else "AttributesToGet"
    if select is None:
        return "SPECIFIC_ATTRIBUTES" if projected else "ALL_ATTRIBUTES"
    if select == "COUNT" and projected:
        raise validation(f"Cannot specify the {given} when choosing to get only the Count")
    if select in ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES") and projected:
        raise validation(f"Cannot specify the {given} when choosing to get {select}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and params.get("IndexName") is None:
        raise validation(
            f"ALL_PROJECTED_ATTRIBUTES can be used only when {verb} using an IndexName"
        )
    if select == "SPECIFIC_ATTRIBUTES" and not projected:
        raise invalid(
            "Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet"
        )
    return select


def _keep(compiled: Compiled) -> Callable[[Item], bool] | None:
    condition = compiled.filter
    if condition is None:
        return None
    return lambda item: evaluate_condition(condition, item)


def _shape(compiled: Compiled) -> Callable[[Item], Item] | None:
    projection = compiled.projection
    if projection is None:
        return None
    paths = projection.paths
    return lambda item: project(paths, item)


def _result(page: Page, select: str, params: Params, table: str, target: Target) -> Result:
    result: Result = {"Count": page.count, "ScannedCount": page.scanned}
    if select != "COUNT":
        result["Items"] = page.items
    if page.last_key is not None:
        result["LastEvaluatedKey"] = page.last_key
    units = capacity.read_units(page.read_bytes, bool(params.get("ConsistentRead")))
    mode = params.get("ReturnConsumedCapacity")
    if target.index is None:
        capacity.add_report(result, mode, table, units)
    else:
        spent = {target.index.name: (target.index.local, units)}
        capacity.add_report(result, mode, table, 0.0, spent)
    return result


def _start_key(params: Params) -> Item | None:
    start = params.get("ExclusiveStartKey")
    if start is None:
        return None
    try:
        return checked_key(start)
    except ServiceError as exc:
        raise validation(f"{STARTING_KEY_INVALID}: {exc.message}") from None


def query_range(target: Target, found: KeyCondition, forward: bool) -> Range:
    """The store keys a key condition selects, in the table or in an index."""
    prefix = keys.partition_prefix(found.partition_value)
    start: bytes | None = prefix
    end = keys.prefix_end(prefix)
    if found.sort_op is not None:
        low, low_inclusive, high, high_inclusive = keys.sort_key_range(
            found.sort_op, list(found.sort_operands)
        )
        if target.index is None:
            # An item's sort key is the rest of its store key.
            if low is not None:
                start = prefix + low + (b"" if low_inclusive else b"\x00")
            if high is not None:
                end = prefix + high + (b"\x00" if high_inclusive else b"")
        else:
            if low is not None:
                start = indexes.sort_bound(prefix, low, lower=True, inclusive=low_inclusive)
            if high is not None:
                end = indexes.sort_bound(prefix, high, lower=False, inclusive=high_inclusive)
    return Range(start, end, reverse=not forward)


def _inside(rng: Range, key: bytes) -> bool:
    return (rng.start is None or key >= rng.start) and (rng.end is None or key < rng.end)


class QueryOps:
    def __init__(self, node: Node, catalog: Catalog, cache: CompiledCache) -> None:
        self.node = node
        self.catalog = catalog
        self.cache = cache

    async def query(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        compiled = self.cache.compile("Query", params)
        if compiled.key_condition is None:
            raise validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be "
                "specified in the request."
            )
        select = select_mode(params, compiled, "Querying")
        start = _start_key(params)
        forward = params.get("ScanIndexForward", True) is not False
        key_cond = compiled.key_condition
        legacy_filter = params.get("QueryFilter") is not None

        async def read(tx: Tx) -> tuple[Target, Page]:
            meta = await self.catalog.current(tx, ref)
            target = choose_target(tx, meta, params, compiled)
            try:
                found = key_condition(key_cond, target.schema)
                check_filter_keys(compiled.filter, target.key_names, legacy=legacy_filter)
            except ExpressionError as exc:
                raise validation(str(exc)) from None
            rng = query_range(target, found, forward)
            if start is not None:
                after = target.start_key(start)
                if not after.startswith(keys.partition_prefix(found.partition_value)):
                    raise validation(
                        "The provided starting key is outside query boundaries based on "
                        "provided conditions"
                    )
                if not _inside(rng, after):
                    raise validation(
                        "The provided starting key does not match the range key predicate"
                    )
                rng = Range(rng.start, rng.end, after, rng.reverse)
            page = await read_page(
                tx,
                target.source,
                rng,
                limit=params.get("Limit"),
                keep=_keep(compiled),
                shape=_shape(compiled),
                keep_items=select != "COUNT",
            )
            return target, page

        target, page = await self.node.store.read(read)
        return _result(page, select, params, ref.name, target)

    async def scan(self, account: str, region: str, params: Params) -> Result:
        ref = self.catalog.ref(account, region, params["TableName"])
        compiled = self.cache.compile("Scan", params)
        select = select_mode(params, compiled, "Scanning")
        start = _start_key(params)
        segment, total = _segments(params)

        async def read(tx: Tx) -> tuple[Target, Page]:
            meta = await self.catalog.current(tx, ref)
            target = choose_target(tx, meta, params, compiled)
            low: bytes | None = None
            high: bytes | None = None
            if total is not None:
                low, high = keys.segment_bounds(segment, total)
            rng = Range(low, high)
            if start is not None:
                after = target.start_key(start)
                if total is not None and keys.segment_of(after, total) != segment:
                    raise validation(
                        f"{STARTING_KEY_INVALID}: Invalid ExclusiveStartKey. Please use "
                        f"ExclusiveStartKey with correct Segment. TotalSegments: {total} "
                        f"Segment: {segment}"
                    )
                rng = Range(low, high, after)
            page = await read_page(
                tx,
                target.source,
                rng,
                limit=params.get("Limit"),
                keep=_keep(compiled),
                shape=_shape(compiled),
                keep_items=select != "COUNT",
            )
            return target, page

        target, page = await self.node.store.read(read)
        return _result(page, select, params, ref.name, target)


def _segments(params: Params) -> tuple[int, int | None]:
    segment: int | None = params.get("Segment")
    total: int | None = params.get("TotalSegments")
    if segment is not None and total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if total is not None:
        if segment is None:
            raise validation(
                "The Segment parameter is required but was not present in the request when "
                "parameter TotalSegments is present"
            )
        if segment >= total:
            raise validation(
                "The Segment parameter is zero-based and must be less than parameter "
                f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
            )
        return segment, total
    return 0, None
