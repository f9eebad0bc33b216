"""Regular expression filter patterns: ``%...%``.

AWS accepts a subset of regular expression syntax: letters, digits, a few symbols and the
operators ``^ $ ? [ ] { } | \\ * + .``; parentheses (sub-patterns) are refused. The subset is
checked here so that a pattern Skybus accepts is one AWS accepts too, and then matched with
Python's ``re`` (the subset means the same there).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skybus.engines.logs.patterns.lexer import PatternError

_ALLOWED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ":_#=@/;,-"  # symbols
    "^$?[]{}|\\*+."  # operators
    " "
)


def compile_regex(body: str) -> Callable[[str], bool]:
    if not body:
        raise PatternError("empty regular expression")
    for char in body:
        if char in "()":
            raise PatternError("parentheses are not supported in regular expressions")
        if char not in _ALLOWED:
            raise PatternError(f"character {char!r} is not supported in regular expressions")
    try:
        search = re.compile(body).search
    except re.error as exc:
        raise PatternError(f"invalid regular expression: {exc}") from None
    return lambda message: search(message) is not None
