"""CloudWatch Logs filter patterns, compiled once per call into a predicate on messages.

Supported: the plain term syntax (terms, quoted phrases, ``-term`` exclusion, ``?term``
alternatives), regular expressions between ``%`` signs, and JSON patterns
(``{ $.level = "ERROR" && $.latency > 100 }``). Space-delimited patterns (``[ip, user, ...]``)
are not supported and are refused with an InvalidParameterException that says so, never
silently treated as terms.
"""

from __future__ import annotations

from collections.abc import Callable

from skybus.engines.logs.errors import invalid
from skybus.engines.logs.patterns.jsonpat import compile_json
from skybus.engines.logs.patterns.lexer import PatternError
from skybus.engines.logs.patterns.regex import compile_regex
from skybus.engines.logs.patterns.terms import compile_terms

Matcher = Callable[[str], bool]

__all__ = ["Matcher", "PatternError", "compile_pattern"]


def compile_pattern(text: str | None) -> Matcher:
    """The predicate for ``text``; raises AWS's InvalidParameterException when it is invalid."""
    try:
        return _compile(text or "")
    except PatternError as exc:
        raise invalid(f"Invalid filter pattern: {exc}") from None


def _compile(text: str) -> Matcher:
    stripped = text.strip()
    if not stripped or stripped == '""':
        return _everything
    if stripped.startswith("{"):
        return compile_json(stripped)
    if stripped.startswith("["):
        raise PatternError("space-delimited filter patterns are not supported by Skybus")
    if len(stripped) >= 2 and stripped.startswith("%") and stripped.endswith("%"):
        return compile_regex(stripped[1:-1])
    return compile_terms(stripped)


def _everything(message: str) -> bool:
    return True
