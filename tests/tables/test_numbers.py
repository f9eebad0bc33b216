"""DynamoDB numbers: canonical form, range and precision, exact arithmetic, order, stored size."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybus.engines.tables import numbers
from skybus.engines.tables.numbers import NumberError

OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"

# Wide enough that every exact result of two in-range numbers is exact.
EXACT = decimal.Context(prec=400, Emax=1000, Emin=-1000)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1e3", "1000"),
        ("1E3", "1000"),
        ("-0", "0"),
        ("+0", "0"),
        ("0.000", "0"),
        ("0e1000", "0"),
        ("-0e-1000", "0"),
        (".5", "0.5"),
        ("-.5", "-0.5"),
        ("5.", "5"),
        ("+3", "3"),
        ("0001.23", "1.23"),
        ("1.200", "1.2"),
        ("-0.0010", "-0.001"),
        ("1e+5", "100000"),
        ("100", "100"),
        ("-17e5", "-1700000"),
        ("-17.4E37", "-174" + "0" * 36),
        ("1e-20", "0.00000000000000000001"),
        ("1e125", "1" + "0" * 125),
        ("-1e125", "-1" + "0" * 125),
        ("1e-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
        ("3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841"),
        (
            "31415926535897932384626433832795028841e30",
            "31415926535897932384626433832795028841" + "0" * 30,
        ),
        ("1" + "0" * 60 + ".000", "1" + "0" * 60),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ],
)
def test_normalize(text: str, canonical: str) -> None:
    assert numbers.normalize(text) == canonical
    assert numbers.normalize(canonical) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "-NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "dog",
        "-dog",
        " 1",
        "1 ",
        "1,5",
        "1.2.3",
        ".",
        "-",
        "+",
        "e5",
        "1e",
        "1e+",
        "0x10",
        "1_000",
        "١٢",
        "1e5.5",
        "--1",
    ],
)
def test_not_numeric(text: str) -> None:
    with pytest.raises(NumberError) as caught:
        numbers.normalize(text)
    assert str(caught.value) == f"{NOT_NUMERIC}: {text}"


def test_empty_text_is_not_numeric_without_a_suffix() -> None:
    with pytest.raises(NumberError) as caught:
        numbers.normalize("")
    assert str(caught.value) == NOT_NUMERIC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e126", OVERFLOW),
        ("-1e126", OVERFLOW),
        ("11e125", OVERFLOW),
        ("10" + "0" * 125, OVERFLOW),
        ("1e9999999999999", OVERFLOW),
        ("1e-131", UNDERFLOW),
        ("-1e-131", UNDERFLOW),
        ("0.9e-130", UNDERFLOW),
        ("1e-9999999999999", UNDERFLOW),
        ("123456789012345678901234567890123456789", TOO_PRECISE),
        ("-1.23456789012345678901234567890123456789", TOO_PRECISE),
        ("3.14159265358979323846264338327950288419", TOO_PRECISE),
        ("314159265358979323846264338327950288419e30", TOO_PRECISE),
        # Magnitude is checked before precision.
        ("1234567890123456789012345678901234567890e100", OVERFLOW),
    ],
)
def test_out_of_range(text: str, message: str) -> None:
    with pytest.raises(NumberError) as caught:
        numbers.normalize(text)
    assert str(caught.value) == message


def test_trailing_and_leading_zeros_are_not_significant() -> None:
    assert numbers.normalize("0000" + "1" * 38 + "." + "0" * 50) == "1" * 38
    assert numbers.normalize("0." + "0" * 100 + "1" * 38) == "0." + "0" * 100 + "1" * 38


def test_to_decimal() -> None:
    assert numbers.to_decimal("1e3") == Decimal(1000)
    assert numbers.to_decimal("-0.5") == Decimal("-0.5")
    with pytest.raises(NumberError):
        numbers.to_decimal("NaN")


@pytest.mark.parametrize(
    ("a", "b", "total"),
    [
        ("1", "10000000000000000000000", "10000000000000000000001"),
        ("0.1", "-0.1", "0"),
        ("1.5", "1.5", "3"),
        ("-1", "0.25", "-0.75"),
        ("9" * 38, "1", "1" + "0" * 38),
        ("1e125", "-1e125", "0"),
        ("1e-130", "1e-130", "0." + "0" * 129 + "2"),
        ("1" * 38, "0." + "0" * 10, "1" * 38),
    ],
)
def test_add_is_exact(a: str, b: str, total: str) -> None:
    assert numbers.add(a, b) == total
    assert numbers.subtract(total, b) == numbers.normalize(a)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        # 1e50 + 1 needs 51 digits: AWS calls that an overflow too.
        ("1e50", "1", OVERFLOW),
        ("9" * 38, "0.1", OVERFLOW),
        ("9e125", "9e125", OVERFLOW),
        ("-9e125", "-9e125", OVERFLOW),
        ("1e-130", "-0.9e-130", UNDERFLOW),
    ],
)
def test_add_refuses(a: str, b: str, message: str) -> None:
    with pytest.raises(NumberError) as caught:
        numbers.add(a, b)
    assert str(caught.value) == message


def test_subtract_refuses() -> None:
    with pytest.raises(NumberError) as caught:
        numbers.subtract("1e50", "1")
    assert str(caught.value) == OVERFLOW
    with pytest.raises(NumberError) as caught:
        numbers.subtract("9e125", "-9e125")
    assert str(caught.value) == OVERFLOW
    assert numbers.subtract("10000000000000000000000", "1") == "9" * 22


def test_arithmetic_refuses_bad_operands() -> None:
    with pytest.raises(NumberError) as caught:
        numbers.add("1", "x")
    assert str(caught.value) == f"{NOT_NUMERIC}: x"
    with pytest.raises(NumberError):
        numbers.add("1" * 39, "1")


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [
        ("1", "1.0", 0),
        ("1e3", "1000", 0),
        ("-0", "0", 0),
        ("9", "10", -1),
        ("-9", "-10", 1),
        ("-0.1", "-0.11", 1),
        ("0.1", "0.11", -1),
        ("-1", "0", -1),
        ("0", "1e-130", -1),
        ("1e125", "9.99e124", 1),
    ],
)
def test_compare(a: str, b: str, order: int) -> None:
    assert numbers.compare(a, b) == order
    assert numbers.compare(b, a) == -order


# Sizes measured against AWS by accepting and refusing items either side of the 400 KB limit.
@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 1),
        ("-0", 1),
        ("1", 2),
        ("12", 2),
        ("123", 3),
        ("1234", 3),
        ("12345678901234567890123456789012345678", 20),
        ("0042", 2),
        ("100", 2),
        ("1010", 3),
        ("0.0000001", 2),
        ("1E125", 2),
        ("1E-100", 2),
        ("1.5", 3),
        ("15", 2),
        ("1.2", 3),
        ("1.200", 3),
        ("1.234", 4),
        ("3.14159", 5),
        ("123456", 4),
        ("100.5", 4),
        ("0.15", 2),
        ("-42", 3),
        ("1" * 38 + "0" * 88, 20),
        ("11" + "0" * 124, 2),
        ("11111" + "0" * 121, 4),
        ("1111111" + "0" * 119, 5),
    ],
)
def test_stored_size(text: str, size: int) -> None:
    assert numbers.stored_size(text) == size


# --- properties ------------------------------------------------------------------------------


@st.composite
def in_range(draw: st.DrawFn) -> Decimal:
    """A number DynamoDB accepts: up to 38 digits, first digit's exponent in -130..125."""
    if draw(st.booleans()):
        return Decimal(draw(st.integers(-(10**6), 10**6)))
    coefficient = draw(st.integers(1, 10**38 - 1))
    width = len(str(coefficient))
    exponent = draw(st.integers(-130 - width + 1, 125 - width + 1))
    sign = "-" if draw(st.booleans()) else ""
    return Decimal(f"{sign}{coefficient}e{exponent}")


def spellings(value: Decimal) -> list[str]:
    """Different texts DynamoDB reads as the same number."""
    plain = format(value, "f")
    out = [plain, format(value, "e"), format(value, "E"), str(value)]
    unsigned = plain.lstrip("-")
    sign = "-" if value < 0 else "+"
    out.append(f"{sign}000{unsigned}")
    out.append(f"{plain}.000" if "." not in plain else f"{plain}000")
    sign_, digits, exponent = value.as_tuple()
    coefficient = "".join(map(str, digits))
    assert isinstance(exponent, int)
    out.append(f"{'-' if sign_ else ''}{coefficient}00e{exponent - 2}")
    return out


@given(in_range())
def test_normalize_matches_decimal_and_is_idempotent(value: Decimal) -> None:
    for text in spellings(value):
        canonical = numbers.normalize(text)
        assert Decimal(canonical) == value
        assert numbers.normalize(canonical) == canonical
        assert not set(canonical) & {"e", "E", "+"}
        assert canonical == numbers.normalize(format(value, "f"))


@given(in_range(), in_range())
def test_compare_matches_decimal(a: Decimal, b: Decimal) -> None:
    expected = (a > b) - (a < b)
    assert numbers.compare(format(a, "e"), format(b, "f")) == expected


@given(in_range(), in_range())
def test_add_is_exact_or_refused(a: Decimal, b: Decimal) -> None:
    exact = EXACT.add(a, b)
    digits = len(exact.normalize(EXACT).as_tuple().digits)
    if exact == 0 or (digits <= 38 and Decimal("1e-130") <= abs(exact) < Decimal("1e126")):
        total = numbers.add(str(a), str(b))
        assert Decimal(total) == exact
        assert numbers.normalize(total) == total
    else:
        with pytest.raises(NumberError) as caught:
            numbers.add(str(a), str(b))
        assert str(caught.value) in (OVERFLOW, UNDERFLOW)
    assert numbers.subtract(str(a), str(a)) == "0"
