"""The condition grammar shared by ConditionExpression, FilterExpression and
KeyConditionExpression (DynamoDB parses all three alike and then restricts the last).

Precedence, loosest first: OR, AND, NOT, then comparisons, BETWEEN, IN and functions;
parentheses group conditions and may also wrap single operands, as in ``(a) BETWEEN (b) AND
(c)``. Recursion is bounded by :meth:`Reader.enter`; chains of NOT are read in a loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skybus.engines.tables.expressions.lexer import COMPARATORS, PUNCT, VALUE, Token
from skybus.engines.tables.expressions.nodes import (
    And,
    Between,
    Call,
    Compare,
    Condition,
    Function,
    In,
    Not,
    Operand,
    Or,
)
from skybus.engines.tables.expressions.reader import Reader

KEYWORDS = frozenset(("AND", "OR", "NOT", "BETWEEN", "IN"))
#: Functions that are conditions by themselves; the others (size) are operands.
BOOLEAN_FUNCTIONS = frozenset(
    ("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains")
)
CONDITION_TYPES = (Compare, Between, In, Function, Not, And, Or)


class ConditionParser(Reader):
    def __init__(
        self,
        source: str,
        tokens: list[Token],
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
    ) -> None:
        super().__init__(source, tokens, names, values, KEYWORDS)

    def parse(self) -> Condition:
        tree = self.as_condition(self.or_expr(allow_operand=False))
        self.expect_end()
        return tree

    # --- boolean structure ---------------------------------------------------------------

    def or_expr(self, *, allow_operand: bool) -> Condition | Operand:
        first = self.and_expr(allow_operand=allow_operand)
        if not self.at_word("OR"):
            return first
        conds = [self.as_condition(first)]
        while self.at_word("OR"):
            self.advance()
            conds.append(self.as_condition(self.and_expr(allow_operand=False)))
        return Or(tuple(conds))

    def and_expr(self, *, allow_operand: bool) -> Condition | Operand:
        first = self.not_expr(allow_operand=allow_operand)
        if not self.at_word("AND"):
            return first
        conds = [self.as_condition(first)]
        while self.at_word("AND"):
            self.advance()
            conds.append(self.as_condition(self.not_expr(allow_operand=False)))
        return And(tuple(conds))

    def not_expr(self, *, allow_operand: bool) -> Condition | Operand:
        count = 0
        while self.at_word("NOT"):
            self.advance()
            count += 1
        found = self.predicate()
        if count == 0 and allow_operand:
            return found
        cond = self.as_condition(found)
        for _ in range(count):
            cond = Not(cond)
        return cond

    def as_condition(self, found: Condition | Operand) -> Condition:
        """A bare function call is a function condition; a bare path or value is an error."""
        if isinstance(found, CONDITION_TYPES):
            return found
        if isinstance(found, Call):
            if found.name not in BOOLEAN_FUNCTIONS:
                self.note_misuse(found.name)
            return Function(found.name, found.args)
        self.fail()

    # --- predicates ----------------------------------------------------------------------

    def predicate(self) -> Condition | Operand:
        if self.at_punct("("):
            self.advance()
            self.enter()
            inner = self.or_expr(allow_operand=True)
            self.expect(")")
            self.leave()
            if isinstance(inner, CONDITION_TYPES):
                return inner
            return self.after_operand(inner)
        return self.after_operand(self.operand())

    def after_operand(self, left: Condition | Operand) -> Condition | Operand:
        token = self.token
        if isinstance(left, CONDITION_TYPES):
            return left
        if token.kind == PUNCT and token.text in COMPARATORS:
            self.advance()
            return Compare(token.text, self.as_operand(left), self.operand_expr())
        if token.word == "BETWEEN":
            self.advance()
            low = self.operand_expr()
            if not self.at_word("AND"):
                self.fail()
            self.advance()
            return Between(self.as_operand(left), low, self.operand_expr())
        if token.word == "IN":
            self.advance()
            self.expect("(")
            options = [self.operand_expr()]
            while self.at_punct(","):
                self.advance()
                options.append(self.operand_expr())
            self.expect(")")
            return In(self.as_operand(left), tuple(options))
        return left

    # --- operands ------------------------------------------------------------------------

    def as_operand(self, operand: Operand) -> Operand:
        if isinstance(operand, Call) and operand.name != "size":
            self.note_misuse(operand.name)
        return operand

    def operand_expr(self) -> Operand:
        """An operand, possibly in parentheses."""
        if self.at_punct("("):
            self.advance()
            self.enter()
            inner = self.operand_expr()
            self.expect(")")
            self.leave()
            return inner
        return self.as_operand(self.operand())

    def operand(self) -> Operand:
        if self.token.kind == VALUE:
            return self.literal()
        if self.at_call():
            return self.call()
        if self.at_path():
            return self.path()
        self.fail()

    def call(self) -> Call:
        name = self.advance().text
        self.note_function(name)
        self.expect("(")
        self.enter()
        args = [self.operand_expr()]
        while self.at_punct(","):
            self.advance()
            args.append(self.operand_expr())
        self.expect(")")
        self.leave()
        return Call(name, tuple(args))
