"""Errors raised by the expression languages, worded as DynamoDB words them.

Parse and validation problems are :class:`ExpressionError` (a ValueError the engine answers
with a ValidationException carrying ``str(error)``); a condition that evaluates to false is
:class:`ConditionFailed`. Messages about one expression carry AWS's per-parameter prefix
("Invalid UpdateExpression: ..."); runtime update errors and schema errors carry none.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal[
    "ConditionExpression",
    "FilterExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "ProjectionExpression",
]

INVALID = "One or more parameter values were invalid: "
EMPTY = "The expression can not be empty;"
TOO_LONG = "Expression size has exceeded the maximum allowed size;"
REDUNDANT = "The expression has redundant parentheses;"


class ExpressionError(ValueError):
    """A request DynamoDB refuses with a ValidationException; ``str(error)`` is its message."""

    @property
    def message(self) -> str:
        return str(self.args[0])


class ConditionFailed(Exception):
    """A ConditionExpression (or Expected) evaluated to false: ConditionalCheckFailed."""


class Problem(Exception):
    """A problem found while parsing one expression; the parse entry point adds the prefix."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def prefixed(kind: Kind, text: str) -> ExpressionError:
    return ExpressionError(f"Invalid {kind}: {text}")


def syntax(token: str, near: str) -> Problem:
    return Problem(f'Syntax error; token: "{token}", near: "{near}"')


def undefined_name(name: str) -> Problem:
    return Problem(
        "An expression attribute name used in the document path is not defined; "
        f"attribute name: {name}"
    )


def undefined_value(name: str) -> Problem:
    return Problem(
        f"An expression attribute value used in expression is not defined; attribute value: {name}"
    )


def reserved(word: str) -> Problem:
    return Problem(f"Attribute name is a reserved keyword; reserved keyword: {word}")


def bad_function(name: str) -> Problem:
    return Problem(f"Invalid function name; function: {name}")


def misused_function(name: str) -> Problem:
    return Problem(
        "The function is not allowed to be used this way in an expression; function: " + name
    )


def operand_count(name: str, count: int) -> Problem:
    return Problem(
        "Incorrect number of operands for operator or function; "
        f"operator or function: {name}, number of operands: {count}"
    )


def operand_type(name: str, kind: str) -> Problem:
    return Problem(
        "Incorrect operand type for operator or function; "
        f"operator or function: {name}, operand type: {kind}"
    )


def needs_path(name: str) -> Problem:
    return Problem(f"Operator or function requires a document path; operator or function: {name}")


def too_many_operators(count: int) -> Problem:
    return Problem(f"The expression contains too many operators; operator count: {count}")


def overlap(one: str, two: str) -> Problem:
    return Problem(
        "Two document paths overlap with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )


def conflict(one: str, two: str) -> Problem:
    return Problem(
        "Two document paths conflict with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )
