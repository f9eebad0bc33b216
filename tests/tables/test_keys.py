"""Key encoding: byte order equals DynamoDB's key order, partitions never interleave, segments
and sort-key ranges are exact byte ranges."""

from __future__ import annotations

import bisect
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybus.engines.tables import keys, numbers, values
from skybus.engines.tables.values import AttributeValue
from tests.tables.test_numbers import in_range, spellings


def sign(x: int) -> int:
    return (x > 0) - (x < 0)


def byte_order(a: bytes, b: bytes) -> int:
    return sign((a > b) - (a < b))


# --- single key parts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("0", "80"),
        ("1", "c0823" + "1"),  # 0.1 x 10**1
        ("12.5", "c083313235"),
        ("0.05", "c0803" + "5"),  # 0.5 x 10**-1 -> exponent byte 128
        ("-1", "407d38ff"),  # 126 - 1, 0x39 - 1, terminator
        ("-0.011", "407f3838ff"),
        ("1e125", "c0ff31"),
        ("1e-130", "c00031"),
        ("-1e125", "400038ff"),
        ("-1e-130", "40ff38ff"),
    ],
)
def test_number_encoding(text: str, encoded: str) -> None:
    assert keys.encode_key_part({"N": text}).hex() == encoded
    assert keys.decode_key_part("N", bytes.fromhex(encoded)) == {"N": numbers.normalize(text)}


def test_strings_and_binaries_are_their_bytes() -> None:
    assert keys.encode_key_part({"S": "aé"}) == "aé".encode()
    assert keys.encode_key_part({"B": b"\x00\xff"}) == b"\x00\xff"
    assert keys.decode_key_part("S", "aé😀".encode()) == {"S": "aé😀"}
    assert keys.decode_key_part("B", b"\x00") == {"B": b"\x00"}


def test_utf8_order_not_utf16_order() -> None:
    # Measured on DynamoDB: aé < b < U+FF21 < U+1F600 (UTF-16 would put U+1F600 first).
    ordered = ["aé", "b", "\uff21", "\U0001f600"]
    encoded = [keys.encode_key_part({"S": s}) for s in ordered]
    assert encoded == sorted(encoded)


def test_invalid_key_parts() -> None:
    with pytest.raises(ValueError, match="key value"):
        keys.encode_key_part({"BOOL": True})
    with pytest.raises(numbers.NumberError):
        keys.encode_key_part({"N": "1e126"})
    with pytest.raises(ValueError, match="encoded number"):
        keys.decode_key_part("N", b"\x01\x02\x03")


@given(in_range(), in_range())
def test_number_bytes_order_is_numeric_order(a: Decimal, b: Decimal) -> None:
    ea = keys.encode_key_part({"N": format(a, "e")})
    eb = keys.encode_key_part({"N": format(b, "f")})
    assert byte_order(ea, eb) == sign((a > b) - (a < b))
    assert keys.decode_key_part("N", ea) == {"N": numbers.normalize(format(a, "f"))}


@given(in_range())
def test_equal_numbers_give_equal_bytes(value: Decimal) -> None:
    encoded = {keys.encode_key_part({"N": text}) for text in spellings(value)}
    assert len(encoded) == 1


@given(st.text(), st.text())
def test_string_bytes_order_is_utf8_order(a: str, b: str) -> None:
    ea, eb = keys.encode_key_part({"S": a}), keys.encode_key_part({"S": b})
    ua, ub = a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    assert byte_order(ea, eb) == byte_order(ua, ub)
    assert byte_order(ea, eb) == sign(values.compare({"S": a}, {"S": b}) or 0)


@given(st.binary(), st.binary())
def test_binary_bytes_order_is_unsigned_order(a: bytes, b: bytes) -> None:
    ea, eb = keys.encode_key_part({"B": a}), keys.encode_key_part({"B": b})
    assert byte_order(ea, eb) == sign(values.compare({"B": a}, {"B": b}) or 0)


# --- partitions and item keys -----------------------------------------------------------------


def test_partition_prefix_is_stable() -> None:
    # Keys are on disk: the hash must never change between processes or versions.
    assert keys.partition_prefix({"S": "user#1"}).hex() == "390a98017573657223310001"
    assert keys.item_key({"N": "42"}, {"N": "-1.5"}).hex() == "1c516504c08334320001407d3834ff"
    assert (
        keys.item_key({"B": b"\x00"}, None).hex()
        == keys.partition_hash({"B": b"\x00"}).hex() + "00ff0001"
    )


partition_keys = st.one_of(
    st.binary(max_size=6).map(lambda b: {"B": b}),
    st.text(max_size=6).map(lambda s: {"S": s}),
)
sort_keys = st.one_of(st.binary(max_size=6).map(lambda b: {"B": b}))


@given(partition_keys, st.one_of(partition_keys, st.binary(max_size=3)), sort_keys)
def test_a_partition_prefix_starts_no_other_partition(
    pk1: AttributeValue, other: AttributeValue | bytes, sk: AttributeValue
) -> None:
    # The other partition is often this one's key followed by a zero byte, the hard case.
    if isinstance(other, bytes):
        pk2: AttributeValue = {"B": keys.encode_key_part(pk1) + b"\x00" + other}
    else:
        pk2 = other
    same = keys.encode_key_part(pk1) == keys.encode_key_part(pk2)
    prefix = keys.partition_prefix(pk1)
    assert keys.item_key(pk2, sk).startswith(prefix) == same
    # Even if the two partitions' hashes collided:
    assert keys.item_key(pk2, sk)[4:].startswith(prefix[4:]) == same
    assert keys.item_key(pk2, None)[4:].startswith(prefix[4:]) == same


def test_partitions_sharing_a_hash_do_not_interleave() -> None:
    # Force a shared hash: strip it and compare the rest, as two colliding partitions would.
    first = keys.item_key({"B": b"a"}, {"B": b"\xffb\x00"})[4:]
    second_prefix = keys.partition_prefix({"B": b"a\x00b"})[4:]
    assert not first.startswith(second_prefix)
    assert first.startswith(keys.partition_prefix({"B": b"a"})[4:])


@given(partition_keys, st.one_of(st.none(), sort_keys))
def test_split_item_key(pk: AttributeValue, sk: AttributeValue | None) -> None:
    raw, rest = keys.split_item_key(keys.item_key(pk, sk))
    assert raw == keys.encode_key_part(pk)
    assert rest == (b"" if sk is None else keys.encode_key_part(sk))


typed_sort_keys = st.one_of(
    st.lists(in_range().map(lambda d: {"N": format(d, "f")}), min_size=1, max_size=30),
    st.lists(st.text(min_size=1, max_size=5).map(lambda s: {"S": s}), min_size=1, max_size=30),
    st.lists(st.binary(min_size=1, max_size=5).map(lambda b: {"B": b}), min_size=1, max_size=30),
)


def value_sort_key(value: AttributeValue) -> tuple[int, object]:
    if "N" in value:
        return (0, Decimal(value["N"]))
    if "S" in value:
        return (0, value["S"].encode("utf-8", "surrogatepass"))
    return (0, value["B"])


@given(partition_keys, typed_sort_keys)
def test_item_keys_sort_like_sort_keys(pk: AttributeValue, sks: list[AttributeValue]) -> None:
    by_value = sorted(sks, key=value_sort_key)
    by_key = sorted(sks, key=lambda sk: keys.item_key(pk, sk))
    assert [value_sort_key(v) for v in by_key] == [value_sort_key(v) for v in by_value]


# --- sort-key ranges ------------------------------------------------------------------------


def matches(op: str, sk: AttributeValue, operands: list[AttributeValue]) -> bool:
    """The condition as DynamoDB evaluates it on one sort key (brute force)."""
    if op == "begins_with":
        return values.begins_with(sk, operands[0])
    order = values.compare(sk, operands[0])
    assert order is not None
    if op == "=":
        return order == 0
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    if op == ">=":
        return order >= 0
    upper = values.compare(sk, operands[1])
    assert upper is not None
    return order >= 0 and upper <= 0


def scan_range(stored: list[bytes], prefix: bytes, bounds: keys.Bounds) -> list[bytes]:
    """What the store returns for the bounds in one partition, as the engine will ask."""
    lower, lower_inclusive, upper, upper_inclusive = bounds
    start = prefix + (lower or b"")
    if upper is None:
        stop, stop_inclusive = keys.prefix_end(prefix), False
    else:
        stop, stop_inclusive = prefix + upper, upper_inclusive
    begin = (
        bisect.bisect_left(stored, start)
        if lower is None or lower_inclusive
        else (bisect.bisect_right(stored, start))
    )
    if stop is None:
        end = len(stored)
    elif stop_inclusive:
        end = bisect.bisect_right(stored, stop)
    else:
        end = bisect.bisect_left(stored, stop)
    return stored[begin:end]


@given(
    typed_sort_keys,
    st.sampled_from(["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"]),
    st.data(),
)
def test_sort_key_ranges_select_exactly_the_matching_keys(
    sks: list[AttributeValue], op: str, data: st.DataObject
) -> None:
    kind = next(iter(sks[0]))
    if op == "begins_with" and kind == "N":
        op = ">="
    pool = st.sampled_from(sks)
    if kind == "S":
        fresh: st.SearchStrategy[AttributeValue] = st.text(max_size=3).map(lambda s: {"S": s})
    elif kind == "B":
        fresh = st.binary(max_size=3).map(lambda b: {"B": b})
    else:
        fresh = in_range().map(lambda d: {"N": format(d, "e")})
    operand = st.one_of(pool, fresh)
    operands = [data.draw(operand)]
    if op == "BETWEEN":
        second = data.draw(operand)
        if value_sort_key(second) < value_sort_key(operands[0]):
            operands.insert(0, second)
        else:
            operands.append(second)
    if op == "begins_with" and kind == "B" and data.draw(st.booleans()):
        operands = [{"B": b"\xff" * data.draw(st.integers(1, 2))}]
        sks = [*sks, {"B": b"\xff\xff\x01"}]

    # Neighbouring partitions share the hash here (it is cut off), the worst case for
    # interleaving: their keys must still fall outside the partition's range.
    pk: AttributeValue = {"S": "p"}
    neighbours: list[AttributeValue] = [{"S": "o"}, {"S": "p\x00"}, {"S": "q"}, {"S": ""}]
    stored = sorted(
        {keys.item_key(pk, sk)[4:] for sk in sks}
        | {keys.item_key(other, sk)[4:] for other in neighbours for sk in sks}
    )
    prefix = keys.partition_prefix(pk)[4:]
    selected = scan_range(stored, prefix, keys.sort_key_range(op, operands))
    expected = sorted({keys.item_key(pk, sk)[4:] for sk in sks if matches(op, sk, operands)})
    assert selected == expected


def test_sort_key_range_shapes() -> None:
    a, b = {"N": "1"}, {"N": "2"}
    ea, eb = keys.encode_key_part(a), keys.encode_key_part(b)
    assert keys.sort_key_range("=", [a]) == (ea, True, ea, True)
    assert keys.sort_key_range("<", [a]) == (None, False, ea, False)
    assert keys.sort_key_range(">=", [a]) == (ea, True, None, False)
    assert keys.sort_key_range("BETWEEN", [a, b]) == (ea, True, eb, True)
    assert keys.sort_key_range("begins_with", [{"S": "ab"}]) == (b"ab", True, b"ac", False)
    assert keys.sort_key_range("begins_with", [{"B": b"a\xff"}]) == (b"a\xff", True, b"b", False)
    assert keys.sort_key_range("begins_with", [{"B": b"\xff"}]) == (b"\xff", True, None, False)
    with pytest.raises(ValueError, match="sort-key condition"):
        keys.sort_key_range("<>", [a])
    with pytest.raises(ValueError, match="prefix"):
        keys.sort_key_range("begins_with", [a])


# --- parallel-scan segments -------------------------------------------------------------------


@pytest.mark.parametrize("total", [1, 2, 3, 7, 1000, 1_000_000])
def test_segments_tile_the_hash_space(total: int) -> None:
    checked = range(total) if total <= 1000 else [0, 1, 2, total // 2, total - 2, total - 1]
    previous_end: bytes | None = b"\x00\x00\x00\x00"
    for segment in checked:
        start, end = keys.segment_bounds(segment, total)
        if segment - 1 in checked or segment == 0:
            assert start == previous_end
        assert (end is None) == (segment == total - 1)
        assert end is None or start < end
        assert keys.segment_of(start + b"rest", total) == segment
        if end is not None:
            last = (int.from_bytes(end, "big") - 1).to_bytes(4, "big")
            assert keys.segment_of(last + b"\xff", total) == segment
        previous_end = end


@given(partition_keys, st.integers(1, 1_000_000), st.data())
def test_every_item_falls_in_its_segment(
    pk: AttributeValue, total: int, data: st.DataObject
) -> None:
    key = keys.item_key(pk, data.draw(st.one_of(st.none(), sort_keys)))
    segment = keys.segment_of(key, total)
    start, end = keys.segment_bounds(segment, total)
    assert start <= key
    assert end is None or key < end


def test_segment_out_of_range() -> None:
    with pytest.raises(ValueError, match="segment"):
        keys.segment_bounds(3, 3)
