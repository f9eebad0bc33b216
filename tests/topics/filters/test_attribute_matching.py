"""Matching MessageAttributes: every operator, both ways, and the attribute data types."""

from __future__ import annotations

import pytest

from tests.topics.filters.helpers import arr, b, n, policy, s

Attrs = dict[str, dict[str, object]]

# (policy value list for key "k", attribute value, expected)
OPERATORS: list[tuple[list[object], dict[str, object], bool]] = [
    # exact strings: case-sensitive, strings only
    (["rugby", "tennis"], s("rugby"), True),
    (["rugby", "tennis"], s("Rugby"), False),
    (["rugby"], s("rugby "), False),
    (["5"], n("5"), False),
    # exact numbers: numeric equality, numbers only
    ([5], n("5"), True),
    ([5], n("5.0"), True),
    ([5], n("5.000000"), True),
    ([5], n("5e0"), True),
    ([5.5], n("5.5"), True),
    ([5], n("5.01"), False),
    ([5], s("5"), False),
    ([0.1], n("0.1000001"), True),  # compared to six decimals
    ([0.1], n("0.100001"), False),
    ([123456789012], n("123456789012"), True),  # beyond the range: equal outright
    ([123456789012], n("123456789013"), False),
    # prefix / suffix
    ([{"prefix": "bas"}], s("baseball"), True),
    ([{"prefix": "bas"}], s("rugby"), False),
    ([{"prefix": "1"}], n("100"), False),
    ([{"suffix": "ball"}], s("baseball"), True),
    ([{"suffix": "ball"}], s("balls"), False),
    ([{"prefix": ""}], s("anything"), True),
    # equals-ignore-case
    ([{"equals-ignore-case": "ReD"}], s("rEd"), True),
    ([{"equals-ignore-case": "red"}], s("reds"), False),
    # anything-but
    ([{"anything-but": ["rugby", "tennis"]}], s("baseball"), True),
    ([{"anything-but": ["rugby", "tennis"]}], s("rugby"), False),
    ([{"anything-but": "rugby"}], s("rugby"), False),
    ([{"anything-but": "rugby"}], n("5"), True),
    ([{"anything-but": [100, 200]}], n("150"), True),
    ([{"anything-but": [100, 200]}], n("100.0"), False),
    ([{"anything-but": 100}], n("100"), False),
    ([{"anything-but": 100}], s("100"), True),
    ([{"anything-but": {"prefix": "order-"}}], s("invoice-1"), True),
    ([{"anything-but": {"prefix": "order-"}}], s("order-1"), False),
    # numeric
    ([{"numeric": [">", 0, "<=", 100]}], n("99"), True),
    ([{"numeric": [">", 0, "<=", 100]}], n("100"), True),
    ([{"numeric": [">", 0, "<=", 100]}], n("0"), False),
    ([{"numeric": [">", 0, "<=", 100]}], n("111"), False),
    ([{"numeric": [">=", 0, "<", 100]}], n("0"), True),
    ([{"numeric": [">=", 0, "<", 100]}], n("100"), False),
    ([{"numeric": ["=", 3.018e2]}], n("301.8"), True),
    ([{"numeric": ["=", 301.8]}], n("301.9"), False),
    ([{"numeric": ["<", 0]}], n("-0.5"), True),
    ([{"numeric": ["<", 0]}], n("0"), False),
    ([{"numeric": [">", 0]}], s("5"), False),
    ([{"numeric": [">", 0]}], n("2000000000"), False),  # beyond the comparable range
    # exists
    ([{"exists": True}], s("anything"), True),
    ([{"exists": True}], n("1"), True),
    ([{"exists": False}], s("anything"), False),
    # cidr and IP literals
    ([{"cidr": "10.0.0.0/24"}], s("10.0.0.255"), True),
    ([{"cidr": "10.0.0.0/24"}], s("10.0.1.0"), False),
    ([{"cidr": "10.0.0.128/25"}], s("10.0.0.127"), False),
    ([{"cidr": "10.0.0.5/24"}], s("10.0.0.4"), False),  # the range starts at the address given
    ([{"cidr": "2001:db8::/32"}], s("2001:db8:ffff::1"), True),
    ([{"cidr": "2001:db8::/32"}], s("2001:db9::1"), False),
    ([{"cidr": "10.0.0.0/8"}], s("::ffff:a01:203"), True),  # IPv4-mapped: 10.1.2.3
    ([{"cidr": "10.0.0.0/8"}], s("not-an-ip"), False),
    ([{"cidr": "0.0.0.0/0"}], s("2001:db8::1"), False),  # families never mix
    (["2001:db8::1"], s("2001:0db8:0:0:0:0:0:1"), True),
    (["10.0.0.1"], s("10.0.0.1"), True),
    (["10.0.0.1"], s("10.0.0.2"), False),
    # true / false / null never match a String or Number attribute
    ([True], s("true"), False),
    ([None], s("null"), False),
]


@pytest.mark.parametrize(("values", "attribute", "expected"), OPERATORS)
def test_operator(values: list[object], attribute: dict[str, object], expected: bool) -> None:
    assert policy({"k": values}).matches_attributes({"k": attribute}) is expected


def test_recorded_numeric_range_delivery() -> None:
    rule = policy({"attr1": [{"numeric": [">", 0, "<=", 100]}]})
    assert rule.matches_attributes({"attr1": n("99")})
    assert not rule.matches_attributes({"attr1": n("111")})


def test_null_or_anything_but_needs_the_attribute() -> None:
    # Recorded: a message without attributes is not delivered to this policy.
    rule = policy({"attr1": [None, {"anything-but": "whatever"}]})
    assert not rule.matches_attributes({})
    assert not rule.matches_attributes({"other": s("x")})
    assert rule.matches_attributes({"attr1": s("x")})


def test_exists() -> None:
    present = policy({"store": [{"exists": True}]})
    assert present.matches_attributes({"store": n("99"), "def": n("99")})
    assert not present.matches_attributes({"attr1": n("111")})
    absent = policy({"store": [{"exists": False}]})
    assert absent.matches_attributes({"def": n("99")})
    assert not absent.matches_attributes({"store": n("99"), "def": n("99")})
    # Documented: an empty set of attributes matches no policy, not even exists: false.
    assert not absent.matches_attributes({})


def test_exists_false_or_value() -> None:
    rule = policy({"k": ["a", {"exists": False}]})
    assert rule.matches_attributes({"other": s("x")})
    assert rule.matches_attributes({"k": s("a")})
    assert not rule.matches_attributes({"k": s("b")})


def test_string_array_any_element_matches() -> None:
    rule = policy({"store": ["value1"]})
    assert rule.matches_attributes({"store": s("value1")})
    assert rule.matches_attributes({"store": arr("value1", "value2")})
    assert not rule.matches_attributes({"store": arr("value2", "value3")})


def test_string_array_elements_keep_their_json_types() -> None:
    assert policy({"k": [5]}).matches_attributes({"k": arr("x", 5.0)})
    assert not policy({"k": ["5"]}).matches_attributes({"k": arr(5)})
    assert policy({"k": [{"numeric": [">", 10]}]}).matches_attributes({"k": arr("a", 11)})
    assert policy({"k": [True]}).matches_attributes({"k": arr(True)})
    assert policy({"k": [None]}).matches_attributes({"k": arr("a", None)})
    assert not policy({"k": [False]}).matches_attributes({"k": arr(True)})
    assert policy({"k": [{"prefix": "ru"}]}).matches_attributes({"k": arr("soccer", "rugby")})


def test_string_array_anything_but_needs_no_element_listed() -> None:
    rule = policy({"k": [{"anything-but": ["rugby", "tennis"]}]})
    assert rule.matches_attributes({"k": arr("baseball", "football")})
    assert not rule.matches_attributes({"k": arr("rugby", "baseball")})
    assert not rule.matches_attributes({"k": arr("rugby")})


def test_empty_or_invalid_string_array_is_absent() -> None:
    assert not policy({"k": [{"exists": True}]}).matches_attributes({"k": arr()})
    assert policy({"k": [{"exists": False}]}).matches_attributes({"k": arr()})
    broken = {"DataType": "String.Array", "StringValue": "[not json"}
    assert not policy({"k": [{"exists": True}]}).matches_attributes({"k": broken})


def test_binary_attributes_are_ignored() -> None:
    assert not policy({"k": [{"exists": True}]}).matches_attributes({"k": b(b"x")})
    assert policy({"k": [{"exists": False}]}).matches_attributes({"k": b(b"x")})


def test_custom_data_types_use_their_base_type() -> None:
    assert policy({"k": ["v"]}).matches_attributes(
        {"k": {"DataType": "String.id", "StringValue": "v"}}
    )
    number = {"DataType": "Number.float", "StringValue": "2.50"}
    assert policy({"k": [2.5]}).matches_attributes({"k": number})


def test_quotes_and_backslashes_must_be_double_escaped() -> None:
    # Documented: a String attribute value a"b\c matches the policy string a\"b\\c.
    value = s('say "hi" \\o/')
    assert policy({"k": ['say \\"hi\\" \\\\o/']}).matches_attributes({"k": value})
    assert not policy({"k": ['say "hi" \\o/']}).matches_attributes({"k": value})


def test_keys_are_and_values_are_or() -> None:
    rule = policy({"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]})
    assert rule.matches_attributes({"customer_interests": s("rugby"), "price_usd": n("101")})
    assert not rule.matches_attributes({"customer_interests": s("rugby"), "price_usd": n("99")})
    assert not rule.matches_attributes({"customer_interests": s("rugby")})


def test_or_operator() -> None:
    rule = policy(
        {"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPU"]}, {"namespace": ["AWS/EC2"]}]}
    )
    assert rule.matches_attributes({"source": s("aws.cloudwatch"), "metricName": s("CPU")})
    assert rule.matches_attributes({"source": s("aws.cloudwatch"), "namespace": s("AWS/EC2")})
    assert not rule.matches_attributes({"source": s("aws.cloudwatch"), "namespace": s("x")})
    assert not rule.matches_attributes({"metricName": s("CPU")})


def test_attribute_names_with_dots_are_plain_names() -> None:
    rule = policy({"a.b": ["x"]})
    assert rule.matches_attributes({"a.b": s("x")})


def test_matching_by_scope() -> None:
    rule = policy({"k": ["v"]})
    assert rule.matches({"k": s("v")}, '{"k": "w"}')
    body_rule = policy({"k": ["v"]}, "MessageBody")
    assert body_rule.matches({"k": s("w")}, '{"k": "v"}')


@pytest.mark.parametrize(
    "attributes",
    [
        {"k": "not a dict"},
        {"k": {"DataType": 5, "StringValue": "v"}},
        {"k": {"DataType": "String"}},
        {"k": {"DataType": "Number", "StringValue": "abc"}},
        {"k": {"DataType": "Number", "StringValue": "nan"}},
    ],
)
def test_malformed_attributes_are_absent(attributes: Attrs) -> None:
    assert not policy({"k": [{"exists": True}]}).matches_attributes(attributes)
