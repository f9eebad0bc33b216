"""Evaluating a condition on an item (a missing item is ``{}``). Comparisons between values
of different types, or ordering comparisons on types that have no order, are simply false;
a path that leads nowhere makes every comparison but ``<>`` false.
"""

from __future__ import annotations

from skybus.engines.tables import values
from skybus.engines.tables.expressions.documents import resolve
from skybus.engines.tables.expressions.nodes import (
    And,
    Between,
    Call,
    Compare,
    Condition,
    ConditionExpr,
    Function,
    In,
    Literal,
    Not,
    Operand,
    Or,
    Path,
)
from skybus.engines.tables.values import AttributeValue, Item


def evaluate_condition(condition: ConditionExpr | Condition | None, item: Item | None) -> bool:
    """Whether the condition holds for ``item`` (None or {} when there is no item); no
    condition always holds."""
    if condition is None:
        return True
    tree = condition.tree if isinstance(condition, ConditionExpr) else condition
    return _holds(tree, item or {})


def _holds(cond: Condition, item: Item) -> bool:
    if isinstance(cond, And):
        return all(_holds(part, item) for part in cond.conds)
    if isinstance(cond, Or):
        return any(_holds(part, item) for part in cond.conds)
    if isinstance(cond, Not):
        return not _holds(cond.cond, item)
    if isinstance(cond, Compare):
        return _compare(cond.op, operand_value(cond.left, item), operand_value(cond.right, item))
    if isinstance(cond, Between):
        subject = operand_value(cond.subject, item)
        low = operand_value(cond.low, item)
        high = operand_value(cond.high, item)
        if subject is None or low is None or high is None:
            return False
        above = values.compare(low, subject)
        below = values.compare(subject, high)
        return above is not None and below is not None and above <= 0 and below <= 0
    if isinstance(cond, In):
        subject = operand_value(cond.subject, item)
        if subject is None:
            return False
        for option in cond.options:
            candidate = operand_value(option, item)
            if candidate is not None and values.equal(subject, candidate):
                return True
        return False
    return _function(cond, item)


def _compare(op: str, left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if op == "=":
        return left is not None and right is not None and values.equal(left, right)
    if op == "<>":
        return not (left is not None and right is not None and values.equal(left, right))
    if left is None or right is None:
        return False
    order = values.compare(left, right)
    if order is None:
        return False
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def _function(cond: Function, item: Item) -> bool:
    name, args = cond.name, cond.args
    first = operand_value(args[0], item)
    if name == "attribute_exists":
        return first is not None
    if name == "attribute_not_exists":
        return first is None
    second = operand_value(args[1], item)
    if first is None or second is None:
        return False
    if name == "attribute_type":
        return values.type_of(first) == second.get("S")
    if name == "begins_with":
        return values.begins_with(first, second)
    return values.contains(first, second)


def operand_value(operand: Operand, item: Item) -> AttributeValue | None:
    if isinstance(operand, Path):
        return resolve(item, operand)
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Call) and operand.name == "size":
        inner = operand_value(operand.args[0], item)
        if inner is None:
            return None
        measured = values.size(inner)
        return None if measured is None else {"N": str(measured)}
    return None
