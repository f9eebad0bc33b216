"""Checks a parsed request against its operation's input shape, as AWS's front end does.

Every request is validated, so each input shape is compiled once into a tree of small checker
objects that know exactly what to test (required members, enums, lengths, ranges, patterns, value
types); the walk over a request then does little beyond ``isinstance`` and comparisons. Violations
are worded and located as AWS words and locates them (see :mod:`skybus.wire.violations`).

Patterns in botocore's models are Java regular expressions; they are translated to Python's
``re`` once (``\\p{L}``-style classes, surrogate pairs, ``-`` after a class escape) and matched
whole, as Java's ``String.matches`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from skybus.wire.javaregex import compile_pattern, translate
from skybus.wire.violations import (
    ELEMENT_PREFIX,
    NOT_NULL,
    Violation,
    inner,
    java_double,
    quoted,
    render,
    validation_error,
)

__all__ = ["Violation", "compile_pattern", "translate", "validate", "validation_error"]


def validate(shape: Shape | None, params: dict[str, Any]) -> list[Violation]:
    """Every violation of ``shape``'s constraints by ``params`` (empty when it is valid)."""
    if shape is None:
        return []
    entry = _COMPILED.get(id(shape))
    if entry is None or entry[0] is not shape:
        entry = (shape, _Compiler().node(shape))
        _COMPILED[id(shape)] = entry
    out: list[Violation] = []
    entry[1].check(params, "", out)
    return out


# Enums the model lists but the service checks itself, with its own error: SQS attribute names
# (ReceiveMessage accepts names such as ApproximateReceiveCount that the enum lacks, and unknown
# names are InvalidAttributeName "Unknown Attribute X.").
UNCHECKED_ENUMS = frozenset({"QueueAttributeName", "MessageSystemAttributeName"})

# Shapes whose values AWS leaves out of its messages although botocore does not mark them
# sensitive: DynamoDB's item data ("Value at 'requestItems.t.member.keys' ...").
HIDDEN_SHAPES = frozenset({"AttributeValue"})

# Input shapes compiled so far, keyed by identity (the shape is kept so its id stays unique).
_COMPILED: dict[int, tuple[Shape, _Node]] = {}


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Node:
    """Checks one value of one shape; ``path`` is where the value sits."""

    sensitive = False

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        raise NotImplementedError

    def show(self, value: Any) -> str | None:
        return render(value)

    def shown(self, value: Any) -> str:
        return "" if self.sensitive else quoted(self.show(value))


class _Anything(_Node):
    """Documents and streams: free-form, nothing to check."""

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        return None


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "blob": (bytes, bytearray, memoryview),
    "timestamp": (dt.datetime,),
}


class _Scalar(_Node):
    """A string, number, boolean, blob or timestamp, with the model's limits on it."""

    def __init__(self, shape: Shape) -> None:
        kind = shape.type_name
        meta = shape.metadata
        self.types = _TYPES[kind]
        self.not_bool = kind not in ("boolean", "string", "blob", "timestamp")
        self.sensitive = bool(meta.get("sensitive"))
        self.type_text = f"Member must be of type {kind}"
        # (bound, AWS's wording) for each limit the model sets; None where it sets none.
        self.min_len = self.max_len = self.min_value = self.max_value = None
        self.pattern: re.Pattern[str] | None = None
        self.enum: frozenset[str] | None = None
        if kind in ("string", "blob"):
            self.min_len = _limit(meta, "min", "length greater than or equal to", str)
            self.max_len = _limit(meta, "max", "length less than or equal to", str)
        elif kind in ("integer", "long"):
            self.min_value = _limit(meta, "min", "value greater than or equal to", _integer)
            self.max_value = _limit(meta, "max", "value less than or equal to", _integer)
        elif kind in ("float", "double"):
            self.min_value = _limit(meta, "min", "value greater than or equal to", _double)
            self.max_value = _limit(meta, "max", "value less than or equal to", _double)
        self.pattern_text = self.enum_text = ""
        if kind == "string" and meta.get("pattern"):
            self.pattern = compile_pattern(meta["pattern"])
            self.pattern_text = f"Member must satisfy regular expression pattern: {meta['pattern']}"
        if kind == "string" and meta.get("enum") and shape.name not in UNCHECKED_ENUMS:
            self.enum = frozenset(meta["enum"])
            self.enum_text = f"Member must satisfy enum value set: [{', '.join(meta['enum'])}]"
        # Every rule, in the order AWS lists them for a list element: max, min, pattern, enum.
        described = [
            limit[1]
            for limit in (self.max_len, self.min_len, self.max_value, self.min_value)
            if limit
        ]
        described += [text for text in (self.pattern_text, self.enum_text) if text]
        if self.pattern is None and self.pattern_text:
            described.remove(self.pattern_text)
        self.described = tuple(described)
        self.constrained = bool(described)

    def type_ok(self, value: Any) -> bool:
        return isinstance(value, self.types) and not (self.not_bool and isinstance(value, bool))

    def failures(self, value: Any) -> list[str]:
        """The rules a value of the right type breaks, in the order AWS reports them."""
        failed: list[str] = []
        if self.min_len is not None and len(value) < self.min_len[0]:
            failed.append(self.min_len[1])
        if self.max_len is not None and len(value) > self.max_len[0]:
            failed.append(self.max_len[1])
        if self.min_value is not None and value < self.min_value[0]:
            failed.append(self.min_value[1])
        if self.max_value is not None and value > self.max_value[0]:
            failed.append(self.max_value[1])
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            failed.append(self.pattern_text)
        if self.enum is not None and value not in self.enum:
            failed.append(self.enum_text)
        return failed

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        if not self.type_ok(value):
            out.append(Violation(path, value, self.type_text, self.shown(value)))
            return
        if self.constrained:
            for text in self.failures(value):
                out.append(Violation(path, value, text, self.shown(value)))


def _limit(
    meta: dict[str, Any], key: str, wording: str, show: Callable[[Any], str]
) -> tuple[float, str] | None:
    bound = meta.get(key)
    if bound is None:
        return None
    return (bound, f"Member must have {wording} {show(bound)}")


def _integer(bound: Any) -> str:
    return str(int(bound))


def _double(bound: Any) -> str:
    return java_double(float(bound))


class _Structure(_Node):
    def __init__(self, shape: Shape) -> None:
        self.name = shape.name
        self.sensitive = bool(shape.metadata.get("sensitive")) or shape.name in HIDDEN_SHAPES
        self.required: tuple[str, ...] = tuple(shape.required_members)
        # (wire name, AWS path name, checker), filled in after construction (shapes recurse).
        self.members: tuple[tuple[str, str, _Node], ...] = ()

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        if not isinstance(value, dict):
            out.append(
                Violation(path, value, "Member must be of type structure", self.shown(value))
            )
            return
        get = value.get
        for name in self.required:
            if get(name) is None:
                out.append(Violation(_join(path, _lower_first(name)), None, NOT_NULL, "null"))
        for name, lowered, node in self.members:
            item = get(name)
            if item is None:
                continue
            if type(node) is _Scalar and not node.constrained and node.type_ok(item):
                continue
            node.check(item, f"{path}.{lowered}" if path else lowered, out)

    def show(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return render(value)
        parts = [
            f"{lowered}={inner(node.show(value[name]))}"
            for name, lowered, node in self.members
            if value.get(name) is not None
        ]
        return f"{self.name}({', '.join(parts)})"


class _Collection(_Node):
    """A list or map: its own length limits, then its elements."""

    def __init__(self, shape: Shape) -> None:
        self.sensitive = bool(shape.metadata.get("sensitive"))
        self.min_len = shape.metadata.get("min")
        self.max_len = shape.metadata.get("max")

    def check_length(self, value: Any, path: str, out: list[Violation]) -> None:
        size = len(value)
        if self.min_len is not None and size < self.min_len:
            text = f"Member must have length greater than or equal to {self.min_len}"
            out.append(Violation(path, value, text, self.shown(value)))
        if self.max_len is not None and size > self.max_len:
            text = f"Member must have length less than or equal to {self.max_len}"
            out.append(Violation(path, value, text, self.shown(value)))


def _element_rule(prefix: str, node: _Scalar) -> str:
    return f"{prefix}{', '.join(node.described)}]"


class _List(_Collection):
    member: _Node

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        if not isinstance(value, list):
            out.append(Violation(path, value, "Member must be of type list", self.shown(value)))
            return
        self.check_length(value, path, out)
        member = self.member
        if isinstance(member, _Scalar):
            # AWS reports constrained scalar elements once, at the list, with all their rules.
            reported = False
            for index, item in enumerate(value):
                if not member.type_ok(item):
                    where = f"{path}.{index + 1}.member"
                    out.append(Violation(where, item, member.type_text, member.shown(item)))
                elif member.constrained and not reported and member.failures(item):
                    rule = _element_rule(ELEMENT_PREFIX, member)
                    out.append(Violation(path, value, rule, self.shown(value)))
                    reported = True
            return
        if isinstance(member, _Anything):
            return
        for index, item in enumerate(value):
            if item is not None:
                member.check(item, f"{path}.{index + 1}.member", out)

    def show(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return render(value)
        return "[" + ", ".join(inner(self.member.show(item)) for item in value) + "]"


class _Map(_Collection):
    key: _Node
    value: _Node

    def check(self, value: Any, path: str, out: list[Violation]) -> None:
        if not isinstance(value, dict):
            out.append(Violation(path, value, "Member must be of type map", self.shown(value)))
            return
        self.check_length(value, path, out)
        key_node, value_node = self.key, self.value
        if (
            isinstance(key_node, _Scalar)
            and key_node.constrained
            and any(not isinstance(k, str) or key_node.failures(k) for k in value)
        ):
            rule = _element_rule("Map keys must satisfy constraint: [", key_node)
            out.append(Violation(path, value, rule, self.shown(value)))
        if isinstance(value_node, _Scalar):
            reported = False
            for key, item in value.items():
                if item is None:
                    continue
                if not value_node.type_ok(item):
                    where = f"{path}.{key}.member"
                    out.append(Violation(where, item, value_node.type_text, value_node.shown(item)))
                elif value_node.constrained and not reported and value_node.failures(item):
                    rule = _element_rule("Map value must satisfy constraint: [", value_node)
                    out.append(Violation(path, value, rule, self.shown(value)))
                    reported = True
            return
        if isinstance(value_node, _Anything):
            return
        for key, item in value.items():
            if item is not None:
                value_node.check(item, f"{path}.{key}.member", out)

    def show(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return render(value)
        parts = (f"{key}={inner(self.value.show(item))}" for key, item in value.items())
        return "{" + ", ".join(parts) + "}"


class _Compiler:
    """Turns one input shape into checkers; shapes met twice (recursion) share one checker."""

    def __init__(self) -> None:
        self.seen: dict[str, _Node] = {}

    def node(self, shape: Shape) -> _Node:
        known = self.seen.get(shape.name)
        if known is not None:
            return known
        kind = shape.type_name
        meta = shape.metadata
        if meta.get("document") or meta.get("streaming") or shape.serialization.get("streaming"):
            return _Anything()
        if kind == "structure":
            structure = _Structure(shape)
            self.seen[shape.name] = structure
            structure.members = tuple(
                (name, _lower_first(name), self.node(member))
                for name, member in shape.members.items()
                if not (
                    member.serialization.get("eventstream") or member.metadata.get("eventstream")
                )
            )
            return structure
        if kind == "list":
            listing = _List(shape)
            self.seen[shape.name] = listing
            listing.member = self.node(shape.member)
            listing.sensitive = listing.sensitive or listing.member.sensitive
            return listing
        if kind == "map":
            mapping = _Map(shape)
            self.seen[shape.name] = mapping
            mapping.key = self.node(shape.key)
            mapping.value = self.node(shape.value)
            mapping.sensitive = mapping.sensitive or mapping.value.sensitive
            return mapping
        if kind in _TYPES:
            scalar = _Scalar(shape)
            self.seen[shape.name] = scalar
            return scalar
        return _Anything()
