"""JSON filter patterns: ``{ $.level = "ERROR" && ($.latency > 100 || $.retry IS TRUE) }``.

A pattern is a boolean expression of comparisons joined by ``&&`` and ``||`` (``&&`` binds
tighter) with parentheses. A comparison names a property with a selector (``$.a.b``,
``$.items[0].id``) and tests it: ``=`` / ``!=`` against a string (quoted, or a bare word; ``*`` is
a wildcard), a number or a ``%regex%``; ``<``, ``<=``, ``>``, ``>=`` against a number; ``IS TRUE``,
``IS FALSE``, ``IS NULL``; ``NOT EXISTS``. Events whose message is not a JSON object or array
never match, and neither does a comparison on a property the event lacks (except NOT EXISTS).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any

import orjson

from skybus.engines.logs.patterns.lexer import PatternError, read_quoted
from skybus.engines.logs.patterns.regex import compile_regex

Test = Callable[[Any], bool]
_MISSING = object()
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_WORD_END = frozenset(" \t\r\n(){}&|!=<>")
_SEGMENT = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def compile_json(text: str) -> Callable[[str], bool]:
    tokens = _tokenize(text)
    if tokens[0] != "{" or tokens[-1] != "}":
        raise PatternError("a JSON pattern is enclosed in { }")
    parser = _Parser(tokens[1:-1])
    test = parser.expression()
    if not parser.done():
        raise PatternError(f"unexpected {parser.peek()!r}")

    def matches(message: str) -> bool:
        start = message.lstrip()[:1]
        if start not in ("{", "["):
            return False
        try:
            document = orjson.loads(message)
        except orjson.JSONDecodeError:
            return False
        return test(document)

    return matches


class _Literal(str):
    """A quoted string or %regex% token, told apart from bare words and keywords."""

    kind: str

    def __new__(cls, value: str, kind: str) -> _Literal:
        made = super().__new__(cls, value)
        made.kind = kind
        return made


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "{}()":
            tokens.append(char)
            index += 1
        elif text.startswith(("&&", "||"), index):
            tokens.append(text[index : index + 2])
            index += 2
        elif char in "!=<>":
            op = next((op for op in _OPERATORS if text.startswith(op, index)), None)
            if op is None:
                raise PatternError(f"unknown operator at position {index + 1}")
            tokens.append(op)
            index += len(op)
        elif char == '"':
            value, index = read_quoted(text, index)
            tokens.append(_Literal(value, "string"))
        elif char == "%":
            end = text.find("%", index + 1)
            if end < 0:
                raise PatternError(f"unterminated regular expression at position {index + 1}")
            tokens.append(_Literal(text[index + 1 : end], "regex"))
            index = end + 1
        else:
            end = index
            while end < len(text) and text[end] not in _WORD_END:
                end += 1
            if end == index:
                raise PatternError(f"unexpected {char!r} at position {index + 1}")
            tokens.append(text[index:end])
            index = end
    if not tokens:
        raise PatternError("empty pattern")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def done(self) -> bool:
        return self.at >= len(self.tokens)

    def peek(self) -> str | None:
        return None if self.done() else self.tokens[self.at]

    def take(self) -> str:
        if self.done():
            raise PatternError("the pattern ends too early")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expression(self) -> Test:
        terms = [self.conjunction()]
        while self.peek() == "||":
            self.take()
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else lambda doc: any(t(doc) for t in terms)

    def conjunction(self) -> Test:
        terms = [self.primary()]
        while self.peek() == "&&":
            self.take()
            terms.append(self.primary())
        return terms[0] if len(terms) == 1 else lambda doc: all(t(doc) for t in terms)

    def primary(self) -> Test:
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            if self.take() != ")":
                raise PatternError("missing )")
            return inner
        return self.comparison()

    def comparison(self) -> Test:
        token = self.take()
        if isinstance(token, _Literal) or not token.startswith("$"):
            raise PatternError(f"expected a property selector such as $.name, not {token!r}")
        path = _selector(token)
        op = self.take()
        if op.upper() == "IS":
            return _is(path, self.take().upper())
        if op.upper() == "NOT":
            if self.take().upper() != "EXISTS":
                raise PatternError("expected EXISTS after NOT")
            return lambda doc: _resolve(doc, path) is _MISSING
        if op not in _OPERATORS or isinstance(op, _Literal):
            raise PatternError(f"expected a comparison operator after {token}, not {op!r}")
        return _compare(path, op, self.take())


def _selector(token: str) -> list[str | int]:
    rest = token[1:]
    path: list[str | int] = []
    at = 0
    while at < len(rest):
        match = _SEGMENT.match(rest, at)
        if match is None:
            raise PatternError(f"invalid property selector {token!r}")
        path.append(match[1] if match[1] is not None else int(match[2]))
        at = match.end()
    if not path:
        raise PatternError(f"invalid property selector {token!r}")
    return path


def _resolve(document: Any, path: list[str | int]) -> Any:
    value = document
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return _MISSING
            value = value[part]
        else:
            if not isinstance(value, dict) or part not in value:
                return _MISSING
            value = value[part]
    return value


def _is(path: list[str | int], word: str) -> Test:
    expected = {"TRUE": True, "FALSE": False, "NULL": None}
    if word not in expected:
        raise PatternError(f"expected TRUE, FALSE or NULL after IS, not {word!r}")
    want = expected[word]
    return lambda doc: (
        (value := _resolve(doc, path)) is want
        or (want is not None and isinstance(value, bool) and value == want)
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(path: list[str | int], op: str, literal: str) -> Test:
    kind = literal.kind if isinstance(literal, _Literal) else "word"
    number = _number(literal) if kind == "word" else None
    if op in ("<", "<=", ">", ">="):
        if number is None:
            raise PatternError(f"{op} compares with a number, not {literal!r}")
        check = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}[op]
        return lambda doc: _is_number(value := _resolve(doc, path)) and check(value, number)
    equal = _equality(literal, kind, number)
    if op == "=":
        return lambda doc: (value := _resolve(doc, path)) is not _MISSING and equal(value)
    return lambda doc: (value := _resolve(doc, path)) is not _MISSING and not equal(value)


def _equality(literal: str, kind: str, number: float | None) -> Test:
    if kind == "regex":
        search = compile_regex(literal)
        return lambda value: isinstance(value, str) and search(value)
    if "*" in literal:
        wildcard = re.compile(".*".join(re.escape(part) for part in literal.split("*")), re.S)
        return lambda value: isinstance(value, str) and wildcard.fullmatch(value) is not None

    def equal(value: Any) -> bool:
        if isinstance(value, str):
            return value == literal
        if number is not None and _is_number(value):
            return bool(value == number)
        return False

    return equal
