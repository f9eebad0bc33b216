"""Compile canonical policy tokens into branches, with AWS's checks, messages and positions.

The result is a list of branches; a message matches the policy if it matches any branch. A
branch maps each key path (its nesting, e.g. ("detail", "scope")) to the patterns of its value
list. Without `$or` there is one branch; each `$or` array multiplies the branches built so far by
its objects, and keys written after an `$or` go into every branch (AWS's rule engine compiles
`$or` the same way, which is also why a key repeated inside a branch replaces the outer one).

The checks and their order follow AWS's rule compiler as deployed for SNS (recorded in 2024):
`anything-but` accepts a value, a list, or `{"prefix": ...}` only ("Unsupported anything-but
pattern: suffix" is AWS's answer), and `wildcard` or `exact` are unrecognized match types.
"""

from __future__ import annotations

from skybus import limits
from skybus.engines.topics.filters.addresses import looks_like_address, parse_address, parse_cidr
from skybus.engines.topics.filters.canonical import Kind
from skybus.engines.topics.filters.cursor import Cursor
from skybus.engines.topics.filters.errors import FilterPolicyError
from skybus.engines.topics.filters.numbers import OUT_OF_RANGE, as_float, comparable
from skybus.engines.topics.filters.patterns import (
    AnythingBut,
    AnythingButPrefix,
    EqualsIgnoreCase,
    ExactAddress,
    ExactNumber,
    ExactString,
    Exists,
    Literal,
    Network,
    NumericRange,
    Pattern,
    Prefix,
    Suffix,
)

Path = tuple[str, ...]
Branch = dict[Path, tuple[Pattern, ...]]

OR = "$or"
TOO_COMPLEX = "Filter policy is too complex"
ONE_KEY = "Only one key allowed in match expression"
TOO_MANY_ELEMENTS = "Too many elements in numeric expression"
#: Field names the rule engine refuses inside an `$or` object.
RESERVED_IN_OR = frozenset(
    {
        "exact", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
        "numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard",
        "not-equals-ignore-case", "date-after", "date-on-or-after", "date-before",
        "date-on-or-before", "in-range",
    }
)  # fmt: skip
#: Nesting at which no policy can stay within the combination limit: compiling stops there,
#: which also keeps a hostile document from exhausting the stack.
MAX_DEPTH = limits.SNS_FILTER_POLICY_MAX_COMBINATIONS


def compile_branches(cursor: Cursor) -> list[Branch]:
    if cursor.next().kind is not Kind.START_OBJECT:
        raise cursor.fail("Filter is not an object")
    branches: list[Branch] = []
    _object(cursor, branches, (), inside_or=False, depth=0)
    return branches


def _object(
    cursor: Cursor, branches: list[Branch], path: Path, *, inside_or: bool, depth: int
) -> None:
    # `depth` counts objects, including those of `$or` arrays: each level adds a key level or
    # a branch, so past the limit no policy can stay within the combination limit.
    if depth >= MAX_DEPTH:
        raise FilterPolicyError(TOO_COMPLEX)
    present = False
    while (token := cursor.next()).kind is not Kind.END_OBJECT:
        present = True
        name = str(token.value)
        if name == OR:
            _or(cursor, branches, path, depth)
            continue
        if inside_or and name in RESERVED_IN_OR:
            raise cursor.fail(
                f"{name} is Ruler reserved fieldName which cannot be used inside $or."
            )
        value = cursor.next()
        if value.kind is Kind.START_OBJECT:
            _object(cursor, branches, (*path, name), inside_or=inside_or, depth=depth + 1)
        elif value.kind is Kind.START_ARRAY:
            _values(cursor, branches, (*path, name))
        else:
            raise cursor.fail(f'"{name}" must be an object or an array')
    if not present:
        raise cursor.fail("Empty objects are not allowed")


def _or(cursor: Cursor, branches: list[Branch], path: Path, depth: int) -> None:
    before = [dict(branch) for branch in branches]
    branches.clear()
    if cursor.next().kind is not Kind.START_ARRAY:
        raise cursor.fail("It must be an Array followed with $or.")
    count = 0
    while (token := cursor.next()).kind is not Kind.END_ARRAY:
        count += 1
        if token.kind is not Kind.START_OBJECT:
            raise cursor.fail("Only JSON object is allowed in array of $or relationship.")
        forked = [dict(branch) for branch in before] or [{}]
        _object(cursor, forked, path, inside_or=True, depth=depth + 1)
        branches.extend(forked)
        # Every branch adds at least one combination; past the limit the policy cannot pass.
        if len(branches) > limits.SNS_FILTER_POLICY_MAX_COMBINATIONS:
            raise FilterPolicyError(TOO_COMPLEX)
    if count < 2:
        raise cursor.fail("There must have at least 2 Objects in $or relationship.")


def _values(cursor: Cursor, branches: list[Branch], path: Path) -> None:
    patterns: list[Pattern] = []
    while (token := cursor.next()).kind is not Kind.END_ARRAY:
        kind = token.kind
        if kind is Kind.START_OBJECT:
            patterns.append(_expression(cursor))
        elif kind is Kind.STRING:
            text = cursor.text()
            address = parse_address(text) if looks_like_address(text) else None
            if address is None:
                patterns.append(ExactString(text))
            else:
                patterns.append(ExactAddress(*address))
        elif kind is Kind.NUMBER:
            patterns.append(ExactNumber(token.value, comparable(token.value)))
        elif kind in (Kind.TRUE, Kind.FALSE, Kind.NULL):
            patterns.append(Literal(token.value))
        else:
            raise cursor.fail("Match value must be String, number, true, false, or null")
    if not patterns:
        raise cursor.fail("Empty arrays are not allowed")
    if not branches:
        branches.append({})
    for branch in branches:
        branch[path] = tuple(patterns)


def _string_operand(cursor: Cursor, operator: str) -> str:
    if cursor.next().kind is not Kind.STRING:
        raise cursor.fail(f"{operator} match pattern must be a string")
    text = cursor.text()
    if cursor.next().kind is not Kind.END_OBJECT:
        raise cursor.fail(ONE_KEY)
    return text


def _expression(cursor: Cursor) -> Pattern:
    token = cursor.next()
    if token.kind is not Kind.NAME:
        raise cursor.fail("Match expression name not found")
    operator = str(token.value)
    if operator == "prefix":
        return Prefix(_string_operand(cursor, operator))
    if operator == "suffix":
        return Suffix(_string_operand(cursor, operator))
    if operator == "equals-ignore-case":
        return EqualsIgnoreCase(_string_operand(cursor, operator).lower())
    if operator == "numeric":
        if cursor.next().kind is not Kind.START_ARRAY:
            raise cursor.fail("Value of numeric must be an array.")
        numeric = _numeric(cursor)
        if cursor.next().kind is not Kind.END_OBJECT:
            raise cursor.fail(TOO_MANY_ELEMENTS)
        return numeric
    if operator == "anything-but":
        return _anything_but(cursor)
    if operator == "exists":
        value = cursor.next().kind
        if value not in (Kind.TRUE, Kind.FALSE):
            raise cursor.fail("exists match pattern must be either true or false.")
        if cursor.next().kind is not Kind.END_OBJECT:
            raise cursor.fail(ONE_KEY)
        return Exists(value is Kind.TRUE)
    if operator == "cidr":
        if cursor.next().kind is not Kind.STRING:
            raise cursor.fail("prefix match pattern must be a string")
        network = Network(*parse_cidr(cursor.text()))
        if cursor.next().kind is not Kind.END_OBJECT:
            raise cursor.fail(ONE_KEY)
        return network
    raise cursor.fail(f"Unrecognized match type {operator}")


def _key(cursor: Cursor, number: int | float) -> int:
    key = comparable(number)
    if key is None:
        raise cursor.fail(OUT_OF_RANGE)
    return key


def _numeric(cursor: Cursor) -> NumericRange:
    if cursor.next().kind is not Kind.STRING:
        raise cursor.fail(f"Invalid member in numeric match: {cursor.text()}")
    operator = cursor.text()
    token = cursor.next()
    if operator not in ("=", ">", ">=", "<", "<="):
        raise cursor.fail(f"Unrecognized numeric range operator: {operator}")
    if token.kind is not Kind.NUMBER:
        raise cursor.fail(f"Value of {'equals' if operator == '=' else operator} must be numeric")
    value = as_float(token.value)
    if operator in ("=", "<", "<="):
        if cursor.next().kind is not Kind.END_ARRAY:
            raise cursor.fail(TOO_MANY_ELEMENTS)
        key = _key(cursor, value)
        if operator == "=":
            return NumericRange(key, False, key, False)
        return NumericRange(None, False, key, operator == "<")
    token = cursor.next()
    if token.kind is Kind.END_ARRAY:
        return NumericRange(_key(cursor, value), operator == ">", None, False)
    return _upper_bound(cursor, value, operator == ">")


def _upper_bound(cursor: Cursor, bottom: float, open_bottom: bool) -> NumericRange:
    if cursor.current.kind is not Kind.STRING:
        raise cursor.fail(f"Bad value in numeric range: {cursor.text()}")
    operator = cursor.text()
    if operator not in ("<", "<="):
        raise cursor.fail(f"Bad numeric range operator: {operator}")
    if cursor.next().kind is not Kind.NUMBER:
        raise cursor.fail(f"Value of {operator} must be numeric")
    top = as_float(cursor.current.value)
    if cursor.next().kind is not Kind.END_ARRAY:
        raise cursor.fail("Too many terms in numeric range expression")
    lo, hi = _key(cursor, bottom), _key(cursor, top)
    if lo >= hi:
        raise cursor.fail("Bottom must be less than top")
    return NumericRange(lo, open_bottom, hi, operator == "<")


def _anything_but(cursor: Cursor) -> Pattern:
    token = cursor.next()
    if token.kind is Kind.START_OBJECT:
        name = cursor.next()
        if name.kind is not Kind.NAME:
            raise cursor.fail("Anything-But expression name not found")
        if name.value != "prefix":
            raise cursor.fail(f"Unsupported anything-but pattern: {name.value}")
        if cursor.next().kind is not Kind.STRING:
            raise cursor.fail("prefix match pattern must be a string")
        text = cursor.text()
        if not text:
            raise cursor.fail("Null prefix not allowed")
        for _ in range(2):  # the inner object, then the match expression
            if cursor.next().kind is not Kind.END_OBJECT:
                raise cursor.fail(ONE_KEY)
        return AnythingButPrefix(text)
    if token.kind is Kind.START_ARRAY:
        pattern = _anything_but_list(cursor)
    elif token.kind is Kind.STRING:
        pattern = AnythingBut(frozenset({cursor.text()}), frozenset())
    elif token.kind is Kind.NUMBER:
        key = comparable(token.value)
        if key is None:
            # AWS raises this one outside its parser: no position.
            raise FilterPolicyError(OUT_OF_RANGE)
        pattern = AnythingBut(frozenset(), frozenset({key}))
    else:
        raise cursor.fail("Value of anything-but must be an array or single string/number value.")
    if cursor.next().kind is not Kind.END_OBJECT:
        raise cursor.fail(TOO_MANY_ELEMENTS)
    return pattern


def _anything_but_list(cursor: Cursor) -> AnythingBut:
    strings: set[str] = set()
    numbers: set[int] = set()
    while (token := cursor.next()).kind is not Kind.END_ARRAY:
        if token.kind is Kind.STRING:
            strings.add(cursor.text())
        elif token.kind is Kind.NUMBER:
            numbers.add(_key(cursor, token.value))
        else:
            raise cursor.fail("Inside anything but list, start|null|boolean is not supported.")
    if bool(strings) == bool(numbers):
        raise cursor.fail(
            "Inside anything but list, either all values are number or string, "
            "mixed type is not supported"
        )
    return AnythingBut(frozenset(strings), frozenset(numbers))
