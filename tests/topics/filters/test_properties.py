"""Properties over random input: compiling either succeeds or raises FilterPolicyError, and
matching never raises."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skybus.engines.topics.filters import FilterPolicyError, compile_policy
from skybus.engines.topics.filters.canonical import canonicalize, java_double

OPERATORS = ["prefix", "suffix", "anything-but", "numeric", "exists", "cidr",
             "equals-ignore-case", "wildcard", "$or", "=", "<", ">=", "bogus"]  # fmt: skip
KEYS = st.sampled_from(["a", "b", "c", "a.b", "$or", "numeric", "prefix", "k"]) | st.text(
    max_size=4
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from([*OPERATORS, "10.0.0.0/8", "::1", "1.2.3.4/33", "<=", "x"])
)


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(OPERATORS) | KEYS, children, max_size=4)


json_values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=5) | _objects(children), max_leaves=25
)
policies = _objects(json_values)

attribute_values = st.fixed_dictionaries(
    {
        "DataType": st.sampled_from(
            ["String", "Number", "String.Array", "Binary", "String.x", "Number.y", "Odd"]
        ),
        "StringValue": st.text(max_size=8)
        | st.integers().map(str)
        | st.lists(scalars, max_size=3).map(json.dumps),
    }
)
attributes = st.dictionaries(KEYS, attribute_values | st.just({}), max_size=4)
bodies = st.text(max_size=20) | json_values.map(json.dumps) | _objects(json_values).map(json.dumps)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(policies, st.sampled_from(["MessageAttributes", "MessageBody"]), attributes, bodies)
def test_random_policies_compile_or_refuse_and_never_crash_matching(
    document: dict[str, Any], scope: str, message_attributes: dict[str, Any], body: str
) -> None:
    try:
        rule = compile_policy(json.dumps(document), scope)
    except FilterPolicyError as error:
        refused = error
    else:
        assert isinstance(rule.matches_attributes(message_attributes), bool)
        assert isinstance(rule.matches_body(body), bool)
        return
    assert refused.detail
    assert refused.for_subscribe().startswith("Invalid parameter: Attributes Reason: ")


@SETTINGS
@given(st.text(max_size=40))
def test_arbitrary_text_compiles_or_refuses(text: str) -> None:
    with contextlib.suppress(FilterPolicyError):
        compile_policy(text, "MessageBody")


@SETTINGS
@given(json_values)
def test_canonical_text_is_the_same_json(document: object) -> None:
    text, tokens = canonicalize(document)
    assert json.loads(text) == document
    assert all(text[token.start : token.end] == token.text for token in tokens)


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_double_spelling_reads_back(number: float) -> None:
    spelled = java_double(number)
    assert float(spelled) == number
    assert "." in spelled


# --- Policies built from the grammar: mostly valid, so matching gets exercised ---------------

numbers = st.integers(min_value=-1000, max_value=1000) | st.floats(min_value=-1e3, max_value=1e3)
words = st.sampled_from(["a", "ab", "b", "rugby", "10.0.0.1", "", "A"])
match_values = st.one_of(
    words,
    numbers,
    st.sampled_from([None, True, False]),
    words.map(lambda w: {"prefix": w}),
    words.map(lambda w: {"suffix": w}),
    words.map(lambda w: {"equals-ignore-case": w}),
    words.map(lambda w: {"anything-but": w}),
    st.lists(words, min_size=1, max_size=3).map(lambda ws: {"anything-but": ws}),
    st.lists(numbers, min_size=1, max_size=3).map(lambda ns: {"anything-but": ns}),
    words.filter(bool).map(lambda w: {"anything-but": {"prefix": w}}),
    st.booleans().map(lambda flag: {"exists": flag}),
    st.sampled_from(["10.0.0.0/8", "2001:db8::/32", "0.0.0.0/0"]).map(lambda c: {"cidr": c}),
    st.tuples(st.sampled_from(["=", "<", "<=", ">", ">="]), numbers).map(
        lambda op: {"numeric": list(op)}
    ),
    st.tuples(numbers, numbers).map(
        lambda pair: {"numeric": [">", min(pair), "<=", max(pair) + 1]}
    ),
)
value_lists = st.lists(match_values, min_size=1, max_size=4)
names = st.sampled_from(["a", "b", "c", "a.b"])


def _rules(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    nested = st.dictionaries(names, children, min_size=1, max_size=3)
    with_or = st.tuples(nested, st.lists(nested, min_size=2, max_size=3)).map(
        lambda pair: {**pair[0], "$or": pair[1]}
    )
    return nested | with_or


grammar_policies = st.recursive(value_lists, _rules, max_leaves=8).filter(
    lambda document: isinstance(document, dict)
)
message_bodies = st.recursive(
    st.none() | st.booleans() | numbers | words,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(names, children, max_size=3),
    max_leaves=12,
)
grammar_attributes = st.dictionaries(
    names,
    st.one_of(
        words.map(lambda w: {"DataType": "String", "StringValue": w}),
        numbers.map(lambda x: {"DataType": "Number", "StringValue": str(x)}),
        st.lists(st.none() | words | numbers, max_size=3).map(
            lambda xs: {"DataType": "String.Array", "StringValue": json.dumps(xs)}
        ),
    ),
    max_size=3,
)
LIMIT_REFUSALS = {
    "Filter policy is too complex",
    "Filter policy can not have more than 5 keys",
    "Filter policy scope MessageAttributes does not support nested filter policy",
}


@SETTINGS
@given(grammar_policies, st.sampled_from(["MessageAttributes", "MessageBody"]),
       grammar_attributes, message_bodies)  # fmt: skip
def test_grammar_policies_compile_and_match(
    document: dict[str, Any], scope: str, message_attributes: dict[str, Any], body: object
) -> None:
    try:
        rule = compile_policy(json.dumps(document), scope)
    except FilterPolicyError as error:
        reason = error.reason
        assert reason in LIMIT_REFUSALS
        return
    assert isinstance(rule.matches_attributes(message_attributes), bool)
    assert isinstance(rule.matches_body(json.dumps(body)), bool)
    assert isinstance(rule.matches_document({"a": body, "b": [body, body]}), bool)


flat_policies = st.dictionaries(names.filter(lambda name: "." not in name), value_lists, min_size=1)
flat_messages = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), words | numbers.filter(lambda x: x == x), min_size=1
)


@SETTINGS
@given(flat_policies, flat_messages)
def test_attribute_and_body_scopes_agree_on_flat_messages(
    document: dict[str, Any], message: dict[str, Any]
) -> None:
    """A flat message matches the same whether sent as String/Number attributes or as a body."""
    try:
        by_attributes = compile_policy(json.dumps(document), "MessageAttributes")
    except FilterPolicyError:
        return
    by_body = compile_policy(json.dumps(document), "MessageBody")
    attributes = {
        name: {"DataType": "String", "StringValue": value}
        if isinstance(value, str)
        else {"DataType": "Number", "StringValue": repr(value)}
        for name, value in message.items()
    }
    assert by_attributes.matches_attributes(attributes) == by_body.matches_document(message)
