"""Validation of a parsed condition, node by node in the order AWS reports problems: the
operands of a node first (undefined placeholders, nested functions), then the node itself
(operand count, document path, distinct operands, operand types, BETWEEN bounds).
"""

from __future__ import annotations

import base64

from skybus import limits
from skybus.engines.tables import values
from skybus.engines.tables.expressions import errors
from skybus.engines.tables.expressions.errors import Problem
from skybus.engines.tables.expressions.nodes import (
    And,
    Arith,
    Between,
    Call,
    Compare,
    Condition,
    In,
    Literal,
    Not,
    Operand,
    Or,
    Path,
)

#: Literal types an ordering comparison (<, <=, >, >=, BETWEEN) refuses.
UNORDERED = frozenset(("BOOL", "NULL", "SS", "NS", "BS", "L", "M"))
#: attribute_type's type names, in the order AWS lists them.
TYPE_NAMES = ("NS", "SS", "L", "BS", "N", "M", "B", "BOOL", "NULL", "S")
_ARITY = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}


def check_condition(cond: Condition) -> None:
    if isinstance(cond, And | Or):
        for part in cond.conds:
            check_condition(part)
    elif isinstance(cond, Not):
        check_condition(cond.cond)
    elif isinstance(cond, Compare):
        check_operand(cond.left)
        check_operand(cond.right)
        _distinct(cond.op, cond.left, (cond.right,))
        if cond.op not in ("=", "<>"):
            _orderable(cond.op, (cond.left, cond.right))
    elif isinstance(cond, Between):
        for operand in (cond.subject, cond.low, cond.high):
            check_operand(operand)
        _distinct("BETWEEN", cond.subject, (cond.low, cond.high))
        _orderable("BETWEEN", (cond.subject, cond.low, cond.high))
        _bounds(cond.low, cond.high)
    elif isinstance(cond, In):
        check_operand(cond.subject)
        for operand in cond.options:
            check_operand(operand)
        if len(cond.options) > limits.DDB_MAX_IN_OPERANDS:
            raise Problem(
                "Too many operands for IN; operator or function: IN, number of operands: "
                f"{len(cond.options)}"
            )
        _distinct("IN", cond.subject, cond.options)
    else:
        for operand in cond.args:
            check_operand(operand)
        _check_function(cond.name, cond.args)


def check_operand(operand: Operand) -> None:
    if isinstance(operand, Path):
        if operand.undefined is not None:
            raise errors.undefined_name(operand.undefined)
    elif isinstance(operand, Literal):
        if operand.value is None:
            raise errors.undefined_value(operand.placeholder)
    elif isinstance(operand, Call):
        for arg in operand.args:
            check_operand(arg)
        _check_size(operand)
    elif isinstance(operand, Arith):
        check_operand(operand.left)
        check_operand(operand.right)


def static_type(operand: Operand) -> str | None:
    """The type an operand has before any item is seen: a literal's, or N for size()."""
    if isinstance(operand, Literal) and operand.value is not None:
        return values.type_of(operand.value)
    if isinstance(operand, Call) and operand.name == "size":
        return "N"
    return None


def _check_size(call: Call) -> None:
    if len(call.args) != 1:
        raise errors.operand_count(call.name, len(call.args))
    kind = static_type(call.args[0])
    if kind in ("N", "BOOL", "NULL"):
        raise errors.operand_type("size", kind)


def _check_function(name: str, args: tuple[Operand, ...]) -> None:
    if len(args) != _ARITY[name]:
        raise errors.operand_count(name, len(args))
    if name in ("attribute_exists", "attribute_not_exists", "attribute_type") and not isinstance(
        args[0], Path
    ):
        raise errors.needs_path(name)
    if name == "attribute_exists" or name == "attribute_not_exists":
        return
    _distinct(name, args[0], args[1:])
    if name == "attribute_type":
        kind = static_type(args[1]) or "M"
        if kind != "S":
            raise errors.operand_type(name, kind)
        literal = args[1]
        assert isinstance(literal, Literal)
        assert literal.value is not None
        if literal.value["S"] not in TYPE_NAMES:
            raise Problem(
                f"Invalid attribute type name found; type: {literal.value['S']}, "
                "valid types: {" + ",".join(TYPE_NAMES) + "}"
            )
    elif name == "begins_with":
        for arg in args:
            found = static_type(arg)
            if found is not None and found not in ("S", "B"):
                raise errors.operand_type(name, found)


def _distinct(operator: str, first: Operand, rest: tuple[Operand, ...]) -> None:
    if not isinstance(first, Path):
        return
    for other in rest:
        if isinstance(other, Path) and other.elements == first.elements:
            raise Problem(
                "The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {operator}, first operand: {first}"
            )


def _orderable(operator: str, operands: tuple[Operand, ...]) -> None:
    for operand in operands:
        if isinstance(operand, Literal) and operand.value is not None:
            kind = values.type_of(operand.value)
            if kind in UNORDERED:
                raise errors.operand_type(operator, kind)


def _bounds(low: Operand, high: Operand) -> None:
    if not (isinstance(low, Literal) and isinstance(high, Literal)):
        return
    if low.value is None or high.value is None:
        return
    if values.type_of(low.value) != values.type_of(high.value):
        raise Problem(
            "The BETWEEN operator requires same data type for lower and upper bounds; "
            f"lower bound operand: {render(low.value)}, upper bound operand: {render(high.value)}"
        )
    order = values.compare(low.value, high.value)
    if order is not None and order > 0:
        raise Problem(
            "The BETWEEN operator requires upper bound to be greater than or equal to lower "
            f"bound; lower bound operand: {render(low.value)}, "
            f"upper bound operand: {render(high.value)}"
        )


def render(value: values.AttributeValue) -> str:
    """A scalar as AWS prints it in messages: ``AttributeValue: {S:abc}``."""
    kind = values.type_of(value)
    content = value[kind]
    if isinstance(content, bytes):
        content = base64.b64encode(content).decode()
    return f"AttributeValue: {{{kind}:{content}}}"
