"""Tokens of DynamoDB's expression languages, and the checks made on the token stream before
any parsing, so that a 4 KB expression can never make the parser work hard.

The lexer never fails: a character that starts no token becomes a one-character ``junk`` token
and the parser reports it as a syntax error in AWS's form, ``Syntax error; token: "x", near:
"a x b"`` (the offending token with its neighbours, as they appear in the source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skybus import limits
from skybus.engines.tables.expressions import errors
from skybus.engines.tables.expressions.errors import Problem

IDENT = "ident"
NAME = "name"
VALUE = "value"
NUMBER = "number"
PUNCT = "punct"
JUNK = "junk"
EOF = "eof"

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n]+)"
    r"|(?P<ident>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<name>\#[A-Za-z0-9_]+)"
    r"|(?P<value>:[A-Za-z0-9_]+)"
    r"|(?P<number>[0-9]+)"
    r"|(?P<punct><>|<=|>=|[()\[\],.=<>+\-])"
)

COMPARATORS = frozenset(("=", "<>", "<", "<=", ">", ">="))
#: Keywords after which a parenthesis groups rather than calls a function.
_GROUPING_KEYWORDS = frozenset(("AND", "OR", "NOT", "BETWEEN", "SET", "REMOVE", "ADD", "DELETE"))


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The keyword this token spells (upper case), or "" if it is no identifier."""
        return self.text.upper() if self.kind == IDENT else ""

    def is_punct(self, text: str) -> bool:
        return self.kind == PUNCT and self.text == text


def tokenize(source: str) -> list[Token]:
    """All tokens of ``source``, ending with one EOF token at the end of the text."""
    tokens: list[Token] = []
    pos = 0
    length = len(source)
    match = _TOKEN.match
    while pos < length:
        found = match(source, pos)
        if found is None:
            tokens.append(Token(JUNK, source[pos], pos, pos + 1))
            pos += 1
            continue
        kind = found.lastgroup or JUNK
        if kind != "ws":
            tokens.append(Token(kind, found.group(), pos, found.end()))
        pos = found.end()
    tokens.append(Token(EOF, "<EOF>", length, length))
    return tokens


def syntax_error(source: str, tokens: list[Token], index: int) -> Problem:
    """AWS's syntax error for the token at ``index``: the token, and the source text from the
    token before it to the token after it."""
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    end = tokens[index + 1].end if index + 1 < len(tokens) else token.end
    if token.kind == EOF:
        end = len(source)
    return errors.syntax(token.text, source[start:end])


def check_source(source: str, kind: errors.Kind) -> None:
    """The checks made on the raw text: empty, and longer than 4 KB (in UTF-8 bytes)."""
    if source == "":
        raise Problem(errors.EMPTY)
    size = len(source) if source.isascii() else len(source.encode("utf-8", "surrogatepass"))
    if size > limits.DDB_MAX_EXPRESSION_BYTES:
        if kind in ("ConditionExpression", "FilterExpression"):
            raise Problem(f"{errors.TOO_LONG} expression size: {size}")
        raise Problem(errors.TOO_LONG)


def check_tokens(tokens: list[Token], *, count_equals: bool) -> None:
    """Redundant parentheses and the operator count, checked on the token stream so that
    deeply nested input is refused in linear time, before any recursion.

    A pair of grouping parentheses is redundant when it directly wraps another grouping pair,
    as in ``((a = b))``. Operators are comparators (``=`` only in conditions), ``+``, ``-``,
    AND, OR, NOT and IN; BETWEEN is counted through its AND; function calls are not counted.
    """
    operators = 0
    stack: list[int] = []
    closing: dict[int, int] = {}
    balanced = True
    for index, token in enumerate(tokens):
        if token.kind == PUNCT:
            text = token.text
            if text == "(":
                stack.append(index)
            elif text == ")":
                if stack:
                    closing[stack.pop()] = index
                else:
                    balanced = False
            elif text in COMPARATORS:
                if count_equals or text != "=":
                    operators += 1
            elif text in ("+", "-"):
                operators += 1
        elif token.kind == IDENT and token.word in ("AND", "OR", "NOT", "IN"):
            operators += 1
    if balanced and not stack:
        for opening, close in closing.items():
            inner = opening + 1
            if (
                tokens[inner].is_punct("(")
                and closing.get(inner) == close - 1
                and _grouping(tokens, opening)
                and _grouping(tokens, inner)
            ):
                raise Problem(errors.REDUNDANT)
    if operators > limits.DDB_MAX_EXPRESSION_OPERATORS:
        raise errors.too_many_operators(operators)


def _grouping(tokens: list[Token], index: int) -> bool:
    """Whether the "(" at ``index`` groups (rather than calling a function or listing IN
    operands)."""
    if index == 0:
        return True
    before = tokens[index - 1]
    return before.kind != IDENT or before.word in _GROUPING_KEYWORDS
