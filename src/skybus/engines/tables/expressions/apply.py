"""Applying a parsed update to an item.

Every SET value is computed from the item as it was before the update (``SET a = :v, b = a``
copies the old ``a``); the actions then apply together. Because the parser refuses
overlapping and conflicting paths, the actions form a tree that is applied in one walk:
``SET list[i]`` past the end appends (several such, in index order), list indexes in REMOVE
refer to the list as it was, REMOVE of a missing leaf does nothing, and a path whose parent is
missing or of the wrong type is refused (except REMOVE on an item that did not exist).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from skybus.engines.tables import numbers, values
from skybus.engines.tables.expressions.documents import resolve
from skybus.engines.tables.expressions.errors import INVALID, ExpressionError
from skybus.engines.tables.expressions.nodes import (
    Arith,
    Call,
    Literal,
    Operand,
    Path,
    UpdateExpr,
)
from skybus.engines.tables.values import AttributeValue, InvalidValue, Item

INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
INCORRECT_TYPE = values.INCORRECT_DATA_TYPE
LEGACY_TYPE_MISMATCH = "Type mismatch for attribute to update"

_REMOVE = object()


@dataclass(frozen=True, slots=True)
class UpdateOutcome:
    """The updated item and the paths the update touched: ReturnValues UPDATED_OLD is
    ``project(paths, old item)`` and UPDATED_NEW ``project(paths, item)``."""

    item: Item
    paths: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class _Leaf:
    verb: str
    value: AttributeValue | None


def check_key_updates(update: UpdateExpr, key_names: Collection[str]) -> None:
    """Key attributes may not be updated, not even inside (``SET pk.x``)."""
    for action in update.actions:
        name = action.path.top
        if name in key_names:
            raise ExpressionError(
                f"{INVALID}Cannot update attribute {name}. This attribute is part of the key"
            )


def apply_update(
    update: UpdateExpr,
    item: Item | None,
    key_names: Collection[str],
    key: Item | None = None,
) -> UpdateOutcome:
    """Apply ``update`` to ``item`` (None when the item does not exist; it then starts from
    ``key``). The input is not modified; the result shares unchanged values with it."""
    check_key_updates(update, key_names)
    old: Item = item if item is not None else dict(key or {})
    root: dict[Any, Any] = {}
    for action in update.actions:
        value: AttributeValue | None
        if action.verb == "SET":
            assert action.value is not None
            value = values.copy_value(_evaluate(action.value, old))
        elif isinstance(action.value, Literal):
            value = action.value.value
        else:
            value = None
        node = root
        elements = action.path.elements
        for element in elements[:-1]:
            node = node.setdefault(element, {})
        node[elements[-1]] = _Leaf(action.verb, value)
    new = dict(old)
    _apply_members(new, root, lenient=item is None, legacy=update.legacy)
    return UpdateOutcome(new, update.paths)


def _evaluate(operand: Operand, item: Item) -> AttributeValue:
    if isinstance(operand, Literal):
        assert operand.value is not None
        return operand.value
    if isinstance(operand, Path):
        found = resolve(item, operand)
        if found is None:
            raise ExpressionError(MISSING_ATTRIBUTE)
        return found
    if isinstance(operand, Arith):
        left = _evaluate(operand.left, item)
        right = _evaluate(operand.right, item)
        if "N" not in left or "N" not in right:
            raise ExpressionError(INCORRECT_TYPE)
        try:
            if operand.op == "+":
                return {"N": numbers.add(left["N"], right["N"])}
            return {"N": numbers.subtract(left["N"], right["N"])}
        except numbers.NumberError as exc:
            raise ExpressionError(str(exc)) from None
    assert isinstance(operand, Call)
    if operand.name == "if_not_exists":
        target = operand.args[0]
        assert isinstance(target, Path)
        found = resolve(item, target)
        return found if found is not None else _evaluate(operand.args[1], item)
    first = _evaluate(operand.args[0], item)
    second = _evaluate(operand.args[1], item)
    if "L" not in first or "L" not in second:
        raise ExpressionError(INCORRECT_TYPE)
    return {"L": [*first["L"], *second["L"]]}


def _apply_members(
    members: dict[str, AttributeValue], node: dict[Any, Any], *, lenient: bool, legacy: bool
) -> None:
    for name, child in node.items():
        current = members.get(name)
        if isinstance(child, _Leaf):
            result = _apply_leaf(child, current, legacy)
            if result is _REMOVE:
                members.pop(name, None)
            else:
                members[name] = result
        elif current is None:
            if lenient and _only_removes(child):
                continue
            raise ExpressionError(INVALID_PATH)
        else:
            members[name] = _apply_nested(current, child, legacy)


def _apply_nested(value: AttributeValue, node: dict[Any, Any], legacy: bool) -> AttributeValue:
    if all(isinstance(key, str) for key in node):
        if "M" not in value:
            raise ExpressionError(INVALID_PATH)
        members = dict(value["M"])
        _apply_members(members, node, lenient=False, legacy=legacy)
        return {"M": members}
    if "L" not in value:
        raise ExpressionError(INVALID_PATH)
    elements: list[AttributeValue] = value["L"]
    slots: list[Any] = list(elements)
    appended: list[tuple[int, AttributeValue]] = []
    for index, child in node.items():
        if isinstance(child, _Leaf):
            if index < len(elements):
                slots[index] = _apply_leaf(child, elements[index], legacy)
            elif child.verb in ("SET", "ADD"):
                added = _apply_leaf(child, None, legacy)
                assert added is not _REMOVE
                appended.append((index, added))
        elif index < len(elements):
            slots[index] = _apply_nested(elements[index], child, legacy)
        else:
            raise ExpressionError(INVALID_PATH)
    kept = [slot for slot in slots if slot is not _REMOVE]
    kept.extend(added for _, added in sorted(appended, key=lambda pair: pair[0]))
    return {"L": kept}


def _apply_leaf(leaf: _Leaf, current: AttributeValue | None, legacy: bool) -> Any:
    if leaf.verb == "REMOVE":
        return _REMOVE
    operand = leaf.value
    assert operand is not None
    if leaf.verb == "SET":
        return operand
    kind = values.type_of(operand)
    if current is not None and kind not in current:
        raise ExpressionError(LEGACY_TYPE_MISMATCH if legacy else INCORRECT_TYPE)
    try:
        if leaf.verb == "ADD":
            if kind == "L":
                return {"L": [*(current or {"L": []})["L"], *operand["L"]]}
            return values.add_values(current, operand)
        result = values.delete_values(current, operand)
    except InvalidValue as exc:
        raise ExpressionError(str(exc)) from None
    return _REMOVE if result is None else result


def _only_removes(node: dict[Any, Any]) -> bool:
    for child in node.values():
        if isinstance(child, _Leaf):
            if child.verb != "REMOVE":
                return False
        elif not _only_removes(child):
            return False
    return True
