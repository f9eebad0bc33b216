"""What every expression parser shares: a cursor over the tokens, document paths, placeholder
resolution, and the problems found while parsing that AWS reports only after the whole
expression parsed (an unknown or misplaced function, a reserved word, an undefined name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from skybus import limits
from skybus.engines.tables.expressions import errors
from skybus.engines.tables.expressions.errors import Problem
from skybus.engines.tables.expressions.lexer import (
    EOF,
    IDENT,
    NAME,
    NUMBER,
    VALUE,
    Token,
    syntax_error,
)
from skybus.engines.tables.expressions.nodes import Element, Literal, Path
from skybus.engines.tables.expressions.reserved import RESERVED_WORDS

#: Every function DynamoDB knows (names are case-sensitive).
FUNCTIONS = frozenset(
    (
        "attribute_exists",
        "attribute_not_exists",
        "attribute_type",
        "begins_with",
        "contains",
        "size",
        "if_not_exists",
        "list_append",
    )
)


class Reader:
    def __init__(
        self,
        source: str,
        tokens: list[Token],
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
        keywords: frozenset[str],
    ) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0
        self.names = names or {}
        self.values = values or {}
        self.keywords = keywords
        self.names_used: set[str] = set()
        self.values_used: set[str] = set()
        self.undefined: list[Problem] = []
        self.bad_function: Problem | None = None
        self.misused_function: Problem | None = None
        self.reserved: Problem | None = None
        self.depth = 0

    # --- cursor ------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def fail(self) -> NoReturn:
        raise syntax_error(self.source, self.tokens, self.pos)

    def expect(self, text: str) -> Token:
        if not self.token.is_punct(text):
            self.fail()
        return self.advance()

    def at_punct(self, text: str) -> bool:
        return self.token.is_punct(text)

    def at_word(self, word: str) -> bool:
        return self.token.word == word

    def expect_end(self) -> None:
        if self.token.kind != EOF:
            self.fail()

    def enter(self) -> None:
        """One more level of parentheses or function call; bounded so that the recursive
        parser can never run out of stack."""
        self.depth += 1
        if self.depth > limits.DDB_MAX_EXPRESSION_DEPTH:
            if self.bad_function is not None:
                raise self.bad_function
            raise Problem(
                "The expression has too many nested levels; maximum nesting: "
                f"{limits.DDB_MAX_EXPRESSION_DEPTH}"
            )

    def leave(self) -> None:
        self.depth -= 1

    # --- what the parse found ----------------------------------------------------------

    def note_function(self, name: str) -> None:
        if name not in FUNCTIONS and self.bad_function is None:
            self.bad_function = errors.bad_function(name)

    def note_misuse(self, name: str) -> None:
        if name in FUNCTIONS and self.misused_function is None:
            self.misused_function = errors.misused_function(name)

    def raise_parse_problems(self) -> None:
        """The problems AWS reports once the expression has parsed, in its order."""
        for problem in (self.bad_function, self.misused_function, self.reserved):
            if problem is not None:
                raise problem

    # --- paths and placeholders ----------------------------------------------------------

    def at_path(self) -> bool:
        token = self.token
        if token.kind == NAME:
            return True
        return token.kind == IDENT and token.word not in self.keywords

    def path(self) -> Path:
        """``segment ( "." segment | "[" number "]" )*`` where a segment is a name or #name."""
        elements: list[Element] = []
        undefined: str | None = None
        first = self.segment()
        elements.append(first[0])
        undefined = first[1]
        while True:
            if self.at_punct("."):
                self.advance()
                name, missing = self.segment()
                elements.append(name)
                undefined = undefined or missing
            elif self.at_punct("["):
                self.advance()
                if self.token.kind != NUMBER:
                    self.fail()
                elements.append(int(self.advance().text))
                self.expect("]")
            else:
                return Path(tuple(elements), undefined)

    def segment(self) -> tuple[str, str | None]:
        token = self.token
        if token.kind == NAME:
            self.advance()
            if token.text in self.names:
                self.names_used.add(token.text)
                return self.names[token.text], None
            self.undefined.append(errors.undefined_name(token.text))
            return token.text, token.text
        if token.kind != IDENT or token.word in self.keywords:
            self.fail()
        self.advance()
        if self.reserved is None and token.text.upper() in RESERVED_WORDS:
            self.reserved = errors.reserved(token.text)
        return token.text, None

    def literal(self) -> Literal:
        token = self.token
        if token.kind != VALUE:
            self.fail()
        self.advance()
        if token.text in self.values:
            self.values_used.add(token.text)
            value: dict[str, Any] = self.values[token.text]
            return Literal(token.text, value)
        self.undefined.append(errors.undefined_value(token.text))
        return Literal(token.text, None)

    def at_call(self) -> bool:
        return (
            self.token.kind == IDENT
            and self.token.word not in self.keywords
            and self.peek().is_punct("(")
        )
