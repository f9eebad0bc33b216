"""The pre-2014 parameters, converted to the same trees the expressions parse into:
AttributesToGet, Expected (+ ConditionalOperator), AttributeUpdates, KeyConditions,
QueryFilter and ScanFilter. Old Lambdas and libraries still send them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from skybus.engines.tables import values
from skybus.engines.tables.expressions.errors import INVALID, ExpressionError
from skybus.engines.tables.expressions.keyconditions import (
    KeyAttribute,
    KeyCondition,
    missed,
    resolve_key,
)
from skybus.engines.tables.expressions.nodes import (
    Action,
    And,
    Between,
    Compare,
    Condition,
    ConditionExpr,
    Function,
    In,
    Literal,
    Not,
    Or,
    Path,
    ProjectionExpr,
    UpdateExpr,
)
from skybus.engines.tables.values import AttributeValue, InvalidValue

#: How many values each ComparisonOperator takes (None: one or more).
ARGUMENTS: dict[str, int | None] = {
    "EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0, "NULL": 0,
    "CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "IN": None, "BETWEEN": 2,
}  # fmt: skip
_UNORDERED = frozenset(("BOOL", "NULL", "SS", "NS", "BS", "M", "L"))
_REFUSED_TYPES = {
    "LT": _UNORDERED, "LE": _UNORDERED, "GT": _UNORDERED, "GE": _UNORDERED,
    "IN": _UNORDERED, "BETWEEN": _UNORDERED,
    "CONTAINS": frozenset(("SS", "NS", "BS", "M", "L")),
    "NOT_CONTAINS": frozenset(("SS", "NS", "BS", "M", "L")),
    "BEGINS_WITH": _UNORDERED | {"N"},
}  # fmt: skip
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_KEY_OPERATORS = {
    "EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">",
    "BEGINS_WITH": "begins_with", "BETWEEN": "BETWEEN",
}  # fmt: skip
_ADDABLE = frozenset(("N", "SS", "NS", "BS", "L"))


def _invalid(text: str) -> ExpressionError:
    return ExpressionError(INVALID + text)


def _checked(value: Any) -> AttributeValue:
    try:
        return values.check_value(value)
    except InvalidValue as exc:
        raise ExpressionError(str(exc)) from None


def _check_operator(op: str, given: Sequence[AttributeValue]) -> None:
    wanted = ARGUMENTS[op]
    if (wanted is None and not given) or (wanted is not None and len(given) != wanted):
        raise _invalid(f"Invalid number of argument(s) for the {op} ComparisonOperator")
    refused = _REFUSED_TYPES.get(op, frozenset())
    for value in given:
        kind = values.type_of(value)
        if kind in refused:
            raise _invalid(f"ComparisonOperator {op} is not valid for {kind} AttributeValue type")
    if op == "IN" and len({values.type_of(v) for v in given}) > 1:
        raise _invalid("AttributeValues inside AttributeValueList must be of same type")
    if op == "BETWEEN":
        order = values.compare(given[0], given[1])
        if order is not None and order > 0:
            raise ExpressionError(
                "The BETWEEN condition was provided a range where the lower bound is greater "
                "than the upper bound"
            )


def _condition(name: str, op: str, given: Sequence[AttributeValue]) -> Condition:
    path = Path((name,))
    literals = [Literal("", value) for value in given]
    if op in _COMPARATORS:
        return Compare(_COMPARATORS[op], path, literals[0])
    if op == "NOT_NULL":
        return Function("attribute_exists", (path,))
    if op == "NULL":
        return Function("attribute_not_exists", (path,))
    if op == "CONTAINS":
        return Function("contains", (path, literals[0]))
    if op == "NOT_CONTAINS":
        return Not(Function("contains", (path, literals[0])))
    if op == "BEGINS_WITH":
        return Function("begins_with", (path, literals[0]))
    if op == "IN":
        return In(path, tuple(literals))
    return Between(path, literals[0], literals[1])


def _combine(conds: list[Condition], conditional_operator: str | None) -> ConditionExpr | None:
    if not conds:
        return None
    if len(conds) == 1:
        return ConditionExpr(conds[0])
    return ConditionExpr(Or(tuple(conds)) if conditional_operator == "OR" else And(tuple(conds)))


def expected(
    spec: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None
) -> ConditionExpr | None:
    """Expected: per attribute, Value/Exists or ComparisonOperator/AttributeValueList."""
    conds: list[Condition] = []
    for name, entry in spec.items():
        value = entry.get("Value")
        exists = entry.get("Exists")
        op = entry.get("ComparisonOperator")
        listed = entry.get("AttributeValueList")
        if listed is not None and value is not None:
            raise _invalid(
                f"Value and AttributeValueList cannot be used together for Attribute: {name}"
            )
        if op is None:
            if listed is not None:
                raise _invalid(
                    "AttributeValueList can only be used with a ComparisonOperator "
                    f"for Attribute: {name}"
                )
            if exists is False:
                if value is not None:
                    raise _invalid(
                        f"Value cannot be used when Exists is false for Attribute: {name}"
                    )
                conds.append(Function("attribute_not_exists", (Path((name,)),)))
                continue
            if value is None:
                state = "null" if exists is None else "true"
                raise _invalid(
                    f"Value must be provided when Exists is {state} for Attribute: {name}"
                )
            conds.append(Compare("=", Path((name,)), Literal("", _checked(value))))
            continue
        if exists is not None:
            raise _invalid(
                f"Exists and ComparisonOperator cannot be used together for Attribute: {name}"
            )
        if value is None and listed is None and ARGUMENTS[op] != 0:
            raise _invalid(
                f"Value or AttributeValueList must be used with ComparisonOperator: {op} "
                f"for Attribute: {name}"
            )
        given = [_checked(v) for v in ([value] if value is not None else listed or [])]
        _check_operator(op, given)
        conds.append(_condition(name, op, given))
    return _combine(conds, conditional_operator)


def filter_conditions(
    spec: Mapping[str, Mapping[str, Any]], conditional_operator: str | None = None
) -> ConditionExpr | None:
    """QueryFilter / ScanFilter: per attribute a ComparisonOperator and AttributeValueList."""
    conds: list[Condition] = []
    for name, entry in spec.items():
        op = entry["ComparisonOperator"]
        given = [_checked(v) for v in entry.get("AttributeValueList") or []]
        _check_operator(op, given)
        conds.append(_condition(name, op, given))
    return _combine(conds, conditional_operator)


def attributes_to_get(names: Sequence[str]) -> ProjectionExpr:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise _invalid(f"Duplicate value in attribute name: {name}")
        seen.add(name)
    return ProjectionExpr(tuple(Path((name,)) for name in names))


def attribute_updates(spec: Mapping[str, Mapping[str, Any]]) -> UpdateExpr:
    """AttributeUpdates: PUT (the default), ADD (numbers, sets, lists) and DELETE (the whole
    attribute, or members of a set), top-level attributes only."""
    actions: list[Action] = []
    for name, entry in spec.items():
        verb = entry.get("Action") or "PUT"
        raw = entry.get("Value")
        path = Path((name,))
        if raw is None:
            if verb != "DELETE":
                raise _invalid("Only DELETE action is allowed when no attribute value is specified")
            actions.append(Action("REMOVE", path))
            continue
        value = _checked(raw)
        kind = values.type_of(value)
        if verb == "PUT":
            actions.append(Action("SET", path, Literal("", value)))
        elif verb == "ADD":
            if kind not in _ADDABLE:
                raise _invalid(f"ADD action is not supported for the type {kind}")
            actions.append(Action("ADD", path, Literal("", value)))
        else:
            if kind not in values.SET_TYPES:
                raise _invalid(f"DELETE action with value is not supported for the type {kind}")
            actions.append(Action("DELETE", path, Literal("", value)))
    return UpdateExpr(tuple(actions), legacy=True)


@dataclass(frozen=True, slots=True)
class LegacyKeyConditions:
    """KeyConditions, checked as far as possible without the table: (name, operator,
    values) per attribute."""

    conds: tuple[tuple[str, str, tuple[AttributeValue, ...]], ...]


def key_conditions(spec: Mapping[str, Mapping[str, Any]]) -> LegacyKeyConditions:
    conds: list[tuple[str, str, tuple[AttributeValue, ...]]] = []
    for name, entry in spec.items():
        op = entry["ComparisonOperator"]
        given = tuple(_checked(v) for v in entry.get("AttributeValueList") or [])
        _check_operator(op, given)
        conds.append((name, op, given))
    if not 1 <= len(conds) <= 2:
        raise ExpressionError("Conditions can be of length 1 or 2 only")
    return LegacyKeyConditions(tuple(conds))


def legacy_key_condition(
    legacy: LegacyKeyConditions, schema: Sequence[KeyAttribute]
) -> KeyCondition:
    names = [name for name, _, _ in legacy.conds]
    hash_key = schema[0]
    range_key = schema[1] if len(schema) > 1 else None
    if hash_key.name not in names:
        if range_key is None and len(names) > 1:
            raise ExpressionError("Query key condition not supported")
        raise missed(hash_key.name)
    for name in names:
        if name != hash_key.name and range_key is not None and name != range_key.name:
            raise missed(range_key.name)
    for _, op, _ in legacy.conds:
        if op not in _KEY_OPERATORS:
            raise ExpressionError("Attempted conditional constraint is not an indexable operation")
    return resolve_key([(n, _KEY_OPERATORS[op], v) for n, op, v in legacy.conds], schema)
