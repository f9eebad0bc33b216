"""Reading document paths out of items, and ProjectionExpression's projection, which keeps
each selected value at its place: ``a.b[1]`` gives ``{a: {b: [element]}}``, and list elements
picked from one list are kept in index order, compacted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from skybus.engines.tables import values
from skybus.engines.tables.expressions.nodes import Path
from skybus.engines.tables.values import AttributeValue, Item

_LEAF = object()


def resolve(item: Item, path: Path) -> AttributeValue | None:
    """The value at ``path`` in ``item``, or None when the path leads nowhere."""
    elements = path.elements
    value: AttributeValue | None = item.get(elements[0]) if isinstance(elements[0], str) else None
    for element in elements[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            items = value.get("L")
            value = items[element] if items is not None and element < len(items) else None
        else:
            members = value.get("M")
            value = members.get(element) if members is not None else None
    return value


def project(paths: Iterable[Path], item: Item) -> Item:
    """The parts of ``item`` the paths select, nested as in the item (paths that lead nowhere
    select nothing). The paths must not overlap (the parsers refuse that)."""
    tree: dict[Any, Any] = {}
    for path in paths:
        node = tree
        elements = path.elements
        for element in elements[:-1]:
            child = node.get(element)
            if child is None or child is _LEAF:
                child = node[element] = {}
            node = child
        node[elements[-1]] = _LEAF
    out: Item = {}
    for name, child in tree.items():
        if isinstance(name, str) and name in item:
            picked = _pick(item[name], child)
            if picked is not None:
                out[name] = picked
    return out


def _pick(value: AttributeValue, node: Any) -> AttributeValue | None:
    if node is _LEAF:
        return values.copy_value(value)
    if "M" in value:
        members = value["M"]
        out: dict[str, AttributeValue] = {}
        for key, child in node.items():
            if isinstance(key, str) and key in members:
                picked = _pick(members[key], child)
                if picked is not None:
                    out[key] = picked
        return {"M": out} if out else None
    if "L" in value:
        elements = value["L"]
        kept: list[AttributeValue] = []
        for index in sorted(k for k in node if isinstance(k, int)):
            if index < len(elements):
                picked = _pick(elements[index], node[index])
                if picked is not None:
                    kept.append(picked)
        return {"L": kept} if kept else None
    return None
