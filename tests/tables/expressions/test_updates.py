"""UpdateExpression: grammar, AWS's checks in its order, and the update semantics (AWS-verified
behaviour recorded in public suites)."""

# ruff: noqa: E501
from __future__ import annotations

from typing import Any

import pytest

from skybus.engines.tables.expressions import (
    ExpressionError,
    apply_update,
    parse_update,
    project,
)

VALUES: dict[str, Any] = {
    ":a": {"S": "a"},
    ":b": {"N": "1"},
    ":c": {"B": b"a"},
    ":d": {"BOOL": False},
    ":e": {"NULL": True},
    ":f": {"SS": ["a"]},
    ":g": {"NS": ["1"]},
    ":h": {"BS": [b"a"]},
    ":i": {"M": {}},
    ":j": {"L": []},
}


def refused(expression: str, values: Any = None, names: Any = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        parse_update(expression, names, values)
    message = str(caught.value)
    assert message.startswith("Invalid UpdateExpression: ")
    return message.removeprefix("Invalid UpdateExpression: ")


@pytest.mark.parametrize(
    "expression",
    [
        "whatever",
        "set a",
        "add a",
        "delete a",
        "set a=set",
        "remove a = b",
        "add a = b",
        "delete a = b",
        "delete a b",
        "delete a if_not_exist(b)",
        "add abort b",
        "add a if_not_exist(b)",
        "remove a b",
        "set a b",
        "set :a = b",
        "add :a b",
        "delete :a b",
        "remove :a",
        "set a = b / c",
        "set a = b * c",
        'set a[1] = "eight"',
        "set a[1] = 1",
        "SET a = if_not_exist(a, 100)",
        "SET if_not_exist(a, b) = a",
        "set (a = (b + c))",
        "set a = (b.c).d + e",
        "set a = (b.c)[0] + e",
        "set a = b + c + d",
        "SET _123 = :a",
        "SET 123a = :a",
        "SET hi-there = :a",
        "SET # = :a",
        "SET a = :",
        "SET a = :a,",
    ],
)
def test_syntax_errors(expression: str) -> None:
    assert refused(expression).startswith("Syntax error; ")


def test_syntax_error_format() -> None:
    assert refused("SET _123 = :a") == 'Syntax error; token: "_", near: "SET _123"'
    assert refused("SET") == 'Syntax error; token: "<EOF>", near: "SET"'
    assert refused("set x = list_append(x, 0)") == 'Syntax error; token: "0", near: ", 0)"'


def test_empty() -> None:
    assert refused("") == "The expression can not be empty;"


@pytest.mark.parametrize(
    ("expression", "word"),
    [(" set #c = :c set abOrt = true ", "abOrt"), (" remove Absolute ", "Absolute")],
)
def test_reserved_words(expression: str, word: str) -> None:
    names = {"#c": "c"}
    message = refused(expression, {":c": VALUES[":a"]}, names)
    assert message == f"Attribute name is a reserved keyword; reserved keyword: {word}"


def test_invalid_function_name_comes_before_sections() -> None:
    message = refused("set #c = if_not_exist(:c) set c = d", VALUES, {"#a": "a"})
    assert message == "Invalid function name; function: if_not_exist"


@pytest.mark.parametrize(
    ("expression", "section"),
    [
        ("set a = #c set c = :d", "SET"),
        ("remove #d set a = b remove e", "REMOVE"),
        ("add #d :e set a = b add e :f", "ADD"),
        ("delete #d :e set a = b delete #e :f", "DELETE"),
    ],
)
def test_sections_once(expression: str, section: str) -> None:
    assert refused(expression, VALUES, {"#a": "a"}) == (
        f'The "{section}" section can only be used once in an update expression;'
    )


def test_undefined_placeholders_in_order() -> None:
    assert refused("SET #c = if_not_exists(:c)", VALUES, {"#a": "a"}).endswith("attribute name: #c")
    assert refused("SET #a = if_not_exists(:zz)", VALUES, {"#a": "a"}).endswith(
        "attribute value: :zz"
    )


@pytest.mark.parametrize(
    ("expression", "value", "verb", "kind"),
    [
        (
            "set b = list_append(:a, a), c = if_not_exists(a) add a.b :a",
            {"S": "a"},
            "ADD",
            "STRING",
        ),
        ("delete a.b :a", {"S": "a"}, "DELETE", "STRING"),
        ("add a.b :a", {"NULL": True}, "ADD", "NULL"),
        ("delete a.b :a", {"BOOL": False}, "DELETE", "BOOLEAN"),
        ("add a.b :a", {"B": b"a"}, "ADD", "BINARY"),
        ("add a.b :a", {"M": {}}, "ADD", "MAP"),
        ("delete a.b :a", {"L": []}, "DELETE", "LIST"),
        ("delete a.b :a", {"N": "1"}, "DELETE", "NUMBER"),
    ],
)
def test_add_delete_operand_types(expression: str, value: Any, verb: str, kind: str) -> None:
    assert refused(expression, {":a": value}) == (
        "Incorrect operand type for operator or function; "
        f"operator: {verb}, operand type: {kind}, typeSet: ALLOWED_FOR_{verb}_OPERAND"
    )


NAMES = {"#c": "c", "#d": "[3]"}


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", "[c, [1], a]", "[c]"),
        ("set c.b.#c = a, c = a, #d = a", "[c, b, c]", "[c]"),
        ("set a = b remove a, #c, #d", "[a]", "[a]"),
        ("set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("remove c, #c.a, #d", "[c]", "[c, a]"),
        ("remove a, #c, a, #d", "[a]", "[a]"),
    ],
)
def test_overlapping_paths(expression: str, one: str, two: str) -> None:
    assert refused(expression, None, NAMES) == (
        "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("set #c[3].#d = a, #c.#d[3] = if_not_exists(a)", "[c, [3], [3]]", "[c, [3], [3]]"),
        ("remove a.#c set a[1] = #d", "[a, c]", "[a, [1]]"),
    ],
)
def test_conflicting_paths(expression: str, one: str, two: str) -> None:
    assert refused(expression, None, NAMES) == (
        "Two document paths conflict with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("expression", "function", "count"),
    [
        ("set a = if_not_exists(c)", "if_not_exists", 1),
        ("set a = list_append(c)", "list_append", 1),
    ],
)
def test_function_operand_counts(expression: str, function: str, count: int) -> None:
    assert refused(expression) == (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


@pytest.mark.parametrize(
    "expression", ["set a = if_not_exists(:a, c)", "set a = if_not_exists(if_not_exists(a, b), c)"]
)
def test_if_not_exists_needs_a_path(expression: str) -> None:
    assert refused(expression, VALUES) == (
        "Operator or function requires a document path; operator or function: if_not_exists"
    )


@pytest.mark.parametrize(
    ("expression", "function", "kind"),
    [
        *[(f"set a = list_append({v}, a)", "list_append", VALUES[v].__iter__().__next__())
          for v in (":a", ":c", ":d", ":e", ":f", ":g", ":h", ":i")],
        ("set a = list_append(a, :b)", "list_append", "N"),
        *[(f"set a = a + {v}", "+", next(iter(VALUES[v]))) for v in VALUES if v != ":b"],
        *[(f"set a = a - {v}", "-", next(iter(VALUES[v]))) for v in VALUES if v != ":b"],
        ("set a = :a + :c", "+", "S"),
        ("set a = :c - a", "-", "B"),
    ],
)  # fmt: skip
def test_function_operand_types(expression: str, function: str, kind: str) -> None:
    assert refused(expression, VALUES) == (
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


def test_keywords_case_insensitive_and_any_order() -> None:
    parsed = parse_update(
        "ADD #e :e,#d :d DELETE #c :c REMOVE #b SET #f = :f",
        {"#b": "b", "#c": "c", "#d": "d", "#e": "e", "#f": "f"},
        {":c": {"SS": ["a"]}, ":d": {"N": "5"}, ":e": {"SS": ["a"]}, ":f": {"L": []}},
    )
    assert [a.verb for a in parsed.actions] == ["ADD", "ADD", "DELETE", "REMOVE", "SET"]
    assert parse_update("sEt a = :v", None, {":v": VALUES[":a"]}).names_used == frozenset()


# --- semantics -------------------------------------------------------------------------------


def run(
    expression: str,
    item: dict[str, Any] | None,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    key: dict[str, Any] | None = None,
) -> dict[str, Any]:
    parsed = parse_update(expression, names, values)
    return apply_update(parsed, item, ("pk",), key).item


def failure(
    expression: str, item: dict[str, Any] | None, values: dict[str, Any] | None = None
) -> str:
    with pytest.raises(ExpressionError) as caught:
        run(expression, item, values)
    return str(caught.value)


def N(number: object) -> dict[str, Any]:
    return {"N": str(number)}


def S(text: str) -> dict[str, Any]:
    return {"S": text}


@pytest.mark.parametrize(
    ("expression", "before", "values", "after"),
    [
        ("SET b = :v", {}, {":v": N(4)}, {"b": N(4)}),
        ("SET a = :v, b = a", {"a": S("OLD")}, {":v": S("NEW")}, {"a": S("NEW"), "b": S("OLD")}),
        ("SET a = a", {"a": S("x")}, None, {"a": S("x")}),
        ("SET c = (c - :v)", {"c": N(10)}, {":v": N(3)}, {"c": N(7)}),
        ("SET n = n + :v", {"n": N("1.5")}, {":v": N("-1.5")}, {"n": N(0)}),
        ("SET b = if_not_exists(b, :v)", {}, {":v": N(1)}, {"b": N(1)}),
        ("SET b = if_not_exists(b, :v)", {"b": N(9)}, {":v": N(1)}, {"b": N(9)}),
        ("SET l = list_append(l, :v)", {"l": {"L": [N(1)]}}, {":v": {"L": [N(2)]}},
         {"l": {"L": [N(1), N(2)]}}),
        ("SET l = list_append(:v, l)", {"l": {"L": [N(1)]}}, {":v": {"L": [N(2)]}},
         {"l": {"L": [N(2), N(1)]}}),
        ("SET l[1] = :v", {"l": {"L": [N(1), N(2)]}}, {":v": N(9)}, {"l": {"L": [N(1), N(9)]}}),
        ("SET l[7] = :v", {"l": {"L": [N(1)]}}, {":v": N(9)}, {"l": {"L": [N(1), N(9)]}}),
        ("SET l[9] = :a, l[5] = :b", {"l": {"L": []}}, {":a": N(9), ":b": N(5)},
         {"l": {"L": [N(5), N(9)]}}),
        ("SET m.x.y = :v", {"m": {"M": {"x": {"M": {}}}}}, {":v": N(1)},
         {"m": {"M": {"x": {"M": {"y": N(1)}}}}}),
        ("REMOVE a, b", {"a": N(1), "c": N(3)}, None, {"c": N(3)}),
        ("REMOVE m.gone", {"m": {"M": {}}}, None, {"m": {"M": {}}}),
        ("REMOVE l[0], l[2]", {"l": {"L": [N(0), N(1), N(2), N(3)]}}, None,
         {"l": {"L": [N(1), N(3)]}}),
        ("REMOVE l[9]", {"l": {"L": [N(0)]}}, None, {"l": {"L": [N(0)]}}),
        ("ADD n :v", {}, {":v": N(5)}, {"n": N(5)}),
        ("ADD n :v", {"n": N(5)}, {":v": N(-2)}, {"n": N(3)}),
        ("ADD s :v", {"s": {"SS": ["a"]}}, {":v": {"SS": ["a", "b"]}}, {"s": {"SS": ["a", "b"]}}),
        ("ADD s :v", {}, {":v": {"NS": ["1"]}}, {"s": {"NS": ["1"]}}),
        ("DELETE s :v", {"s": {"SS": ["a", "b"]}}, {":v": {"SS": ["a", "z"]}}, {"s": {"SS": ["b"]}}),
        ("DELETE s :v", {"s": {"SS": ["a"]}}, {":v": {"SS": ["a"]}}, {}),
        ("DELETE s :v", {}, {":v": {"SS": ["a"]}}, {}),
        ("DELETE s :v", {"s": {"NS": ["1", "2"]}}, {":v": {"NS": ["1.0"]}}, {"s": {"NS": ["2"]}}),
    ],
)  # fmt: skip
def test_update_semantics(
    expression: str, before: dict[str, Any], values: Any, after: dict[str, Any]
) -> None:
    assert run(expression, before, values) == after


def test_aws_nested_update_example() -> None:
    """SET and ADD on several list indexes past the end append in index order; every value is
    read from the item as it was (the case recorded from AWS)."""
    item = {
        "pk": S("K"),
        "b": {"M": {"a": N(1), "b": N(2), "c": N(3)}},
        "c": {"L": [N(1), N(3)]},
    }
    parsed = parse_update(
        "set b.c=((c[1])+(b.a)),b.a = pk,c[1] = pk, c[4] = b.a - b.b, c[2] = b.c "
        "add c[8] :b, c[6] :a",
        None,
        {":a": N(2), ":b": {"SS": ["a"]}},
    )
    outcome = apply_update(parsed, item, ())
    assert outcome.item == {
        "pk": S("K"),
        "b": {"M": {"a": S("K"), "b": N(2), "c": N(4)}},
        "c": {"L": [N(1), S("K"), N(3), N(-1), N(2), {"SS": ["a"]}]},
    }
    assert project(outcome.paths, outcome.item) == {
        "b": {"M": {"a": S("K"), "c": N(4)}},
        "c": {"L": [S("K"), N(3), N(2)]},
    }
    assert project(outcome.paths, item) == {
        "b": {"M": {"a": N(1), "c": N(3)}},
        "c": {"L": [N(3)]},
    }
    assert item["c"] == {"L": [N(1), N(3)]}, "the input item is left alone"


MISSING = "The provided expression refers to an attribute that does not exist in the item"
INVALID_PATH = "The document path provided in the update expression is invalid for update"
BAD_TYPE = "An operand in the update expression has an incorrect data type"
EXISTING = {"b": S("x"), "c": {"M": {"1": S("a")}}, "d": {"L": [S("a"), S("b")]}, "n": N(1)}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("set c2 = zz", MISSING),
        ("set x = :v, y = x", MISSING),
        ("set e = list_append(zz, c)", MISSING),
        ("set b.a = :v, #1 = :v", INVALID_PATH),
        ("set b[1] = :v, #1 = :v", INVALID_PATH),
        ("set y.a = :v, #1 = :v", INVALID_PATH),
        ("set y[1] = :v, #1 = :v", INVALID_PATH),
        ("set c[1] = :v, #1 = :v", INVALID_PATH),
        ("set d.#1 = :v", INVALID_PATH),
        ("remove b.a set #1 = :v", INVALID_PATH),
        ("remove y.a set #1 = :v", INVALID_PATH),
        ("remove c[1] set #1 = :v", INVALID_PATH),
        ("remove d.#1 set #1 = :v", INVALID_PATH),
        ("add y.a :s", INVALID_PATH),
        ("add d.#1 :s", INVALID_PATH),
        ("delete c[1] :s", INVALID_PATH),
        ("set d[5].x = :v", INVALID_PATH),
        ("set e = b + :one", BAD_TYPE),
        ("set e = c - :one", BAD_TYPE),
        ("set e = list_append(d, b)", BAD_TYPE),
        ("add n :s", BAD_TYPE),
        ("add b :one", BAD_TYPE),
        ("delete n :s", BAD_TYPE),
        ("delete d :s", BAD_TYPE),
    ],
)
def test_update_failures(expression: str, message: str) -> None:
    values = {":v": S("v"), ":s": {"SS": ["a"]}, ":one": N(1)}
    used = {k: v for k, v in values.items() if k in expression}
    names = {"#1": "1"} if "#1" in expression else None
    with pytest.raises(ExpressionError) as caught:
        apply_update(parse_update(expression, names, used), EXISTING, ("pk",))
    assert str(caught.value) == message


def test_missing_item() -> None:
    key = {"pk": S("k")}
    assert run("SET b = if_not_exists(b, pk)", None, key=key) == {"pk": S("k"), "b": S("k")}
    assert run("REMOVE a.b, c[1]", None, key=key) == key
    with pytest.raises(ExpressionError, match=INVALID_PATH):
        run("SET b.a = :v", None, {":v": N(1)}, key=key)
    with pytest.raises(ExpressionError, match=MISSING):
        run("SET c = b", None, key=key)


@pytest.mark.parametrize(
    "expression",
    ["add pk.b :a", "delete pk :s", "remove d set b = :a, pk = :a", "set pk = pk.b + pk[1]"],
)
def test_key_attributes_cannot_be_updated(expression: str) -> None:
    values = {":a": N(1), ":s": {"NS": ["1"]}}
    used = {k: v for k, v in values.items() if k in expression}
    with pytest.raises(ExpressionError) as caught:
        apply_update(parse_update(expression, None, used), {}, ("pk", "sk"))
    assert str(caught.value) == (
        "One or more parameter values were invalid: "
        "Cannot update attribute pk. This attribute is part of the key"
    )


def test_number_overflow_is_refused() -> None:
    message = failure("SET n = n + :v", {"n": N("99" + "0" * 124)}, {":v": N("99" + "0" * 124)})
    assert message.startswith("Number overflow")
    message = failure("SET n = n + :v", {"n": N("1" + "0" * 50)}, {":v": N(1)})
    assert message.startswith(("Number overflow", "Attempting to store"))
