"""One key's value list, precompiled into a test a delivery worker can run per message.

Values in a list are alternatives: a key matches when any of its patterns accepts a value found
under it. Exact strings become one set lookup, prefixes and suffixes one `startswith`/`endswith`
call over a tuple, numbers one comparison key; only the rarer patterns are looped over.
"""

from __future__ import annotations

from collections.abc import Sequence

from skybus.engines.topics.filters.numbers import comparable
from skybus.engines.topics.filters.patterns import (
    AnythingBut,
    AnythingButPrefix,
    EqualsIgnoreCase,
    ExactAddress,
    ExactNumber,
    ExactString,
    Exclusion,
    Exists,
    Literal,
    Network,
    NumericRange,
    Pattern,
    Prefix,
    Suffix,
    Value,
)


class KeyTest:
    __slots__ = (
        "absent_ok",
        "any_value",
        "exclusions",
        "folded",
        "match_false",
        "match_null",
        "match_true",
        "networks",
        "number_keys",
        "numbers",
        "prefixes",
        "ranges",
        "strings",
        "suffixes",
    )

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        strings: set[str] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        folded: set[str] = set()
        number_keys: set[int] = set()
        numbers: set[int | float] = set()
        ranges: list[NumericRange] = []
        networks: list[Network] = []
        exclusions: list[Exclusion] = []
        self.match_true = self.match_false = self.match_null = False
        #: `exists: true`: any value present matches.
        self.any_value = False
        #: `exists: false`: the key's absence matches.
        self.absent_ok = False
        for pattern in patterns:
            if isinstance(pattern, ExactString):
                strings.add(pattern.text)
            elif isinstance(pattern, ExactAddress):
                last = pattern.address
                networks.append(Network(pattern.length, last, last))
            elif isinstance(pattern, ExactNumber):
                if pattern.key is not None:
                    number_keys.add(pattern.key)
                numbers.add(pattern.number)
            elif isinstance(pattern, Literal):
                if pattern.value is None:
                    self.match_null = True
                elif pattern.value:
                    self.match_true = True
                else:
                    self.match_false = True
            elif isinstance(pattern, Prefix):
                prefixes.append(pattern.text)
            elif isinstance(pattern, Suffix):
                suffixes.append(pattern.text)
            elif isinstance(pattern, EqualsIgnoreCase):
                folded.add(pattern.folded)
            elif isinstance(pattern, NumericRange):
                ranges.append(pattern)
            elif isinstance(pattern, Network):
                networks.append(pattern)
            elif isinstance(pattern, AnythingBut | AnythingButPrefix):
                exclusions.append(pattern)
            elif isinstance(pattern, Exists):
                if pattern.present:
                    self.any_value = True
                else:
                    self.absent_ok = True
        self.strings = frozenset(strings)
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        self.folded = frozenset(folded)
        self.number_keys = frozenset(number_keys)
        self.numbers = frozenset(numbers)
        self.ranges = tuple(ranges)
        self.networks = tuple(networks)
        self.exclusions = tuple(exclusions)

    def admits(self, value: Value) -> bool:
        """Whether one value found under the key matches."""
        if self._positive(value):
            return True
        for exclusion in self.exclusions:  # noqa: SIM110 - a loop is faster than any() here
            if exclusion.admits(value):
                return True
        return False

    def admits_array(self, values: Sequence[Value]) -> bool:
        """A String.Array attribute: any element may match a positive pattern, but an
        anything-but matches only when it admits every element (AWS: "it matches if none of
        the array elements are listed")."""
        if not values:
            return False
        for value in values:
            if self._positive(value):
                return True
        return any(
            all(exclusion.admits(value) for value in values) for exclusion in self.exclusions
        )

    def _positive(self, value: Value) -> bool:
        if self.any_value:
            return True
        kind = type(value)
        if kind is str:
            assert isinstance(value, str)
            if value in self.strings:
                return True
            if self.prefixes and value.startswith(self.prefixes):
                return True
            if self.suffixes and value.endswith(self.suffixes):
                return True
            if self.folded and value.lower() in self.folded:
                return True
            return bool(self.networks) and any(net.contains(value) for net in self.networks)
        if kind is int or kind is float:
            assert isinstance(value, int | float)
            if value in self.numbers:
                return True
            if not self.number_keys and not self.ranges:
                return False
            key = comparable(value)
            if key is None:
                return False
            if key in self.number_keys:
                return True
            for numeric in self.ranges:  # noqa: SIM110 - a loop is faster than any() here
                if numeric.contains(key):
                    return True
            return False
        if kind is bool:
            return self.match_true if value else self.match_false
        if value is None:
            return self.match_null
        return False
