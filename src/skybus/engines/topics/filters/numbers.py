"""Numbers as filter policies compare them: fixed point, six decimals, within ±1e9.

AWS's rule engine turns every number it compares into an integer count of millionths offset by
the range bound, so `5`, `5.0` and `5.0000001` are the same number and anything outside the range
cannot be compared numerically (it can still match a policy number spelled identically).
"""

from __future__ import annotations

import math
import re

from skybus import limits
from skybus.engines.topics.filters.canonical import java_double

LIMIT = float(limits.SNS_FILTER_POLICY_NUMBER_LIMIT)
#: Comparisons are precise to this many steps per unit (six decimal places).
SCALE = 1e6
OUT_OF_RANGE = f"Value must be between {java_double(-LIMIT)} and {java_double(LIMIT)}, inclusive"

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"-?\d+")


def as_float(number: int | float) -> float:
    """A float for any JSON number; integers too large for a float become infinite."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def comparable(number: int | float) -> int | None:
    """The comparison key of a number, or None outside the comparable range."""
    value = as_float(number)
    if not -LIMIT <= value <= LIMIT:
        return None
    return int(SCALE * (LIMIT + value))


def parse_number(text: str) -> int | float | None:
    """The value of a Number message attribute (`"99"`, `"1e3"`, `"-0.5"`), or None."""
    if (text.isascii() and text.isdigit()) or _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None
