"""What a message offers a filter policy: attribute values, or the leaves of its JSON body.

Attributes (MessageAttributes scope): `String` (and `String.<custom>`) values are strings,
`Number` values numbers, `String.Array` values each element of the JSON array; `Binary` is
ignored, as if absent. AWS documents that attribute-based filtering needs `"` and `\\` double
escaped in the policy to match a String attribute, i.e. it compares the JSON-escaped form of a
String value; that is reproduced here.

Body (MessageBody scope): the body must be a JSON object. Its leaves (strings, numbers, true,
false, null) are found by their dotted path, so a policy key `a.b` and a nested `{"a": {"b":
...}}` reach the same leaves, as do `{"a.b": ...}` bodies (AWS-recorded). Elements of arrays are
leaves of the array's path; each leaf carries the trail of array positions it sits at, so that
matches for several keys can be required to come from the same array element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import orjson

from skybus.engines.topics.filters.numbers import parse_number
from skybus.engines.topics.filters.patterns import Value

Trail = tuple[tuple[int, int], ...]
"""(array number, index) for each array a leaf sits in, outermost first."""
Leaves = dict[str, list[tuple[Value, Trail]]]

_LONG_DIGITS = re.compile(r"\d{20}")


def _escaped(text: str) -> str:
    if '"' not in text and "\\" not in text:
        return text
    return text.replace("\\", "\\\\").replace('"', '\\"')


def attribute_values(attribute: object) -> tuple[tuple[Value, ...], bool] | None:
    """(values, is String.Array) of one message attribute, or None if filters ignore it."""
    if not isinstance(attribute, dict):
        return None
    data_type = attribute.get("DataType")
    text = attribute.get("StringValue")
    if type(text) is not str or type(data_type) is not str:
        return None
    if data_type == "String" or (data_type.startswith("String.") and data_type != "String.Array"):
        return (_escaped(text),), False
    if data_type == "Number" or data_type.startswith("Number."):
        number = parse_number(text)
        return ((number,), False) if number is not None else None
    if data_type == "String.Array":
        elements = parse_json(text)
        if not isinstance(elements, list):
            return None
        values = tuple(element for element in elements if not isinstance(element, dict | list))
        return (values, True) if values else None
    return None


def parse_json(text: str) -> object:
    """The JSON value of `text`, or None when it is not JSON (NaN and Infinity are not)."""
    # orjson reads integers beyond 64 bits as floats; such bodies take the exact parser.
    if _LONG_DIGITS.search(text) is None:
        try:
            return orjson.loads(text)
        except ValueError:  # orjson.JSONDecodeError, also for text that is not valid UTF-8
            return None
    try:
        return json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None


def _refuse(name: str) -> object:
    raise ValueError(name)


def body_leaves(
    document: dict[str, object], prefixes: frozenset[str], wanted: Iterable[str]
) -> Leaves:
    """The leaves of `document` under the dotted paths in `wanted`.

    `prefixes` holds every dotted prefix of a wanted path (and the paths themselves); anything
    else is skipped unread. Iterative, so deep arrays cannot exhaust the stack.
    """
    wanted_set = frozenset(wanted)
    leaves: Leaves = {}
    arrays = 0
    stack: list[tuple[object, str, Trail]] = []
    for name, value in document.items():
        if name in prefixes:
            stack.append((value, name, ()))
    while stack:
        node, path, trail = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                child = f"{path}.{name}"
                if child in prefixes:
                    stack.append((value, child, trail))
        elif isinstance(node, list):
            arrays += 1
            for index, element in enumerate(node):
                stack.append((element, path, (*trail, (arrays, index))))
        elif path in wanted_set and (node is None or isinstance(node, str | int | float)):
            leaves.setdefault(path, []).append((node, trail))
    return leaves
