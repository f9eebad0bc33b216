"""DynamoDB numbers: exact decimals of up to 38 significant digits, kept as text.

DynamoDB sends and returns numbers as JSON strings and stores them in a canonical form: no
exponent, no '+', no leading or trailing zeros, "-0" as "0" ("1e3" comes back as "1000").
Equal numbers therefore have equal text, which is what lets a number be a key or a set member.
Arithmetic is exact: a result that needs more than 38 digits is refused rather than rounded,
so it is done on integers, never in a Decimal context of limited precision.

Internally a number is decomposed into (sign, point, digits): value = sign x 0.digits x 10**point,
with ``digits`` free of leading and trailing zeros. The same decomposition drives the
order-preserving key encoding and the item-size rule.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from skybus import limits

OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
TOO_PRECISE = (
    f"Attempting to store more than {limits.DDB_NUMBER_PRECISION} significant digits in a Number"
)
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"

_MAX_DIGITS = limits.DDB_NUMBER_PRECISION
# Bounds of the decimal exponent of the first significant digit (1E-130 .. 9.99..E+125).
_MAX_EXPONENT = limits.DDB_NUMBER_MAX_EXPONENT
_MIN_EXPONENT = limits.DDB_NUMBER_MIN_EXPONENT

# Java BigDecimal's syntax, which is what DynamoDB accepts: optional sign, digits with an
# optional point (at least one digit somewhere), optional exponent. ASCII digits only: Python's
# Decimal would also take spaces, underscores, NaN, Infinity and non-ASCII digits.
_SYNTAX = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
# Text that is already canonical and in range: an integer of at most 38 digits.
_CANONICAL_INT = re.compile(r"-?[1-9][0-9]{0,37}|0")


class NumberError(ValueError):
    """A number DynamoDB would refuse; ``str(error)`` is AWS's message."""


class Parts(NamedTuple):
    """value = sign x 0.digits x 10**point; zero is (0, 0, "")."""

    sign: int
    point: int
    digits: str


ZERO = Parts(0, 0, "")


def decompose(text: str) -> Parts:
    """Parse and range-check a number in DynamoDB's syntax."""
    if not isinstance(text, str):
        raise NumberError(NOT_NUMERIC)
    match = _SYNTAX.fullmatch(text)
    if match is None:
        raise NumberError(f"{NOT_NUMERIC}: {text}")
    sign_text, whole, fraction, exponent_text = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        raise NumberError(f"{NOT_NUMERIC}: {text}" if text else NOT_NUMERIC)
    raw = whole + fraction
    stripped = raw.lstrip("0")
    if not stripped:
        return ZERO
    digits = stripped.rstrip("0")
    point = len(whole) - (len(raw) - len(stripped))
    if exponent_text:
        # An exponent of more than a few digits is out of range whatever the mantissa; it is
        # not converted, so a megabyte of exponent costs nothing.
        magnitude = exponent_text.lstrip("+-").lstrip("0")
        if len(magnitude) > 6:
            raise NumberError(UNDERFLOW if exponent_text.startswith("-") else OVERFLOW)
        point += int(exponent_text)
    _check_magnitude(point)
    return Parts(-1 if sign_text == "-" else 1, point, digits)


def _check_magnitude(point: int) -> None:
    if point - 1 > _MAX_EXPONENT:
        raise NumberError(OVERFLOW)
    if point - 1 < _MIN_EXPONENT:
        raise NumberError(UNDERFLOW)


def compose(parts: Parts) -> str:
    """The canonical text of a decomposed number."""
    sign, point, digits = parts
    if sign == 0:
        return "0"
    count = len(digits)
    if point <= 0:
        body = "0." + "0" * -point + digits
    elif point >= count:
        body = digits + "0" * (point - count)
    else:
        body = digits[:point] + "." + digits[point:]
    return "-" + body if sign < 0 else body


def normalize(text: str) -> str:
    """The canonical form AWS stores and returns; NumberError if DynamoDB would refuse it."""
    if isinstance(text, str) and _CANONICAL_INT.fullmatch(text):
        return text
    return compose(parse(text))


def parse(text: str) -> Parts:
    """Decompose, refusing more than 38 significant digits (input numbers)."""
    parts = decompose(text)
    if len(parts.digits) > _MAX_DIGITS:
        raise NumberError(TOO_PRECISE)
    return parts


def to_decimal(text: str) -> Decimal:
    """The exact Decimal of a number in DynamoDB's syntax."""
    return Decimal(normalize(text))


def _as_scaled(parts: Parts) -> tuple[int, int]:
    """(integer, exponent) with value = integer x 10**exponent."""
    sign, point, digits = parts
    if sign == 0:
        return 0, 0
    return sign * int(digits), point - len(digits)


def _from_scaled(value: int, exponent: int) -> str:
    if value == 0:
        return "0"
    sign = -1 if value < 0 else 1
    text = str(abs(value))
    digits = text.rstrip("0")
    point = len(text) + exponent
    _check_magnitude(point)
    if len(digits) > _MAX_DIGITS:
        # DynamoDB reports an exact result that needs more than 38 digits (1e50 + 1) as an
        # overflow, not as "too many significant digits".
        raise NumberError(OVERFLOW)
    return compose(Parts(sign, point, digits))


def add(a: str, b: str) -> str:
    """a + b, exact; NumberError when the result is out of range or needs > 38 digits."""
    va, ea = _as_scaled(parse(a))
    vb, eb = _as_scaled(parse(b))
    low = min(ea, eb)
    return _from_scaled(va * 10 ** (ea - low) + vb * 10 ** (eb - low), low)


def subtract(a: str, b: str) -> str:
    """a - b, exact; NumberError when the result is out of range or needs > 38 digits."""
    va, ea = _as_scaled(parse(a))
    vb, eb = _as_scaled(parse(b))
    low = min(ea, eb)
    return _from_scaled(va * 10 ** (ea - low) - vb * 10 ** (eb - low), low)


def compare_parts(a: Parts, b: Parts) -> int:
    if a.sign != b.sign:
        return -1 if a.sign < b.sign else 1
    if a.sign == 0:
        return 0
    if a.point != b.point:
        magnitude = -1 if a.point < b.point else 1
    elif a.digits != b.digits:
        # Digit strings without trailing zeros order like the fractions 0.digits.
        magnitude = -1 if a.digits < b.digits else 1
    else:
        return 0
    return magnitude * a.sign


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as a is numerically below, equal to or above b."""
    if a == b:
        decompose(a)
        return 0
    return compare_parts(decompose(a), decompose(b))


def stored_size(text: str) -> int:
    """Bytes a number counts for in an item's size.

    DynamoDB stores the digits in base 100, pairs aligned on the decimal point, plus one byte
    of exponent and one more for a negative sign: 1.5 costs 3 where 15 costs 2. This matches
    the sizes measured against AWS (0 -> 1, 12 -> 2, 1234 -> 3, 3.14159 -> 5, -42 -> 3, 38
    digits -> 20).
    """
    sign, point, digits = decompose(text)
    if sign == 0:
        return 1
    pairs = (len(digits) + (point & 1) + 1) // 2
    return 1 + pairs + (1 if sign < 0 else 0)
