"""Policy text as AWS compiles it: compact JSON with Java's number spelling, and its tokens.

AWS parses the FilterPolicy it is given, writes it back as compact JSON (no spaces, Java's
`Double.toString` for fractional numbers) and compiles that text. Its error messages quote that
text and a Jackson-style position in it (recorded: `{"key": [["value"]]}` is reported as
`[Source: (String)"{"key":[["value"]]}"; line: 1, column: 10]`). So the compiler here walks tokens
of the canonical text, each with its offsets, and positions are computed on the same text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, auto
from typing import Any


class Kind(Enum):
    START_OBJECT = auto()
    END_OBJECT = auto()
    START_ARRAY = auto()
    END_ARRAY = auto()
    NAME = auto()
    STRING = auto()
    NUMBER = auto()
    TRUE = auto()
    FALSE = auto()
    NULL = auto()


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    start: int
    end: int
    #: The name or string (unescaped), the number (int or float), else None.
    value: Any
    #: The token as written in the canonical text.
    text: str


class NotCanonical(ValueError):
    """The document holds something JSON cannot spell (a non-finite number)."""


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def quote(text: str) -> str:
    """A JSON string literal as Jackson writes it (non-ASCII kept, controls as \\uXXXX)."""
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char < " ":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def java_double(number: float) -> str:
    """`Double.toString`: plain between 1e-3 and 1e7, else `d.dddE<exp>`; always a fraction."""
    if not math.isfinite(number):
        raise NotCanonical(repr(number))
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    magnitude = abs(number)
    if 1e-3 <= magnitude < 1e7:
        text = repr(number)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(number)).as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(str(d) for d in digits).rstrip("0") or "0"
    scientific = exponent + len(digits) - 1
    fraction = shown[1:] or "0"
    return f"{'-' if sign else ''}{shown[0]}.{fraction}E{scientific}"


def number_text(number: int | float) -> str:
    return str(number) if isinstance(number, int) else java_double(number)


def canonicalize(document: object) -> tuple[str, list[Token]]:
    """Write `document` as compact JSON, returning the text and its tokens in order.

    Iterative, so a deeply nested document cannot exhaust the interpreter's stack.
    """
    pieces: list[str] = []
    tokens: list[Token] = []
    offset = 0
    # Work items: ("v", value) to write a value, ("s", text) to write a separator or closer.
    work: list[tuple[str, Any]] = [("v", document)]
    closers = {"}": Kind.END_OBJECT, "]": Kind.END_ARRAY}
    while work:
        what, item = work.pop()
        if what == "s":
            if item in closers:
                tokens.append(Token(closers[item], offset, offset + 1, None, item))
            pieces.append(item)
            offset += 1
            continue
        if what == "n":
            text = quote(item)
            tokens.append(Token(Kind.NAME, offset, offset + len(text), item, text))
            pieces.append(text + ":")
            offset += len(text) + 1
            continue
        if isinstance(item, dict):
            tokens.append(Token(Kind.START_OBJECT, offset, offset + 1, None, "{"))
            pieces.append("{")
            offset += 1
            work.append(("s", "}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                name, value = entries[index]
                work.append(("v", value))
                work.append(("n", name))
                if index:
                    work.append(("s", ","))
            continue
        if isinstance(item, list):
            tokens.append(Token(Kind.START_ARRAY, offset, offset + 1, None, "["))
            pieces.append("[")
            offset += 1
            work.append(("s", "]"))
            for index in range(len(item) - 1, -1, -1):
                work.append(("v", item[index]))
                if index:
                    work.append(("s", ","))
            continue
        token = _scalar(item, offset)
        tokens.append(token)
        pieces.append(token.text)
        offset = token.end
    return "".join(pieces), tokens


def _scalar(value: object, offset: int) -> Token:
    if value is True:
        return Token(Kind.TRUE, offset, offset + 4, True, "true")
    if value is False:
        return Token(Kind.FALSE, offset, offset + 5, False, "false")
    if value is None:
        return Token(Kind.NULL, offset, offset + 4, None, "null")
    if isinstance(value, str):
        text = quote(value)
        return Token(Kind.STRING, offset, offset + len(text), value, text)
    if isinstance(value, int | float):
        text = number_text(value)
        return Token(Kind.NUMBER, offset, offset + len(text), value, text)
    raise NotCanonical(type(value).__name__)


# --- Jackson's location text --------------------------------------------------------------------

#: Jackson quotes at most this many characters of the source in a location.
SOURCE_SNIPPET = 500


def java_length(text: str) -> int:
    """Length in UTF-16 code units, as Java counts characters."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _java_prefix(text: str, units: int) -> str:
    if text.isascii():
        return text[:units]
    taken = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if taken + width > units:
            return text[:index]
        taken += width
    return text


def location(text: str, offset: int) -> str:
    """The suffix Jackson appends to a parse error at `offset` (0-based) of `text`."""
    total = java_length(text)
    snippet = f'(String)"{_java_prefix(text, SOURCE_SNIPPET)}"'
    if total > SOURCE_SNIPPET:
        snippet += f"[truncated {total - SOURCE_SNIPPET} chars]"
    column = java_length(text[:offset]) + 1
    return f"\n at [Source: {snippet}; line: 1, column: {column}]"
