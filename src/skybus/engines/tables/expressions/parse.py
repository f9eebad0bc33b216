"""The parse entry points: raw expression text and the request's ExpressionAttributeNames and
ExpressionAttributeValues in, an immutable parsed expression out, or an ExpressionError with
AWS's message ("Invalid <Parameter>: ...").

Every check that does not need the table is made here, in AWS's order: the text (empty, over
4 KB), the token stream (redundant parentheses, over 300 operators), the grammar, then the
meaning (functions, reserved words, placeholders, operand types, overlapping paths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skybus.engines.tables.expressions import errors
from skybus.engines.tables.expressions.checks import check_condition
from skybus.engines.tables.expressions.conditions import ConditionParser
from skybus.engines.tables.expressions.errors import Kind, Problem
from skybus.engines.tables.expressions.keyconditions import check_key_structure
from skybus.engines.tables.expressions.lexer import check_source, check_tokens, tokenize
from skybus.engines.tables.expressions.nodes import (
    ConditionExpr,
    KeyConditionExpr,
    Path,
    ProjectionExpr,
    UpdateExpr,
)
from skybus.engines.tables.expressions.reader import Reader
from skybus.engines.tables.expressions.updates import UpdateParser, check_paths, check_update

Names = Mapping[str, str] | None
Values = Mapping[str, Any] | None


def parse_condition(
    source: str, names: Names = None, values: Values = None, kind: Kind = "ConditionExpression"
) -> ConditionExpr:
    """A ConditionExpression (``kind="FilterExpression"`` for a FilterExpression)."""
    try:
        parser = _condition_parser(source, names, values, kind)
        tree = parser.parse()
        parser.raise_parse_problems()
        check_condition(tree)
    except Problem as problem:
        raise errors.prefixed(kind, problem.text) from None
    return ConditionExpr(tree, frozenset(parser.names_used), frozenset(parser.values_used))


def parse_filter(source: str, names: Names = None, values: Values = None) -> ConditionExpr:
    return parse_condition(source, names, values, "FilterExpression")


def parse_key_condition(
    source: str, names: Names = None, values: Values = None
) -> KeyConditionExpr:
    """A KeyConditionExpression, checked as far as it can be without the key schema; see
    :func:`key_condition` for the rest."""
    kind: Kind = "KeyConditionExpression"
    try:
        parser = _condition_parser(source, names, values, kind)
        tree = parser.parse()
        parser.raise_parse_problems()
        check_condition(tree)
    except Problem as problem:
        raise errors.prefixed(kind, problem.text) from None
    conds = check_key_structure(tree)
    return KeyConditionExpr(conds, frozenset(parser.names_used), frozenset(parser.values_used))


def parse_update(source: str, names: Names = None, values: Values = None) -> UpdateExpr:
    kind: Kind = "UpdateExpression"
    try:
        check_source(source, kind)
        tokens = tokenize(source)
        check_tokens(tokens, count_equals=False)
        parser = UpdateParser(source, tokens, names, values)
        actions = parser.parse()
        check_update(parser, actions)
    except Problem as problem:
        raise errors.prefixed(kind, problem.text) from None
    return UpdateExpr(actions, frozenset(parser.names_used), frozenset(parser.values_used))


def parse_projection(source: str, names: Names = None) -> ProjectionExpr:
    """A ProjectionExpression: document paths separated by commas."""
    kind: Kind = "ProjectionExpression"
    try:
        check_source(source, kind)
        tokens = tokenize(source)
        reader = Reader(source, tokens, names, None, frozenset())
        paths: list[Path] = [reader.path()]
        while reader.at_punct(","):
            reader.advance()
            paths.append(reader.path())
        reader.expect_end()
        reader.raise_parse_problems()
        if reader.undefined:
            raise reader.undefined[0]
        check_paths(paths)
    except Problem as problem:
        raise errors.prefixed(kind, problem.text) from None
    return ProjectionExpr(tuple(paths), frozenset(reader.names_used))


def _condition_parser(source: str, names: Names, values: Values, kind: Kind) -> ConditionParser:
    check_source(source, kind)
    tokens = tokenize(source)
    check_tokens(tokens, count_equals=True)
    return ConditionParser(source, tokens, names, values)
