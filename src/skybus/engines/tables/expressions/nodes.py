"""The small immutable AST the expression languages parse into.

Placeholders are resolved while parsing: a :class:`Path` holds attribute names and list
indexes, a :class:`Literal` the AttributeValue it names. A reference that was not defined is
kept (``Path.undefined``, ``Literal.value is None``) so that validation can report it in the
order AWS does. Every node is a frozen dataclass and every sequence a tuple, so a parsed
expression can be cached and shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Element = str | int
AttributeValue = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Path:
    """A document path: attribute names (str) and list indexes (int), outermost first."""

    elements: tuple[Element, ...]
    undefined: str | None = field(default=None, compare=False)
    """The first ``#name`` in the path that ExpressionAttributeNames does not define."""

    def __str__(self) -> str:
        """AWS's rendering in messages: ``[a, b, [3]]``."""
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"

    @property
    def top(self) -> str:
        first = self.elements[0]
        return first if isinstance(first, str) else ""


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """A ``:value`` placeholder and the value it stands for (None: not defined)."""

    placeholder: str
    value: AttributeValue | None


@dataclass(frozen=True, slots=True)
class Call:
    """A function used as an operand: size, if_not_exists, list_append (or a misused one)."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    """``left + right`` or ``left - right`` in a SET action."""

    op: str
    left: Operand
    right: Operand


Operand = Path | Literal | Call | Arith


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    subject: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Function:
    """A function used as a condition: attribute_exists, attribute_not_exists,
    attribute_type, begins_with, contains (or a misused one)."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Not:
    cond: Condition


@dataclass(frozen=True, slots=True)
class And:
    conds: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    conds: tuple[Condition, ...]


Condition = Compare | Between | In | Function | Not | And | Or


@dataclass(frozen=True, slots=True)
class Action:
    """One update action; ``value`` is the SET operand or the ADD/DELETE literal."""

    verb: str
    path: Path
    value: Operand | None = None


@dataclass(frozen=True, slots=True)
class ConditionExpr:
    """A parsed ConditionExpression or FilterExpression (or converted Expected/QueryFilter)."""

    tree: Condition
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class UpdateExpr:
    """A parsed UpdateExpression (or converted AttributeUpdates, ``legacy=True``)."""

    actions: tuple[Action, ...]
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()
    legacy: bool = False

    @property
    def paths(self) -> tuple[Path, ...]:
        """The paths the update touches, for ReturnValues UPDATED_OLD / UPDATED_NEW."""
        return tuple(action.path for action in self.actions)


@dataclass(frozen=True, slots=True)
class ProjectionExpr:
    """A parsed ProjectionExpression (or converted AttributesToGet)."""

    paths: tuple[Path, ...]
    names_used: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class KeyConditionExpr:
    """A parsed KeyConditionExpression: its conditions, in the order written (one or two, each
    a comparison, BETWEEN or begins_with on a top-level attribute)."""

    conds: tuple[Condition, ...]
    names_used: frozenset[str] = frozenset()
    values_used: frozenset[str] = frozenset()
