"""Each request's expressions, parsed once per distinct text.

Parsing resolves ExpressionAttributeNames and ExpressionAttributeValues into the tree, so a
parse is keyed by everything it reads: the operation, the expressions, the names and values
and the legacy parameters that convert to trees. Hot paths send the same text again and again
(a counter's ``ADD n :one``, an app's one query shape, the legacy word-counter update), and the
cache turns their parse into a dictionary lookup. Parsed forms are immutable and never
modified by evaluation, so they are shared between requests.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from typing import Any

import orjson

from skybus.engines.tables.errors import validation
from skybus.engines.tables.expressions import Compiled, ExpressionError, compile_request

#: Distinct request shapes kept.
CAPACITY = 2048

# Request members the expression compiler reads.
_MEMBERS = (
    "ConditionExpression",
    "UpdateExpression",
    "FilterExpression",
    "KeyConditionExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "Expected",
    "ConditionalOperator",
    "AttributeUpdates",
    "AttributesToGet",
    "QueryFilter",
    "ScanFilter",
    "KeyConditions",
)


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        # Tagged so that a blob never collides with a string of the same text.
        return {"\0b": base64.b64encode(value).decode("ascii")}
    raise TypeError(type(value).__name__)


class CompiledCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[bytes, Compiled] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def compile(
        self, operation: str, params: dict[str, Any], *, transact: bool = False
    ) -> Compiled:
        """The request's parsed expressions; ValidationException with AWS's message when they
        are refused (refusals are not cached: they are rare and cheap to find again)."""
        relevant = {m: params[m] for m in _MEMBERS if params.get(m) is not None}
        if not relevant:
            return _EMPTY
        try:
            key = (
                operation.encode()
                + b"\0"
                + (b"t" if transact else b"")
                + orjson.dumps(relevant, default=_default, option=orjson.OPT_SORT_KEYS)
            )
        except TypeError:
            return self._compile(operation, params, transact)
        found = self._entries.get(key)
        if found is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            return found
        self.misses += 1
        compiled = self._compile(operation, params, transact)
        self._entries[key] = compiled
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return compiled

    @staticmethod
    def _compile(operation: str, params: dict[str, Any], transact: bool) -> Compiled:
        try:
            return compile_request(operation, params, transact=transact)
        except ExpressionError as exc:
            raise validation(str(exc)) from None


_EMPTY = Compiled()
