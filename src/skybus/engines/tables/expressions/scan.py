"""Which attributes a filter reads, for Query's rule that a FilterExpression (or QueryFilter)
may not name the primary key attributes of the table or index being queried."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from skybus.engines.tables.expressions.errors import ExpressionError
from skybus.engines.tables.expressions.nodes import (
    And,
    Arith,
    Between,
    Call,
    Compare,
    Condition,
    ConditionExpr,
    In,
    Not,
    Operand,
    Or,
    Path,
)


def paths_of(cond: Condition) -> Iterator[Path]:
    """The document paths a condition reads, in the order written."""
    if isinstance(cond, And | Or):
        for part in cond.conds:
            yield from paths_of(part)
    elif isinstance(cond, Not):
        yield from paths_of(cond.cond)
    elif isinstance(cond, Compare):
        yield from _operand_paths(cond.left)
        yield from _operand_paths(cond.right)
    elif isinstance(cond, Between):
        for operand in (cond.subject, cond.low, cond.high):
            yield from _operand_paths(operand)
    elif isinstance(cond, In):
        yield from _operand_paths(cond.subject)
        for operand in cond.options:
            yield from _operand_paths(operand)
    else:
        for operand in cond.args:
            yield from _operand_paths(operand)


def _operand_paths(operand: Operand) -> Iterator[Path]:
    if isinstance(operand, Path):
        yield operand
    elif isinstance(operand, Call):
        for arg in operand.args:
            yield from _operand_paths(arg)
    elif isinstance(operand, Arith):
        yield from _operand_paths(operand.left)
        yield from _operand_paths(operand.right)


def check_filter_keys(
    filter_expr: ConditionExpr | None, key_names: Collection[str], *, legacy: bool = False
) -> None:
    """Refuse a Query filter that reads a primary key attribute."""
    if filter_expr is None:
        return
    for path in paths_of(filter_expr.tree):
        if path.top in key_names:
            what = "QueryFilter" if legacy else "Filter Expression"
            raise ExpressionError(
                f"{what} can only contain non-primary key attributes: "
                f"Primary key attribute: {path.top}"
            )
