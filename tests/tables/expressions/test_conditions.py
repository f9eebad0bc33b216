"""ConditionExpression / FilterExpression: grammar, AWS's messages and their order, precedence
and evaluation. Expected messages are the ones AWS returned (recorded in public AWS-verified
suites)."""

from __future__ import annotations

from typing import Any

import pytest

from skybus.engines.tables.expressions import (
    ExpressionError,
    evaluate_condition,
    parse_condition,
    parse_filter,
)

S = {"S": "a"}
N1 = {"N": "1"}


def refused(expression: str, values: dict[str, Any] | None = None, names: Any = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        parse_filter(expression, names, values)
    message = str(caught.value)
    assert message.startswith("Invalid FilterExpression: ")
    return message.removeprefix("Invalid FilterExpression: ")


@pytest.mark.parametrize(
    "expression",
    [
        "things are not gonna be ok",
        "a > 4",
        "attribute_exists(Pictures-RearView)",
        'attribute_exists("Pictures.RearView")',
        "attribute_exists(Pictures..RearView)",
        "attribute_exists(Pi#ctures.RearView)",
        "attribute_exists(asdf[a])",
        "a.:a < b.:b",
        "a in b, c",
        "a > between",
        "a in b",
        "a in (b,c,)",
        "(a)between(b.(c.d))and(c)",
        "(a)between(b.c.d)and((c)",
        "#$.b > a",
        "a > :things.stuff",
        "b[:a] > a",
        "b[#_] > a",
        "ü > a",
        "(a)between(b.c[4.5].#d)and(:a)",
        "size(a).b > a",
        "(size(a)).b > a",
        "size(a)[0] > a",
        "(size(a))[0] > a",
        "a",
        "NOT a",
        "a = b c",
    ],
)
def test_syntax_errors(expression: str) -> None:
    assert refused(expression).startswith("Syntax error; ")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a >", 'Syntax error; token: "<EOF>", near: ">"'),
        ("attribute_type()", 'Syntax error; token: ")", near: "()"'),
        ("p=:p AND c!=:c", 'Syntax error; token: "!", near: "c!="'),
        ("a > 4", 'Syntax error; token: "4", near: "> 4"'),
    ],
)
def test_syntax_error_format(expression: str, message: str) -> None:
    assert refused(expression) == message


@pytest.mark.parametrize(
    "expression",
    [
        "a=a and a > ((views))",
        "(a)between(((b.c)).d)and(c)",
        "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a",
        "a=a OR ((a=a OR a=a)) OR a=a",
        "a=a AND ((a=a AND (a=a AND a=a)))",
        "a=a OR ((a=a OR (a=a OR a=a)))",
        "((c=:c) AND ((p=:p)))",
    ],
)
def test_redundant_parentheses(expression: str) -> None:
    assert refused(expression) == "The expression has redundant parentheses;"


def test_single_parentheses_are_fine() -> None:
    values = {":c": N1, ":p": S}
    parse_filter("((c=:c) AND (p=:p))", None, values)
    parse_filter("(a) = :c AND (:p) <> b", None, values)


@pytest.mark.parametrize(
    ("expression", "function"),
    [
        ("a=a and whatever((:things)) > a", "whatever"),
        ("attRIbute_exIsts((views), #a)", "attRIbute_exIsts"),
    ],
)
def test_invalid_function_names(expression: str, function: str) -> None:
    assert refused(expression) == f"Invalid function name; function: {function}"


@pytest.mark.parametrize(
    ("expression", "function"),
    [
        ("a=a and attribute_exists((views), (#a)) > b", "attribute_exists"),
        ("attribute_not_exists(things) > b", "attribute_not_exists"),
        ("attribute_type(things, :a) > b", "attribute_type"),
        ("begins_with(things, a) > b", "begins_with"),
        ("contains(:things, c) > b", "contains"),
        ("size(contains(a, b)) > a", "contains"),
        ("size(things)", "size"),
        ("a between b and attribute_exists(things)", "attribute_exists"),
        ("a in (b, attribute_exists(things))", "attribute_exists"),
    ],
)
def test_functions_used_wrongly(expression: str, function: str) -> None:
    assert refused(expression) == (
        "The function is not allowed to be used this way in an expression; function: " + function
    )


@pytest.mark.parametrize(
    ("expression", "word"),
    [("attribute_exists(views, #a)", "views"), (":a < abOrT", "abOrT"), ("a.status = b", "status")],
)
def test_reserved_words(expression: str, word: str) -> None:
    assert refused(expression) == f"Attribute name is a reserved keyword; reserved keyword: {word}"


def test_reserved_word_through_placeholder_is_fine() -> None:
    parse_filter("#s = :v", {"#s": "status"}, {":v": S})


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("attribute_exists(#Pictures.RearView, :a) and a=a", "#Pictures"),
        ("begins_with(Pictures.#RearView)", "#RearView"),
        ("(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", "#P"),
        ("#4g > a", "#4g"),
        ("#_ > a", "#_"),
        ("(a)between(b.c[45].#d)and(:a)", "#d"),
    ],
)
def test_undefined_names(expression: str, name: str) -> None:
    assert refused(expression) == (
        "An expression attribute name used in the document path is not defined; "
        f"attribute name: {name}"
    )


@pytest.mark.parametrize(
    ("expression", "value"),
    [("begins_with(:hello, #a, #b)", ":hello"), (":a < :b", ":a"), (":_ > a", ":_")],
)
def test_undefined_values(expression: str, value: str) -> None:
    assert refused(expression) == (
        f"An expression attribute value used in expression is not defined; attribute value: {value}"
    )


@pytest.mark.parametrize(
    ("expression", "function", "count"),
    [
        ("attribute_exists(things, a) and a=a", "attribute_exists", 2),
        ("attribute_not_exists(things, b)", "attribute_not_exists", 2),
        ("attribute_type(things)", "attribute_type", 1),
        ("begins_with(things)", "begins_with", 1),
        ("begins_with(things, size(a), b)", "begins_with", 3),
        ("contains(things)", "contains", 1),
        ("size(things, a) > b", "size", 2),
    ],
)
def test_operand_counts(expression: str, function: str, count: int) -> None:
    assert refused(expression) == (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


TYPED = {
    "N": {"N": "1"},
    "B": {"B": b"a"},
    "BOOL": {"BOOL": True},
    "NULL": {"NULL": True},
    "L": {"L": []},
    "M": {"M": {}},
    "SS": {"SS": ["1"]},
    "NS": {"NS": ["1"]},
    "BS": {"BS": [b"a"]},
}


@pytest.mark.parametrize(
    ("expression", "function", "kind"),
    [
        ("attribute_type(a, size(a)) and a=a and a=:a", "attribute_type", "N"),
        *[("attribute_type(a, :a)", "attribute_type", k) for k in TYPED],
        ("begins_with(a, size(a)) and a=:a", "begins_with", "N"),
        *[("begins_with(a, :a)", "begins_with", k) for k in TYPED if k != "B"],
        *[("begins_with(:a, a)", "begins_with", k) for k in TYPED if k != "B"],
        ("size(size(a)) > :a", "size", "N"),
        ("attribute_not_exists(size(:a))", "size", "N"),
        ("size(:a) > a", "size", "BOOL"),
        ("size(:a) > a", "size", "NULL"),
        *[(f"n {op} :a", op, k) for op in ("<", "<=", ">", ">=") for k in TYPED if k not in "NB"],
        ("n BETWEEN :a AND :a", "BETWEEN", "BOOL"),
        ("attribute_not_exists(zzz) OR n > :a", ">", "BOOL"),
        ("NOT (n > :a)", ">", "BOOL"),
        ("size(s) > :a", ">", "BOOL"),
    ],
)
def test_operand_types(expression: str, function: str, kind: str) -> None:
    value = TYPED.get(kind, {"N": "1"})
    if function in ("size", "BETWEEN", ">") and kind in ("BOOL", "NULL"):
        value = TYPED[kind]
    assert refused(expression, {":a": value}) == (
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


def test_equality_accepts_any_literal_type() -> None:
    for kind in TYPED.values():
        parse_filter("n = :a OR n <> :a", None, {":a": kind})


def test_attribute_type_names() -> None:
    message = refused("attribute_type(a, :a)", {":a": {"S": "1"}})
    assert message == (
        "Invalid attribute type name found; type: 1, valid types: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
    )


@pytest.mark.parametrize(
    "expression", ["attribute_exists(:a) and a=a", "attribute_not_exists(size(:a))"]
)
def test_functions_need_paths(expression: str) -> None:
    function = expression.split("(")[0]
    assert refused(expression, {":a": {"S": "1"}}) == (
        f"Operator or function requires a document path; operator or function: {function}"
    )


@pytest.mark.parametrize(
    ("expression", "operator", "path"),
    [
        ("a = a AND #a = b AND :views > a", "=", "[a]"),
        ("#a <> a", "<>", "[a]"),
        ("a > #a", ">", "[a]"),
        ("((a=a) OR (a=a))", "=", "[a]"),
        ("contains(ab.bc[1].a, ab.bc[1].#a)", "contains", "[ab, bc, [1], a]"),
        ("attribute_type(ab.bc[1].#a, ab.bc[1].a)", "attribute_type", "[ab, bc, [1], a]"),
        ("begins_with(ab.bc[1].a, ab.bc[1].#a)", "begins_with", "[ab, bc, [1], a]"),
    ],
)
def test_distinct_operands(expression: str, operator: str, path: str) -> None:
    assert refused(expression, None, {"#a": "a"}) == (
        "The first operand must be distinct from the remaining operands for this operator or "
        f"function; operator: {operator}, first operand: {path}"
    )


def test_between_bounds() -> None:
    assert refused("a between :b and :a", {":a": {"S": "a"}, ":b": {"N": "1"}}) == (
        "The BETWEEN operator requires same data type for lower and upper bounds; "
        "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
    )
    assert refused("a between :b and :a", {":a": {"S": "a"}, ":b": {"S": "b"}}) == (
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        "lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
    )


def test_in_accepts_up_to_100_operands() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    parse_filter("a IN (" + ", ".join(f":v{i}" for i in range(100)) + ")", None, values)
    with pytest.raises(ExpressionError, match="IN"):
        parse_filter("a IN (" + ", ".join(f":v{i}" for i in range(101)) + ")", None, values)


def test_prefix_follows_the_parameter() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_condition("status = :v", None, {":v": S})
    assert str(caught.value) == (
        "Invalid ConditionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: status"
    )


def test_keywords_are_case_insensitive_and_names_are_not() -> None:
    parsed = parse_filter("a BeTwEeN :a aNd :b oR NoT b In (:a)", None, {":a": N1, ":b": N1})
    assert parsed.values_used == {":a", ":b"}
    with pytest.raises(ExpressionError, match="Invalid function name; function: Size"):
        parse_filter("Size(a) > :a", None, {":a": N1})


# --- precedence and evaluation ---------------------------------------------------------------


def holds(expression: str, item: dict[str, Any], values: dict[str, Any] | None = None) -> bool:
    values = values or {":t": {"BOOL": True}, ":one": N1, ":two": {"N": "2"}, ":x": {"S": "x"}}
    used = {k: v for k, v in values.items() if k in expression}
    return evaluate_condition(parse_condition(expression, None, used), item)


T, F = {"BOOL": True}, {"BOOL": False}


@pytest.mark.parametrize(
    ("a", "b", "c"), [(x, y, z) for x in (T, F) for y in (T, F) for z in (T, F)]
)
def test_precedence_not_and_or(a: Any, b: Any, c: Any) -> None:
    item = {"a": a, "b": b, "c": c}
    truth = {k: v["BOOL"] for k, v in item.items()}
    assert holds("NOT a = :t AND b = :t OR c = :t", item) == (
        ((not truth["a"]) and truth["b"]) or truth["c"]
    )
    assert holds("a = :t OR b = :t AND c = :t", item) == (truth["a"] or (truth["b"] and truth["c"]))
    assert holds("NOT (a = :t OR b = :t)", item) == (not (truth["a"] or truth["b"]))
    assert holds("NOT NOT a = :t", item) == truth["a"]


ITEM: dict[str, Any] = {
    "n": {"N": "5"},
    "s": {"S": "hello"},
    "b": {"B": b"\x01\x02"},
    "ss": {"SS": ["x", "y"]},
    "ns": {"NS": ["1", "2"]},
    "l": {"L": [{"S": "x"}, {"N": "1"}]},
    "m": {"M": {"k": {"S": "v"}, "deep": {"L": [{"N": "7"}]}}},
    "nul": {"NULL": True},
    "flag": {"BOOL": True},
}


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("n = :v", {":v": {"N": "5.0"}}, True),
        ("n <> :v", {":v": {"N": "5"}}, False),
        ("n < :v", {":v": {"N": "10"}}, True),
        ("n >= :v", {":v": {"N": "5"}}, True),
        ("n > :v", {":v": {"S": "5"}}, False),
        ("n = :v", {":v": {"S": "5"}}, False),
        ("gone <> :v", {":v": {"S": "5"}}, True),
        ("gone = :v", {":v": {"S": "5"}}, False),
        ("gone < :v", {":v": {"S": "5"}}, False),
        ("s BETWEEN :a AND :b", {":a": {"S": "h"}, ":b": {"S": "i"}}, True),
        ("n BETWEEN :a AND :b", {":a": {"N": "6"}, ":b": {"N": "9"}}, False),
        ("n IN (:a, :b)", {":a": {"N": "1"}, ":b": {"N": "5"}}, True),
        ("n IN (:a)", {":a": {"S": "5"}}, False),
        ("attribute_exists(m.deep[0])", None, True),
        ("attribute_exists(m.deep[1])", None, False),
        ("attribute_not_exists(m.k.x)", None, True),
        ("attribute_type(ns, :t)", {":t": {"S": "NS"}}, True),
        ("attribute_type(nul, :t)", {":t": {"S": "NULL"}}, True),
        ("attribute_type(n, :t)", {":t": {"S": "S"}}, False),
        ("begins_with(s, :p)", {":p": {"S": "he"}}, True),
        ("begins_with(b, :p)", {":p": {"B": b"\x01"}}, True),
        ("begins_with(n, :p)", {":p": {"S": "5"}}, False),
        ("contains(s, :p)", {":p": {"S": "ell"}}, True),
        ("contains(ss, :p)", {":p": {"S": "y"}}, True),
        ("contains(ns, :p)", {":p": {"N": "2.0"}}, True),
        ("contains(l, :p)", {":p": {"N": "1"}}, True),
        ("contains(m, :p)", {":p": {"S": "k"}}, False),
        ("size(s) = :v", {":v": {"N": "5"}}, True),
        ("size(l) = :v", {":v": {"N": "2"}}, True),
        ("size(m) = :v", {":v": {"N": "2"}}, True),
        ("size(b) = :v", {":v": {"N": "2"}}, True),
        ("size(n) > :v", {":v": {"N": "0"}}, False),
        ("size(n) <> :v", {":v": {"N": "0"}}, True),
        ("size(gone) < :v", {":v": {"N": "10"}}, False),
        ("flag > n", None, False),
        ("ss > n", None, False),
        ("l = :v", {":v": {"L": [{"S": "x"}, {"N": "1.00"}]}}, True),
        ("ss = :v", {":v": {"SS": ["y", "x"]}}, True),
        ("m.k = :v", {":v": {"S": "v"}}, True),
        ("l[1] = :v", {":v": {"N": "1"}}, True),
    ],
)
def test_evaluation(expression: str, values: dict[str, Any] | None, expected: bool) -> None:
    parsed = parse_condition(expression, None, values)
    assert evaluate_condition(parsed, ITEM) is expected


def test_missing_item_is_empty() -> None:
    parsed = parse_condition("attribute_not_exists(pk)")
    assert evaluate_condition(parsed, None)
    assert evaluate_condition(parsed, {})
    assert not evaluate_condition(parse_condition("attribute_exists(pk)"), None)
    assert evaluate_condition(None, None)


def test_names_resolve_any_segment() -> None:
    names = {"#a": "a.b", "#i": "x"}
    parsed = parse_condition("#a.#i[0] = :v", names, {":v": N1})
    item = {"a.b": {"M": {"x": {"L": [N1]}}}}
    assert evaluate_condition(parsed, item)
    assert parsed.names_used == {"#a", "#i"}
