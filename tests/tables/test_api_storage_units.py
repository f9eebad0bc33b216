"""Unit tests of the pure parts under the DynamoDB API: the item codec, index entry keys and
their range bounds, capacity units, and the parsed-expression cache."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from skybus.engines.tables import capacity, codec, indexes, keys
from skybus.engines.tables.compiled import CompiledCache
from skybus.engines.tables.schema import IndexMeta, KeyPart


def test_codec_round_trips_plain_and_binary_items() -> None:
    plain: dict[str, Any] = {
        "pk": {"S": "a"},
        "n": {"N": "1.5"},
        "m": {"M": {"l": {"L": [{"BOOL": True}]}}},
    }
    raw = codec.encode(plain, 42)
    assert raw[0] == codec.PLAIN
    assert codec.stored_size(raw) == 42
    assert codec.decode(raw) == plain
    binary: dict[str, Any] = {
        "pk": {"B": b"\x00\xff"},
        "bs": {"BS": [b"a", b""]},
        "deep": {"M": {"x": {"L": [{"B": b"\x01"}, {"S": "AQ=="}]}}},
    }
    raw = codec.encode(binary, 7)
    assert raw[0] == codec.BINARY
    # A string that happens to look like base64 stays a string.
    assert codec.decode(raw) == binary


key_values = st.one_of(
    st.text(min_size=1, max_size=6).map(lambda s: {"S": s}),
    st.binary(min_size=1, max_size=6).map(lambda b: {"B": b}),
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=3).map(
        lambda d: {"N": str(d.normalize()) if d != 0 else "0"}
    ),
)


def _order_value(value: dict[str, Any]) -> Any:
    kind, content = next(iter(value.items()))
    if kind == "S":
        return content.encode("utf-8", "surrogatepass")
    if kind == "N":
        return Decimal(content)
    return content


INDEX = IndexMeta("by-x", "id", False, KeyPart("g", "S"), KeyPart("x", "S"), "ALL")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=4), st.binary(max_size=6)), min_size=2))
def test_index_entries_sort_by_range_value_then_item_key(pairs: list[tuple[str, bytes]]) -> None:
    """Within one index partition, entries order by the index range value (as DynamoDB orders
    strings) whatever bytes the item keys that follow them hold."""
    entries = [
        (
            indexes.entry_key(INDEX, {"g": {"S": "p"}, "x": {"S": text}}, item_key) or b"",
            text.encode("utf-8", "surrogatepass"),
            item_key,
        )
        for text, item_key in pairs
    ]
    by_key = sorted(entries, key=lambda e: e[0])
    assert [(e[1], e[2]) for e in by_key] == sorted((e[1], e[2]) for e in entries)


@settings(max_examples=300, deadline=None)
@given(st.lists(key_values, min_size=1, max_size=8), key_values)
def test_index_range_bounds_select_what_the_condition_selects(
    values: list[dict[str, Any]], bound: dict[str, Any]
) -> None:
    kind = next(iter(bound))
    values = [v for v in values if kind in v]
    index = IndexMeta("i", "id", False, KeyPart("g", "S"), KeyPart("x", kind), "ALL")
    prefix = keys.partition_prefix({"S": "p"})
    limit = _order_value(bound)
    checks: list[tuple[str, Callable[[Any], bool]]] = [
        ("<", lambda v: bool(v < limit)),
        ("<=", lambda v: bool(v <= limit)),
        (">", lambda v: bool(v > limit)),
        (">=", lambda v: bool(v >= limit)),
    ]
    for op, check in checks:
        low, low_inclusive, high, high_inclusive = keys.sort_key_range(op, [bound])
        start = (
            prefix
            if low is None
            else indexes.sort_bound(prefix, low, lower=True, inclusive=low_inclusive)
        )
        end = (
            keys.prefix_end(prefix)
            if high is None
            else indexes.sort_bound(prefix, high, lower=False, inclusive=high_inclusive)
        )
        for value in values:
            entry = indexes.entry_key(index, {"g": {"S": "p"}, "x": value}, b"\x00item")
            assert entry is not None
            inside = entry >= start and (end is None or entry < end)
            assert inside == check(_order_value(value)), (op, value, bound)


def test_entries_need_every_index_key() -> None:
    assert indexes.entry_key(INDEX, {"g": {"S": "p"}}, b"k") is None
    assert indexes.entry_key(INDEX, {"g": {"N": "1"}, "x": {"S": "a"}}, b"k") is None
    assert indexes.entry_key(INDEX, {"g": {"S": "p"}, "x": {"S": "a"}}, b"k") is not None


def test_capacity_units() -> None:
    assert capacity.write_units(0) == 1.0
    assert capacity.write_units(1024) == 1.0
    assert capacity.write_units(1025) == 2.0
    assert capacity.read_units(4096, True) == 1.0
    assert capacity.read_units(4097, True) == 2.0
    assert capacity.read_units(4097, False) == 1.0
    assert capacity.read_units(0, False) == 0.5
    assert capacity.report("NONE", "t", 1.0) is None
    assert capacity.report("TOTAL", "t", 1.0, {"g": (False, 2.0)}) == {
        "TableName": "t",
        "CapacityUnits": 3.0,
    }
    assert capacity.report("INDEXES", "t", 1.0, {"g": (False, 2.0), "l": (True, 1.0)}) == {
        "TableName": "t",
        "CapacityUnits": 4.0,
        "Table": {"CapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 2.0}},
        "LocalSecondaryIndexes": {"l": {"CapacityUnits": 1.0}},
    }


def test_compiled_cache_reuses_parses_per_distinct_request() -> None:
    cache = CompiledCache(capacity=2)
    request = {"UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}
    first = cache.compile("UpdateItem", request)
    assert cache.compile("UpdateItem", dict(request)) is first
    assert (cache.hits, cache.misses) == (1, 1)
    # A blob and a string of the same text are different values.
    text = {"ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"S": "AQ=="}}}
    blob = {"ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"B": b"\x01"}}}
    assert cache.compile("PutItem", text) is not cache.compile("PutItem", blob)
    # The oldest entry goes when the cache is full.
    cache.compile("UpdateItem", request)
    assert cache.compile("GetItem", {}) is cache.compile("GetItem", {})
