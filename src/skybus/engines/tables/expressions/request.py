"""Everything about a request's expressions that can be checked before the table is looked
up, in AWS's order: legacy and expression parameters not mixed, ExpressionAttributeNames and
ExpressionAttributeValues well formed and only given with expressions, each expression
present and under 4 KB, each expression parsed, and every name and value used by some
expression of the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skybus import limits
from skybus.engines.tables import values
from skybus.engines.tables.expressions import errors, legacy, parse
from skybus.engines.tables.expressions.errors import ExpressionError, Kind, Problem
from skybus.engines.tables.expressions.legacy import LegacyKeyConditions
from skybus.engines.tables.expressions.lexer import check_source
from skybus.engines.tables.expressions.nodes import (
    ConditionExpr,
    KeyConditionExpr,
    ProjectionExpr,
    UpdateExpr,
)
from skybus.engines.tables.values import InvalidValue

_CONDITION: tuple[Kind, ...] = ("ConditionExpression",)
#: Per operation: its legacy parameters, its expressions (in the order AWS checks them), and
#: the expressions that can use ExpressionAttributeValues.
_PARAMETERS: dict[str, tuple[tuple[str, ...], tuple[Kind, ...], tuple[Kind, ...]]] = {
    "PutItem": (("Expected", "ConditionalOperator"), _CONDITION, _CONDITION),
    "DeleteItem": (("Expected", "ConditionalOperator"), _CONDITION, _CONDITION),
    "UpdateItem": (
        ("AttributeUpdates", "Expected", "ConditionalOperator"),
        ("UpdateExpression", "ConditionExpression"),
        ("UpdateExpression", "ConditionExpression"),
    ),
    "ConditionCheck": ((), ("ConditionExpression",), ("ConditionExpression",)),
    "GetItem": (("AttributesToGet",), ("ProjectionExpression",), ()),
    "Scan": (
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
        ("ProjectionExpression", "FilterExpression"),
        ("FilterExpression",),
    ),
    "Query": (
        ("AttributesToGet", "QueryFilter", "ConditionalOperator"),
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("FilterExpression", "KeyConditionExpression"),
    ),
}  # fmt: skip
#: The order expressions are checked and parsed in, per operation.
_ORDER: dict[str, tuple[Kind, ...]] = {
    "UpdateItem": ("UpdateExpression", "ConditionExpression"),
    "Query": ("KeyConditionExpression", "FilterExpression", "ProjectionExpression"),
    "Scan": ("FilterExpression", "ProjectionExpression"),
}
_PLACEHOLDER = {"#": re.compile(r"#[A-Za-z0-9_]+"), ":": re.compile(r":[A-Za-z0-9_]+")}


@dataclass(frozen=True, slots=True)
class Compiled:
    """A request's expressions (or converted legacy parameters), parsed and checked."""

    condition: ConditionExpr | None = None
    update: UpdateExpr | None = None
    filter: ConditionExpr | None = None
    key_condition: KeyConditionExpr | LegacyKeyConditions | None = None
    projection: ProjectionExpr | None = None


def compile_request(
    operation: str, params: Mapping[str, Any], *, transact: bool = False
) -> Compiled:
    """Check and parse the expression parameters of one PutItem, DeleteItem, UpdateItem,
    GetItem, Query, Scan or ConditionCheck request (BatchGetItem and TransactGetItems
    entries are "GetItem"; ``transact=True`` for the parts of TransactWriteItems and
    TransactGetItems, which accept names and values no expression uses only when no
    expression is given)."""
    legacy_names, kinds, value_kinds = _PARAMETERS[operation]

    def given(name: str) -> bool:
        return params.get(name) is not None

    old = [name for name in legacy_names if given(name)]
    new = [kind for kind in kinds if given(kind)]
    if operation == "Query" and given("KeyConditions") and given("KeyConditionExpression"):
        old.append("KeyConditions")
    if old and new:
        raise ExpressionError(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(old)}}} "
            f"Expression parameters: {{{', '.join(new)}}}"
        )
    names = params.get("ExpressionAttributeNames")
    values_map = params.get("ExpressionAttributeValues")
    if not new and names is not None and not transact:
        raise ExpressionError(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    if not any(given(kind) for kind in value_kinds) and values_map is not None and not transact:
        nulls = " and ".join(value_kinds)
        verb = "is" if len(value_kinds) == 1 else "are"
        raise ExpressionError(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{nulls} {verb} null"
        )
    if names is not None:
        check_names(names)
    if values_map is not None:
        values_map = check_values(values_map)
    if new:
        return _compile_expressions(operation, params, names, values_map, transact)
    return _compile_legacy(operation, params)


def check_names(names: Mapping[str, str]) -> None:
    if not names:
        raise ExpressionError("ExpressionAttributeNames must not be empty")
    for key, name in names.items():
        _check_key("ExpressionAttributeNames", key, "#")
        if name == "":
            raise ExpressionError(
                "ExpressionAttributeNames contains invalid value: "
                f"Empty attribute name for key {key}"
            )


def check_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ExpressionAttributeValues; returns them with numbers in canonical form."""
    if not given:
        raise ExpressionError("ExpressionAttributeValues must not be empty")
    out: dict[str, Any] = {}
    for key, value in given.items():
        _check_key("ExpressionAttributeValues", key, ":")
        try:
            out[key] = values.check_value(value, path=key)
        except InvalidValue as exc:
            raise ExpressionError(
                f"ExpressionAttributeValues contains invalid value: {exc} for key {key}"
            ) from None
    return out


def _check_key(parameter: str, key: str, mark: str) -> None:
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > limits.DDB_MAX_PLACEHOLDER_BYTES:
        suffix = f" size of key: {size}" if mark == "#" else ""
        raise ExpressionError(
            f"{parameter} contains invalid key: The expression attribute map contains a key "
            f"that is too long;{suffix}"
        )
    if not _PLACEHOLDER[mark].fullmatch(key):
        raise ExpressionError(f'{parameter} contains invalid key: Syntax error; key: "{key}"')


def check_unused(
    names: Mapping[str, str] | None,
    values_map: Mapping[str, Any] | None,
    *parsed: ConditionExpr | UpdateExpr | ProjectionExpr | KeyConditionExpr | None,
) -> None:
    """Every name and value of the request must be used by one of its expressions."""
    used_names: set[str] = set()
    used_values: set[str] = set()
    for expr in parsed:
        if expr is None:
            continue
        used_names |= expr.names_used
        if not isinstance(expr, ProjectionExpr):
            used_values |= expr.values_used
    for parameter, supplied, used in (
        ("ExpressionAttributeNames", names, used_names),
        ("ExpressionAttributeValues", values_map, used_values),
    ):
        unused = [key for key in supplied or () if key not in used]
        if unused:
            raise ExpressionError(
                f"Value provided in {parameter} unused in expressions: "
                f"keys: {{{', '.join(unused)}}}"
            )


def _compile_expressions(
    operation: str,
    params: Mapping[str, Any],
    names: Mapping[str, str] | None,
    values_map: Mapping[str, Any] | None,
    transact: bool,
) -> Compiled:
    order = _ORDER.get(operation, _PARAMETERS[operation][1])
    present = [kind for kind in order if params.get(kind) is not None]
    for kind in present:
        try:
            check_source(params[kind], kind)
        except Problem as problem:
            raise errors.prefixed(kind, problem.text) from None
    found: dict[str, Any] = {}
    for kind in present:
        source = params[kind]
        if kind == "UpdateExpression":
            found[kind] = parse.parse_update(source, names, values_map)
        elif kind == "ProjectionExpression":
            found[kind] = parse.parse_projection(source, names)
        elif kind == "KeyConditionExpression":
            found[kind] = parse.parse_key_condition(source, names, values_map)
        else:
            found[kind] = parse.parse_condition(source, names, values_map, kind)
    check_unused(names, values_map, *found.values())
    return Compiled(
        condition=found.get("ConditionExpression"),
        update=found.get("UpdateExpression"),
        filter=found.get("FilterExpression"),
        key_condition=found.get("KeyConditionExpression"),
        projection=found.get("ProjectionExpression"),
    )


def _compile_legacy(operation: str, params: Mapping[str, Any]) -> Compiled:
    operator = params.get("ConditionalOperator")
    condition = update = filtered = projection = None
    key: LegacyKeyConditions | None = None
    if params.get("AttributesToGet") is not None:
        projection = legacy.attributes_to_get(params["AttributesToGet"])
    if params.get("KeyConditions") is not None:
        key = legacy.key_conditions(params["KeyConditions"])
    for name in ("QueryFilter", "ScanFilter"):
        if params.get(name) is not None:
            filtered = legacy.filter_conditions(params[name], operator)
    if params.get("Expected") is not None:
        condition = legacy.expected(params["Expected"], operator)
    if params.get("AttributeUpdates") is not None:
        update = legacy.attribute_updates(params["AttributeUpdates"])
    return Compiled(condition, update, filtered, key, projection)
