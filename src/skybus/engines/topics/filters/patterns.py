"""The match patterns one policy value can hold, as the compiler produces them.

Each pattern says what it accepts for one value found in a message: a string, a number (int or
float), true, false or null. Strings and numbers never match each other: `"5"` in a policy does
not match the number 5, and `5` does not match the string "5".
"""

from __future__ import annotations

from dataclasses import dataclass

from skybus.engines.topics.filters.addresses import parse_address
from skybus.engines.topics.filters.numbers import comparable

Value = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ExactString:
    text: str


@dataclass(frozen=True, slots=True)
class ExactAddress:
    """A policy string that is an IP literal: matches any spelling of the same address."""

    length: int
    address: int


@dataclass(frozen=True, slots=True)
class ExactNumber:
    """Matches numbers equal to six decimals in range, or equal outright beyond it."""

    number: int | float
    key: int | None


@dataclass(frozen=True, slots=True)
class Literal:
    """`true`, `false` or `null` in a policy."""

    value: bool | None


@dataclass(frozen=True, slots=True)
class Prefix:
    text: str


@dataclass(frozen=True, slots=True)
class Suffix:
    text: str


@dataclass(frozen=True, slots=True)
class EqualsIgnoreCase:
    folded: str


@dataclass(frozen=True, slots=True)
class NumericRange:
    """`numeric`; bounds are comparison keys, None for an open end; `=` is lo == hi, closed."""

    lo: int | None
    lo_open: bool
    hi: int | None
    hi_open: bool

    def contains(self, key: int) -> bool:
        if self.lo is not None and (key < self.lo or (self.lo_open and key == self.lo)):
            return False
        return not (self.hi is not None and (key > self.hi or (self.hi_open and key == self.hi)))


@dataclass(frozen=True, slots=True)
class Network:
    """`cidr`: addresses of the same length between lo and hi inclusive."""

    length: int
    lo: int
    hi: int

    def contains(self, text: str) -> bool:
        address = parse_address(text)
        return (
            address is not None and address[0] == self.length and (self.lo <= address[1] <= self.hi)
        )


@dataclass(frozen=True, slots=True)
class AnythingBut:
    """Matches any value present except the listed strings, or the listed numbers."""

    strings: frozenset[str]
    numbers: frozenset[int]

    def admits(self, value: Value) -> bool:
        if type(value) is str:
            return value not in self.strings
        if self.numbers and (type(value) is int or type(value) is float):
            key = comparable(value)
            return key is None or key not in self.numbers
        return True


@dataclass(frozen=True, slots=True)
class AnythingButPrefix:
    text: str

    def admits(self, value: Value) -> bool:
        return not (type(value) is str and value.startswith(self.text))


@dataclass(frozen=True, slots=True)
class Exists:
    """`exists`: true matches any value present, false matches the key's absence."""

    present: bool


Pattern = (
    ExactString
    | ExactAddress
    | ExactNumber
    | Literal
    | Prefix
    | Suffix
    | EqualsIgnoreCase
    | NumericRange
    | Network
    | AnythingBut
    | AnythingButPrefix
    | Exists
)
Exclusion = AnythingBut | AnythingButPrefix
