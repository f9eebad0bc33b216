"""DynamoDB's expression languages: parsed once into a small immutable AST, then evaluated.

Use from the engine, per request:

``compile_request(operation, params, transact=False) -> Compiled``
    Every check AWS makes before looking the table up, in its order: legacy and expression
    parameters not mixed; ExpressionAttributeNames/Values well formed and only given with
    expressions; each expression non-empty and <= 4 KB; each parsed (syntax, redundant
    parentheses, <= 300 operators, functions, reserved words, placeholders, operand types,
    overlapping paths); every name and value used. ``operation`` is "PutItem",
    "DeleteItem", "UpdateItem", "GetItem" (also for BatchGetItem / TransactGetItems
    entries), "Query", "Scan" or "ConditionCheck". Legacy parameters (Expected,
    AttributeUpdates, AttributesToGet, QueryFilter, ScanFilter, KeyConditions) come back
    converted to the same trees. ``Compiled`` has ``condition``, ``update``, ``filter``,
    ``key_condition`` and ``projection`` (None when absent).

The parsed forms (frozen dataclasses, safe to cache and share): :class:`ConditionExpr`,
:class:`UpdateExpr`, :class:`ProjectionExpr`, :class:`KeyConditionExpr`; the ``parse_*``
functions build them from one expression string and the names/values maps.

After the table is known:

``key_condition(kc, key_schema) -> KeyCondition``
    ``kc`` is ``Compiled.key_condition`` (expression or legacy); ``key_schema`` the index's
    key attributes (objects with ``name`` and ``type``), hash first. The result gives the
    partition value and the sort-key operator (= < <= > >= BETWEEN begins_with, key on the
    left) and operands, with AWS's errors ("Query condition missed key schema element: pk",
    "Query key condition not supported", ...).
``check_filter_keys(filter, key_names)``
    Query's rule that a FilterExpression may not name primary key attributes.
``evaluate_condition(condition, item) -> bool``
    ``item`` is None or {} for a missing item; raise :class:`ConditionFailed` yourself
    (or call ``require(condition, item)``) when it is false.
``apply_update(update, item, key_names, key=None) -> UpdateOutcome``
    ``item`` is None when the item does not exist (it then starts from ``key``).
    ``outcome.item`` is the new item; ``outcome.paths`` the touched paths, so ReturnValues
    UPDATED_OLD is ``project(outcome.paths, old)`` and UPDATED_NEW
    ``project(outcome.paths, outcome.item)``.
``project(paths, item) -> item``
    ProjectionExpression semantics (``projection.paths``), nesting kept.

Every refusal is an :class:`ExpressionError` (a ValueError) whose ``str()`` is AWS's
ValidationException message.
"""

from __future__ import annotations

from collections.abc import Sequence

from skybus.engines.tables.expressions.apply import UpdateOutcome, apply_update, check_key_updates
from skybus.engines.tables.expressions.documents import project, resolve
from skybus.engines.tables.expressions.errors import ConditionFailed, ExpressionError
from skybus.engines.tables.expressions.evaluate import evaluate_condition
from skybus.engines.tables.expressions.keyconditions import KeyAttribute, KeyCondition
from skybus.engines.tables.expressions.keyconditions import key_condition as _key_condition
from skybus.engines.tables.expressions.legacy import LegacyKeyConditions, legacy_key_condition
from skybus.engines.tables.expressions.nodes import (
    ConditionExpr,
    KeyConditionExpr,
    Path,
    ProjectionExpr,
    UpdateExpr,
)
from skybus.engines.tables.expressions.parse import (
    parse_condition,
    parse_filter,
    parse_key_condition,
    parse_projection,
    parse_update,
)
from skybus.engines.tables.expressions.request import Compiled, check_unused, compile_request
from skybus.engines.tables.expressions.reserved import RESERVED_WORDS
from skybus.engines.tables.expressions.scan import check_filter_keys
from skybus.engines.tables.values import Item


def key_condition(
    kc: KeyConditionExpr | LegacyKeyConditions, key_schema: Sequence[KeyAttribute]
) -> KeyCondition:
    if isinstance(kc, LegacyKeyConditions):
        return legacy_key_condition(kc, key_schema)
    return _key_condition(kc, key_schema)


def require(condition: ConditionExpr | None, item: Item | None) -> None:
    """Raise :class:`ConditionFailed` unless the condition holds for the item."""
    if not evaluate_condition(condition, item):
        raise ConditionFailed


__all__ = [
    "RESERVED_WORDS",
    "Compiled",
    "ConditionExpr",
    "ConditionFailed",
    "ExpressionError",
    "KeyAttribute",
    "KeyCondition",
    "KeyConditionExpr",
    "LegacyKeyConditions",
    "Path",
    "ProjectionExpr",
    "UpdateExpr",
    "UpdateOutcome",
    "apply_update",
    "check_filter_keys",
    "check_key_updates",
    "check_unused",
    "compile_request",
    "evaluate_condition",
    "key_condition",
    "parse_condition",
    "parse_filter",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
    "project",
    "require",
    "resolve",
]
