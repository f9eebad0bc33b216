"""KeyConditionExpression: the shape DynamoDB accepts (checked without the table: one or two
conditions joined by AND, each a comparison, BETWEEN or begins_with on one top-level
attribute), then :func:`key_condition`, which matches it to a key schema and hands the engine
the partition value and the sort-key condition to turn into a store range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from skybus.engines.tables import values
from skybus.engines.tables.expressions.errors import INVALID, ExpressionError
from skybus.engines.tables.expressions.nodes import (
    And,
    Between,
    Call,
    Compare,
    Condition,
    Function,
    In,
    KeyConditionExpr,
    Literal,
    Not,
    Operand,
    Or,
    Path,
)
from skybus.engines.tables.values import AttributeValue

NOT_SUPPORTED = "Query key condition not supported"
TYPE_MISMATCH = INVALID + "Condition parameter type does not match schema type"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class KeyAttribute(Protocol):
    """A key schema element: the attribute's name and its scalar type (S, N or B)."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """What a Query selects: one partition, and optionally a sort-key range.

    ``sort_op`` is one of ``= < <= > >= BETWEEN begins_with`` with the key on the left
    (``:v < sk`` arrives as ``sk > :v``); ``sort_operands`` holds one value, or two for
    BETWEEN."""

    partition_name: str
    partition_value: AttributeValue
    sort_name: str | None = None
    sort_op: str | None = None
    sort_operands: tuple[AttributeValue, ...] = ()


def missed(name: str) -> ExpressionError:
    return ExpressionError(f"Query condition missed key schema element: {name}")


def check_key_structure(tree: Condition) -> tuple[Condition, ...]:
    conds: list[Condition] = []
    _collect(tree, conds)
    for cond in conds:
        _check_one(cond)
    seen: set[str] = set()
    for cond in conds:
        name = _key_path(cond).top
        if name in seen:
            raise ExpressionError("KeyConditionExpressions must only contain one condition per key")
        seen.add(name)
    if len(conds) > 2:
        raise ExpressionError("Conditions can be of length 1 or 2 only")
    return tuple(conds)


def _invalid_operator(name: str) -> ExpressionError:
    return ExpressionError(f"Invalid operator used in KeyConditionExpression: {name}")


def _invalid_condition(text: str) -> ExpressionError:
    return ExpressionError(f"Invalid condition in KeyConditionExpression: {text}")


def _collect(cond: Condition, out: list[Condition]) -> None:
    if isinstance(cond, And):
        for part in cond.conds:
            _collect(part, out)
    elif isinstance(cond, Or):
        raise _invalid_operator("OR")
    elif isinstance(cond, Not):
        raise _invalid_operator("NOT")
    elif isinstance(cond, In):
        raise _invalid_operator("IN")
    elif isinstance(cond, Compare) and cond.op == "<>":
        raise _invalid_operator("<>")
    elif isinstance(cond, Function) and cond.name != "begins_with":
        raise _invalid_operator(cond.name)
    else:
        out.append(cond)


def _operands(cond: Condition) -> tuple[Operand, ...]:
    if isinstance(cond, Compare):
        return (cond.left, cond.right)
    if isinstance(cond, Between):
        return (cond.subject, cond.low, cond.high)
    assert isinstance(cond, Function)
    return cond.args


def _check_one(cond: Condition) -> None:
    operands = _operands(cond)
    if isinstance(cond, Between | Function) and not isinstance(operands[0], Path):
        name = "BETWEEN" if isinstance(cond, Between) else "begins_with"
        raise _invalid_condition(
            f"{name} operator must have the key attribute as its first operand"
        )
    found = False
    for operand in operands:
        if isinstance(operand, Call):
            raise ExpressionError("KeyConditionExpressions cannot contain nested operations")
        if isinstance(operand, Path):
            if found:
                raise _invalid_condition("Multiple attribute names used in one condition")
            if len(operand.elements) > 1:
                raise ExpressionError(
                    "Invalid KeyConditionExpression: "
                    "KeyConditionExpressions cannot have conditions on nested attributes"
                )
            found = True
    if not found:
        raise _invalid_condition("No key attribute specified")


def _key_path(cond: Condition) -> Path:
    for operand in _operands(cond):
        if isinstance(operand, Path):
            return operand
    raise AssertionError("checked by _check_one")


def _normalized(cond: Condition) -> tuple[str, str, tuple[AttributeValue, ...]]:
    """(attribute, operator with the attribute on the left, literal operands)."""
    if isinstance(cond, Compare):
        if isinstance(cond.left, Path):
            return cond.left.top, cond.op, (_value(cond.right),)
        assert isinstance(cond.right, Path)
        return cond.right.top, _FLIPPED[cond.op], (_value(cond.left),)
    if isinstance(cond, Between):
        assert isinstance(cond.subject, Path)
        return cond.subject.top, "BETWEEN", (_value(cond.low), _value(cond.high))
    assert isinstance(cond, Function)
    path = cond.args[0]
    assert isinstance(path, Path)
    return path.top, "begins_with", (_value(cond.args[1]),)


def _value(operand: Operand) -> AttributeValue:
    assert isinstance(operand, Literal)
    assert operand.value is not None
    return operand.value


def key_condition(expr: KeyConditionExpr, schema: Sequence[KeyAttribute]) -> KeyCondition:
    """Match a parsed KeyConditionExpression to a key schema (hash key first, then the range
    key if there is one), with AWS's errors when they do not fit."""
    conds = [_normalized(cond) for cond in expr.conds]
    return resolve_key(conds, schema)


def resolve_key(
    conds: Sequence[tuple[str, str, tuple[AttributeValue, ...]]], schema: Sequence[KeyAttribute]
) -> KeyCondition:
    hash_key = schema[0]
    range_key = schema[1] if len(schema) > 1 else None
    names = [name for name, _, _ in conds]
    if hash_key.name not in names:
        if range_key is None and len(conds) > 1:
            raise ExpressionError(NOT_SUPPORTED)
        raise missed(hash_key.name)
    for name in names:
        if name != hash_key.name and (range_key is None or name != range_key.name):
            if range_key is None:
                raise ExpressionError(NOT_SUPPORTED)
            raise missed(range_key.name)
    for name, _, operands in conds:
        wanted = hash_key.type if name == hash_key.name else schema[1].type
        for operand in operands:
            if values.type_of(operand) != wanted:
                raise ExpressionError(TYPE_MISMATCH)
    partition: AttributeValue | None = None
    out = KeyCondition(hash_key.name, {})
    for name, op, operands in conds:
        if name == hash_key.name:
            if op != "=":
                raise ExpressionError(NOT_SUPPORTED)
            partition = operands[0]
        else:
            out = KeyCondition(hash_key.name, {}, name, op, operands)
    assert partition is not None
    return KeyCondition(hash_key.name, partition, out.sort_name, out.sort_op, out.sort_operands)
