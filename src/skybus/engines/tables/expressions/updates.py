"""UpdateExpression: ``SET``, ``REMOVE``, ``ADD`` and ``DELETE`` clauses, each at most once and
in any order, and the checks AWS makes before touching any item, in its order: the clauses,
undefined placeholders, ADD/DELETE operand types, overlapping and conflicting paths, then the
functions and arithmetic of each SET value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from skybus.engines.tables import values
from skybus.engines.tables.expressions import errors
from skybus.engines.tables.expressions.checks import static_type
from skybus.engines.tables.expressions.errors import Problem
from skybus.engines.tables.expressions.lexer import VALUE, Token
from skybus.engines.tables.expressions.nodes import (
    Action,
    Arith,
    Call,
    Literal,
    Operand,
    Path,
)
from skybus.engines.tables.expressions.reader import Reader

KEYWORDS = frozenset(("SET", "REMOVE", "ADD", "DELETE"))
#: Operand types ADD and DELETE accept.
_ADDABLE = frozenset(("N", "SS", "NS", "BS"))
_DELETABLE = frozenset(("SS", "NS", "BS"))


class UpdateParser(Reader):
    def __init__(
        self,
        source: str,
        tokens: list[Token],
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
    ) -> None:
        super().__init__(source, tokens, names, values, KEYWORDS)
        self.duplicate: Problem | None = None

    def parse(self) -> tuple[Action, ...]:
        actions: list[Action] = []
        seen: set[str] = set()
        while True:
            verb = self.token.word
            if verb not in KEYWORDS:
                self.fail()
            self.advance()
            if verb in seen and self.duplicate is None:
                self.duplicate = Problem(
                    f'The "{verb}" section can only be used once in an update expression;'
                )
            seen.add(verb)
            actions.append(self.action(verb))
            while self.at_punct(","):
                self.advance()
                actions.append(self.action(verb))
            if self.token.kind == "eof":
                return tuple(actions)

    def action(self, verb: str) -> Action:
        path = self.path()
        if verb == "SET":
            self.expect("=")
            return Action(verb, path, self.set_value())
        if verb == "REMOVE":
            return Action(verb, path)
        return Action(verb, path, self.literal())

    def set_value(self) -> Operand:
        left = self.term()
        if self.at_punct("+") or self.at_punct("-"):
            op = self.advance().text
            return Arith(op, left, self.term())
        return left

    def term(self) -> Operand:
        if self.at_punct("("):
            self.advance()
            self.enter()
            inner = self.set_value()
            self.expect(")")
            self.leave()
            return inner
        if self.token.kind == VALUE:
            return self.literal()
        if self.at_call():
            name = self.advance().text
            self.note_function(name)
            if name not in ("if_not_exists", "list_append"):
                self.note_misuse(name)
            self.expect("(")
            self.enter()
            args = [self.set_value()]
            while self.at_punct(","):
                self.advance()
                args.append(self.set_value())
            self.expect(")")
            self.leave()
            return Call(name, tuple(args))
        if self.at_path():
            return self.path()
        self.fail()


def check_update(parser: UpdateParser, actions: tuple[Action, ...]) -> None:
    parser.raise_parse_problems()
    if parser.duplicate is not None:
        raise parser.duplicate
    if parser.undefined:
        raise parser.undefined[0]
    for action in actions:
        if action.verb in ("ADD", "DELETE"):
            _check_operand_type(action)
    check_paths([action.path for action in actions])
    for action in actions:
        if action.verb == "SET" and action.value is not None:
            _check_value(action.value)


def _check_operand_type(action: Action) -> None:
    literal = action.value
    assert isinstance(literal, Literal)
    assert literal.value is not None
    kind = values.type_of(literal.value)
    allowed = _ADDABLE if action.verb == "ADD" else _DELETABLE
    if kind not in allowed:
        raise Problem(
            "Incorrect operand type for operator or function; "
            f"operator: {action.verb}, operand type: {values.TYPE_NAMES[kind]}, "
            f"typeSet: ALLOWED_FOR_{action.verb}_OPERAND"
        )


def check_paths(paths: Sequence[Path]) -> None:
    """Two paths may neither be equal nor one inside the other ("overlap"), nor reach the same
    place one through a list index and the other through a map key ("conflict")."""
    for later in range(1, len(paths)):
        for earlier in range(later):
            one, two = paths[earlier].elements, paths[later].elements
            shorter = min(len(one), len(two))
            if one[:shorter] == two[:shorter]:
                raise errors.overlap(str(paths[earlier]), str(paths[later]))
    for later in range(1, len(paths)):
        for earlier in range(later):
            one, two = paths[earlier].elements, paths[later].elements
            for x, y in zip(one, two, strict=False):
                if x != y:
                    if isinstance(x, int) != isinstance(y, int):
                        raise errors.conflict(str(paths[earlier]), str(paths[later]))
                    break


def _check_value(operand: Operand) -> None:
    if isinstance(operand, Arith):
        _check_value(operand.left)
        _check_value(operand.right)
        for side in (operand.left, operand.right):
            kind = _result_type(side)
            if kind is not None and kind != "N":
                raise errors.operand_type(operand.op, kind)
    elif isinstance(operand, Call):
        for arg in operand.args:
            _check_value(arg)
        if len(operand.args) != 2:
            raise errors.operand_count(operand.name, len(operand.args))
        if operand.name == "if_not_exists":
            if not isinstance(operand.args[0], Path):
                raise errors.needs_path(operand.name)
        else:
            for arg in operand.args:
                kind = _result_type(arg)
                if kind is not None and kind != "L":
                    raise errors.operand_type(operand.name, kind)


def _result_type(operand: Operand) -> str | None:
    if isinstance(operand, Call) and operand.name == "list_append":
        return "L"
    if isinstance(operand, Arith):
        return "N"
    return static_type(operand)
