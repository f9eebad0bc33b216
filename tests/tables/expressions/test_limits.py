"""Bounded work: size and operator limits, deep nesting refused quickly, and random token soup
that only ever yields an ExpressionError, fast."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skybus.engines.tables.expressions import (
    ExpressionError,
    parse_condition,
    parse_filter,
    parse_key_condition,
    parse_projection,
    parse_update,
)


def test_expression_size_limit() -> None:
    values = {":v": {"S": "x"}}

    def update(size: int) -> str:
        return "SET a" + "c" * (size - len("SET a = :v")) + " = :v"

    parse_update(update(4096), None, values)
    with pytest.raises(ExpressionError) as caught:
        parse_update(update(4097), None, values)
    assert str(caught.value) == (
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;"
    )
    condition = "a" + "z" * 4096 + " = :v"
    with pytest.raises(ExpressionError) as caught:
        parse_filter(condition, None, values)
    assert str(caught.value) == (
        "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; "
        f"expression size: {len(condition)}"
    )
    with pytest.raises(ExpressionError, match="size has exceeded"):
        parse_condition("a = :v AND b = :\u00e9" + "x" * 4080, None, values)


def test_operator_limit() -> None:
    values = {":one": {"N": "1"}}
    parse_condition("a<b " + "or (a<b " * 149 + ")" * 149)
    with pytest.raises(ExpressionError) as caught:
        parse_condition("a<b " + "or (a<b " * 454 + ")" * 454)
    assert str(caught.value) == (
        "Invalid ConditionExpression: The expression contains too many operators; "
        "operator count: 909"
    )
    with pytest.raises(ExpressionError, match="too many operators; operator count: 1001"):
        parse_condition("not " * 1000 + "a<b")
    parse_condition("not " * 298 + "a<b")
    parse_update("SET " + ",".join(f"a{i}=b+:one" for i in range(300)), None, values)
    with pytest.raises(ExpressionError, match="operator count: 301"):
        parse_update("SET " + ",".join(f"a{i}=b+:one" for i in range(301)), None, values)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "(" * 20000 + "a<b" + ")" * 20000,
            "Expression size has exceeded the maximum allowed size",
        ),
        ("(" * 2046 + "a<b" + ")" * 2046, "The expression has redundant parentheses;"),
        ("a < " + "f(" * 1355 + "b" + ")" * 1355, "Invalid function name; function: f"),
        ("a < " + "size(" * 680 + "b" + ")" * 680, "nested"),
        ("a < " + "(" * 2000, "nested"),
        ("(a<b and " * 400 + "a<b" + ")" * 400, "too many operators"),
    ],
)
def test_deep_nesting_is_refused_fast(expression: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(")):
        parse_condition(expression)
    assert time.perf_counter() - started < 1.0


TOKENS = [
    "a", "b.c", "#n", ":v", "[0]", "[", "]", "(", ")", ",", ".", "=", "<>", "<", "<=", ">",
    ">=", "+", "-", "AND", "or", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE",
    "size", "attribute_exists", "if_not_exists", "list_append", "begins_with", "contains",
    "attribute_type", "status", "#", ":", "1", "x y", "!", "\u00fc", "f",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60), st.sampled_from(range(5)))
def test_token_soup_only_raises_expression_errors(tokens: list[str], which: int) -> None:
    expression = " ".join(tokens)
    names = {"#n": "name"}
    values = {":v": {"S": "v"}}
    parsers: list[Callable[[], object]] = [
        lambda: parse_condition(expression, names, values),
        lambda: parse_filter(expression, names, values),
        lambda: parse_update(expression, names, values),
        lambda: parse_key_condition(expression, names, values),
        lambda: parse_projection(expression, names),
    ]
    parser = parsers[which]
    started = time.perf_counter()
    with contextlib.suppress(ExpressionError):
        parser()
    assert time.perf_counter() - started < 0.5
