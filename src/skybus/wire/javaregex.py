"""Patterns in botocore's models are Java regular expressions; this turns them into Python's
``re`` once (``\\p{L}``-style classes, POSIX classes, surrogate pairs, ``-`` after a class
escape). Compiled patterns are matched whole, as Java's ``String.matches`` does."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

_POSIX = {  # Java's POSIX classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set.
    "Print": r"\x20-\x7E",
    "Graph": r"\x21-\x7E",
    "Alpha": "A-Za-z",
    "Digit": "0-9",
    "Alnum": "A-Za-z0-9",
    "Upper": "A-Z",
    "Lower": "a-z",
    "Punct": r"!-/:-@\[-`{-~",
    "Space": r" \t\n\x0B\f\r",
    "XDigit": "0-9A-Fa-f",
    "Cntrl": r"\x00-\x1F\x7F",
    "ASCII": r"\x00-\x7F",
}
_CLASS_ESCAPES = frozenset("wWdDsS")


@cache
def _category_ranges(name: str) -> str:
    """Character-class ranges for a Unicode general category (``L``, ``Lu``, ``N`` ...)."""
    runs = _category_runs()
    return "".join(text for category, text in runs.items() if category.startswith(name))


@cache
def _category_runs() -> dict[str, str]:
    """Ranges of every two-letter category, from one pass over the code points."""
    ranges: dict[str, list[str]] = {}
    current, start = "", 0
    for code in range(sys.maxunicode + 2):
        category = unicodedata.category(chr(code)) if code <= sys.maxunicode else ""
        if category != current:
            if current:
                ranges.setdefault(current, []).append(_range(start, code - 1))
            current, start = category, code
    return {category: "".join(parts) for category, parts in ranges.items()}


def _range(first: int, last: int) -> str:
    return f"\\U{first:08X}" if first == last else f"\\U{first:08X}-\\U{last:08X}"


def _property(name: str) -> str:
    name = name.removeprefix("Is")
    if name in _POSIX:
        return _POSIX[name]
    if 1 <= len(name) <= 2 and name[0].isupper():
        return _category_ranges(name)
    raise ValueError(f"unsupported character property {name}")


_SURROGATES = re.compile(r"\\u(D[89AB][0-9A-Fa-f]{2})\\u(D[C-Fc-f][0-9A-Fa-f]{2})")


def _join_surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(1), 16), int(match.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08X}"


def translate(pattern: str) -> str:
    """A Java regular expression rewritten for Python's ``re`` (same meaning where it matters)."""
    source = _SURROGATES.sub(_join_surrogates, pattern)
    out: list[str] = []
    in_class = False
    after_class_escape = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source):
            escape = source[i + 1]
            if escape in "pP" and i + 2 < len(source) and source[i + 2] == "{":
                end = source.index("}", i)
                ranges = _property(source[i + 3 : end])
                negated = escape == "P"
                if in_class and not negated:
                    out.append(ranges)
                else:
                    out.append(f"[{'^' if negated else ''}{ranges}]")
                i = end + 1
                after_class_escape = True
                continue
            out.append(source[i : i + 2])
            after_class_escape = escape in _CLASS_ESCAPES
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "-" and after_class_escape:
                out.append("\\-")
                i += 1
                after_class_escape = False
                continue
            elif char == "[":
                char = "\\["
        elif char == "[":
            in_class = True
            out.append(char)
            i += 1
            if i < len(source) and source[i] == "^":
                out.append("^")
                i += 1
            if i < len(source) and source[i] == "]":
                out.append("\\]")
                i += 1
            after_class_escape = False
            continue
        out.append(char)
        after_class_escape = False
        i += 1
    return "".join(out)


@cache
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The compiled form of a model's pattern, or None if Python cannot express it."""
    try:
        return re.compile(translate(pattern), re.ASCII)
    except (re.error, ValueError):
        return None
