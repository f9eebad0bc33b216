"""Order-preserving byte keys for items, shared by both store backends.

The store orders keys as unsigned bytes (SQLite BLOB memcmp, PostgreSQL bytea), so an item's
key is built for that order to be DynamoDB's:

    item key = hash4(pk) + escape(pk bytes) + 0x00 0x01 + sort key bytes

``hash4`` (the first 4 bytes of blake2b of the partition key, stable across processes) spreads
partitions in hash order, as a Scan on AWS returns them, and makes parallel-scan segments plain
byte ranges. The escaped partition key (0x00 -> 0x00 0xFF) and its 0x00 0x01 terminator make the
prefix of one partition never a prefix of another's keys, whatever bytes the sort key starts
with. Within a partition the sort-key bytes order as DynamoDB orders sort keys: S by UTF-8 bytes,
B as unsigned bytes and N by the encoding below, whose byte order is numeric order.

Numbers (canonical, value = 0.d1..dn x 10**E with E in -129..126):
    zero      0x80
    positive  0xC0, E + 129, then each digit as 0x30 + d
    negative  0x40, 126 - E, then each digit as 0x39 - d, then 0xFF
The trailing 0xFF puts a negative number after its longer extensions (-0.1 > -0.11).
"""

from __future__ import annotations

import hashlib

from skybus.engines.tables import numbers
from skybus.engines.tables.numbers import Parts
from skybus.engines.tables.values import AttributeValue

HASH_BYTES = 4
_HASH_SPACE = 1 << (8 * HASH_BYTES)
_TERMINATOR = b"\x00\x01"

_ZERO = b"\x80"
_POSITIVE = 0xC0
_NEGATIVE = 0x40
_EXPONENT_BIAS = 129
_NEGATIVE_EXPONENT_BASE = 126
_NEGATIVE_END = b"\xff"
_DIGITS_UP = bytes.maketrans(b"0123456789", bytes(range(0x30, 0x3A)))
_DIGITS_DOWN = bytes.maketrans(b"0123456789", bytes(range(0x39, 0x2F, -1)))
_UNDIGITS_DOWN = bytes.maketrans(bytes(range(0x39, 0x2F, -1)), b"0123456789")


def encode_number(text: str) -> bytes:
    sign, point, digits = numbers.parse(text)
    if sign == 0:
        return _ZERO
    raw = digits.encode("ascii")
    if sign > 0:
        return bytes((_POSITIVE, point + _EXPONENT_BIAS)) + raw.translate(_DIGITS_UP)
    head = bytes((_NEGATIVE, _NEGATIVE_EXPONENT_BASE - point))
    return head + raw.translate(_DIGITS_DOWN) + _NEGATIVE_END


def decode_number(data: bytes) -> str:
    if data == _ZERO:
        return "0"
    if len(data) < 3:
        raise ValueError("not an encoded number")
    if data[0] == _POSITIVE:
        point = data[1] - _EXPONENT_BIAS
        digits = data[2:].decode("ascii")
        return numbers.compose(Parts(1, point, digits))
    if data[0] == _NEGATIVE and data[-1:] == _NEGATIVE_END:
        point = _NEGATIVE_EXPONENT_BASE - data[1]
        digits = data[2:-1].translate(_UNDIGITS_DOWN).decode("ascii")
        return numbers.compose(Parts(-1, point, digits))
    raise ValueError("not an encoded number")


def encode_key_part(value: AttributeValue) -> bytes:
    """The bytes of one key value (S, N or B) whose unsigned order is DynamoDB's order."""
    for kind, content in value.items():
        if kind == "S":
            return bytes(content.encode("utf-8", "surrogatepass"))
        if kind == "B":
            return bytes(content)
        if kind == "N":
            return encode_number(content)
        break
    raise ValueError(f"not a key value: {value!r}")


def decode_key_part(kind: str, data: bytes) -> AttributeValue:
    """The value encode_key_part made ``data`` from; ``kind`` is the attribute's S/N/B."""
    if kind == "S":
        return {"S": data.decode("utf-8", "surrogatepass")}
    if kind == "B":
        return {"B": bytes(data)}
    if kind == "N":
        return {"N": decode_number(data)}
    raise ValueError(f"not a key type: {kind!r}")


def partition_hash(pk: AttributeValue) -> bytes:
    """The 4-byte hash that orders partitions (stable across processes and versions)."""
    return hashlib.blake2b(encode_key_part(pk), digest_size=HASH_BYTES).digest()


def partition_prefix(pk: AttributeValue) -> bytes:
    """The bytes every item key of this partition starts with, and no other key does."""
    raw = encode_key_part(pk)
    return partition_hash(pk) + raw.replace(b"\x00", b"\x00\xff") + _TERMINATOR


def item_key(pk: AttributeValue, sk: AttributeValue | None) -> bytes:
    """An item's store key; within a partition its byte order is the sort-key order."""
    prefix = partition_prefix(pk)
    return prefix if sk is None else prefix + encode_key_part(sk)


def split_item_key(key: bytes) -> tuple[bytes, bytes]:
    """(raw partition-key bytes, sort-key bytes) of an item key."""
    end = HASH_BYTES
    raw = bytearray()
    while True:
        zero = key.index(b"\x00", end)
        raw += key[end:zero]
        marker = key[zero + 1 : zero + 2]
        if marker == b"\xff":
            raw.append(0)
            end = zero + 2
        elif marker == b"\x01":
            return bytes(raw), key[zero + 2 :]
        else:
            raise ValueError("not an item key")


def prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string above every string starting with ``prefix`` (None: no bound)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes((trimmed[-1] + 1,))


def segment_bounds(segment: int, total_segments: int) -> tuple[bytes, bytes | None]:
    """[start, end) of the item keys in one parallel-scan segment (end None: to the end).

    Segment i holds the partitions whose hash h has h * total // 2**32 == i, so segments are
    contiguous, cover the key space and never share a partition.
    """
    if not 0 <= segment < total_segments:
        raise ValueError("segment out of range")
    start = -(-segment * _HASH_SPACE // total_segments)
    low = start.to_bytes(HASH_BYTES, "big")
    if segment == total_segments - 1:
        return low, None
    end = -(-(segment + 1) * _HASH_SPACE // total_segments)
    return low, end.to_bytes(HASH_BYTES, "big")


def segment_of(key: bytes, total_segments: int) -> int:
    """The parallel-scan segment an item key belongs to."""
    return int.from_bytes(key[:HASH_BYTES], "big") * total_segments >> (8 * HASH_BYTES)


Bounds = tuple[bytes | None, bool, bytes | None, bool]


def sort_key_range(op: str, operands: list[AttributeValue]) -> Bounds:
    """(lower, lower_inclusive, upper, upper_inclusive) sort-key bytes selecting exactly the
    keys that satisfy ``sk <op> operands`` (None: unbounded on that side).

    ``op`` is one of "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"; the bounds are
    relative to the sort-key encoding, so the caller prepends partition_prefix.
    """
    first = encode_key_part(operands[0])
    if op == "=":
        return first, True, first, True
    if op == "<":
        return None, False, first, False
    if op == "<=":
        return None, False, first, True
    if op == ">":
        return first, False, None, False
    if op == ">=":
        return first, True, None, False
    if op == "BETWEEN":
        return first, True, encode_key_part(operands[1]), True
    if op == "begins_with":
        if "N" in operands[0]:
            raise ValueError("begins_with takes a string or binary prefix")
        return first, True, prefix_end(first), False
    raise ValueError(f"not a sort-key condition: {op!r}")
