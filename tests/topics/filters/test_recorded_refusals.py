"""Every refusal here was recorded from AWS (Subscribe with a FilterPolicy attribute, or
SetSubscriptionAttributes): the whole message, parser position included, must be identical."""

from __future__ import annotations

import pytest

from tests.topics.filters.helpers import refusal

SUB = "Invalid parameter: Attributes Reason: FilterPolicy: "


def at(source: str, column: int) -> str:
    return f'\n at [Source: (String)"{source}"; line: 1, column: {column}]'


RECORDED_SUBSCRIBE = [
    (
        {"key": [["value"]]},
        "Match value must be String, number, true, false, or null" + at('{"key":[["value"]]}', 10),
    ),
    (
        {"key": [{"wrong-operator": True}]},
        "Unrecognized match type wrong-operator" + at('{"key":[{"wrong-operator":true}]}', 31),
    ),
    (
        {"key": [{"suffix": "value", "prefix": "value2"}]},
        "Only one key allowed in match expression"
        + at('{"key":[{"suffix":"value","prefix":"value2"}]}', 37),
    ),
    (
        {"key": [{"suffix": 100}]},
        "suffix match pattern must be a string" + at('{"key":[{"suffix":100}]}', 22),
    ),
    (
        {"key": [{"suffix": None}]},
        "suffix match pattern must be a string" + at('{"key":[{"suffix":null}]}', 23),
    ),
    (
        {"key": {"suffix": "value"}},
        '"suffix" must be an object or an array' + at('{"key":{"suffix":"value"}}', 19),
    ),
    (
        {"key": [{"suffix": []}]},
        "suffix match pattern must be a string" + at('{"key":[{"suffix":[]}]}', 20),
    ),
    (
        {"key": [{"suffix": ["test", "test2"]}]},
        "suffix match pattern must be a string" + at('{"key":[{"suffix":["test","test2"]}]}', 20),
    ),
    (
        {"key": {"suffix": "value", "prefix": "value"}},
        '"suffix" must be an object or an array'
        + at('{"key":{"suffix":"value","prefix":"value"}}', 19),
    ),
    (
        {"key": {"not-an-operator": "value"}},
        '"not-an-operator" must be an object or an array'
        + at('{"key":{"not-an-operator":"value"}}', 28),
    ),
    (
        {"key": [{"numeric": []}]},
        "Invalid member in numeric match: ]" + at('{"key":[{"numeric":[]}]}', 22),
    ),
    (
        {"key": [{"numeric": ["operator"]}]},
        "Unrecognized numeric range operator: operator"
        + at('{"key":[{"numeric":["operator"]}]}', 32),
    ),
    (
        {"key": [{"numeric": [1, "<="]}]},
        "Invalid member in numeric match: 1" + at('{"key":[{"numeric":[1,"<="]}]}', 22),
    ),
    (
        {"key": [{"numeric": ["=", "000"]}]},
        "Value of equals must be numeric" + at('{"key":[{"numeric":["=","000"]}]}', 26),
    ),
    (
        {"key": [{"numeric": [">="]}]},
        "Value of >= must be numeric" + at('{"key":[{"numeric":[">="]}]}', 26),
    ),
    (
        {"key": [{"numeric": ["<", 100, ">", 10]}]},
        "Too many elements in numeric expression"
        + at('{"key":[{"numeric":["<",100,">",10]}]}', 30),
    ),
    (
        {"key": [{"numeric": [">=", 1, ">", 2]}]},
        "Bad numeric range operator: >" + at('{"key":[{"numeric":[">=",1,">",2]}]}', 31),
    ),
    (
        {"key": [{"numeric": [">", 3, "<", 1]}]},
        "Bottom must be less than top" + at('{"key":[{"numeric":[">",3,"<",1]}]}', 33),
    ),
    (
        {"key": [{"numeric": [">", 20, "<="]}]},
        "Value of <= must be numeric" + at('{"key":[{"numeric":[">",20,"<="]}]}', 33),
    ),
    (
        {"key": [{"numeric": [">", 20, 30]}]},
        "Bad value in numeric range: 30" + at('{"key":[{"numeric":[">",20,30]}]}', 30),
    ),
    (
        {"key": [{"numeric": [">", 20, "test"]}]},
        "Bad numeric range operator: test" + at('{"key":[{"numeric":[">",20,"test"]}]}', 34),
    ),
    (
        {"key": [{"numeric": [">", "20", "<", "30"]}]},
        "Value of > must be numeric" + at('{"key":[{"numeric":[">","20","<","30"]}]}', 26),
    ),
    (
        {"key": [{"numeric": [">", 20, "<", "30"]}]},
        "Value of < must be numeric" + at('{"key":[{"numeric":[">",20,"<","30"]}]}', 33),
    ),
    (
        {"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]},
        "Too many terms in numeric range expression"
        + at('{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', 36),
    ),
    (
        {"key": [{"exists": None}]},
        "exists match pattern must be either true or false." + at('{"key":[{"exists":null}]}', 23),
    ),
    (
        {"key": [{"exists": "no"}]},
        "exists match pattern must be either true or false." + at('{"key":[{"exists":"no"}]}', 20),
    ),
    (
        {"key": [{"anything-but": {"wrong-operator": None}}]},
        "Unsupported anything-but pattern: wrong-operator"
        + at('{"key":[{"anything-but":{"wrong-operator":null}}]}', 47),
    ),
    (
        {"key": [{"anything-but": {"suffix": "test"}}]},
        "Unsupported anything-but pattern: suffix"
        + at('{"key":[{"anything-but":{"suffix":"test"}}]}', 36),
    ),
    (
        {"key": [{"anything-but": {"exists": False}}]},
        "Unsupported anything-but pattern: exists"
        + at('{"key":[{"anything-but":{"exists":false}}]}', 40),
    ),
    (
        {"key": [{"anything-but": {"prefix": False}}]},
        "prefix match pattern must be a string"
        + at('{"key":[{"anything-but":{"prefix":false}}]}', 40),
    ),
    ({"key": [f"value{i}" for i in range(151)]}, "Filter policy is too complex"),
    (
        {"key1": [f"value{i}" for i in range(100)], "key2": [f"value{i}" for i in range(51)]},
        "Filter policy is too complex",
    ),
    (
        {f"key{i}": [f"value{i}"] for i in range(1, 7)},
        "Filter policy can not have more than 5 keys",
    ),
]


@pytest.mark.parametrize(("document", "detail"), RECORDED_SUBSCRIBE)
def test_subscribe_refusal_is_recorded_text(document: object, detail: str) -> None:
    error = refusal(document)
    assert error.for_subscribe() == SUB + detail
    assert error.reason == detail.split("\n")[0]


def test_set_subscription_attributes_wording() -> None:
    error = refusal({"key_a": "value_one"}, "MessageBody")
    assert error.for_set_attributes() == (
        'Invalid parameter: FilterPolicy: "key_a" must be an object or an array'
        + at('{"key_a":"value_one"}', 11)
    )


def test_nested_policy_under_attribute_scope_has_no_label() -> None:
    error = refusal({"object": {"key": [{"prefix": "auto-"}]}}, "MessageAttributes")
    assert error.for_set_attributes() == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
        "filter policy"
    )


@pytest.mark.parametrize(
    ("document", "scope", "detail"),
    [
        (
            {
                "key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}},
                "key_d": {"key_e": ["v1", "v2", "v3"]},
                "key_f": ["v1", "v2", "v3"],
            },
            "MessageBody",
            "Filter policy is too complex",
        ),
        (
            {f"key_{c}": [f"value_{c}"] for c in "abcdef"},
            "MessageBody",
            "Filter policy can not have more than 5 keys",
        ),
    ],
)
def test_set_attributes_recorded_limits(document: object, scope: str, detail: str) -> None:
    assert (
        refusal(document, scope).for_set_attributes()
        == "Invalid parameter: FilterPolicy: " + detail
    )


def test_invalid_json_is_failed_to_parse() -> None:
    error = refusal("{invalidjson}")
    assert error.for_set_attributes().startswith(
        "Invalid parameter: FilterPolicy: failed to parse JSON."
    )
