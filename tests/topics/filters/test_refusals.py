"""Refusals beyond the recorded ones: the rule compiler's other checks, SNS's limits, and how
positions and the quoted source are written."""

from __future__ import annotations

import pytest

from skybus import limits
from skybus.engines.topics.filters import compile_policy
from tests.topics.filters.helpers import policy, refusal

MIXED = (
    "Inside anything but list, either all values are number or string, mixed type is not supported"
)
ANYTHING_BUT_VALUE = "Value of anything-but must be an array or single string/number value."
RESERVED = "prefix is Ruler reserved fieldName which cannot be used inside $or."
RANGE = "Value must be between -1.0E9 and 1.0E9, inclusive"


# The third column is the compact text AWS quotes, with "|" where the parser stood.
@pytest.mark.parametrize(
    ("text", "reason", "marked"),
    [
        ("[]", "Filter is not an object", "[|]"),
        ('"text"', "Filter is not an object", '"|text"'),
        ("{}", "Empty objects are not allowed", "{}|"),
        ('{"a": {}}', "Empty objects are not allowed", '{"a":{}|}'),
        ('{"a": []}', "Empty arrays are not allowed", '{"a":[]|}'),
        ('{"a": [{}]}', "Match expression name not found", '{"a":[{}|]}'),
        ('{"a": 5}', '"a" must be an object or an array', '{"a":5|}'),
        ('{"a": [{"numeric": 5}]}', "Value of numeric must be an array.", '{"a":[{"numeric":5|}]}'),
        (
            '{"a": [{"numeric": ["=", 5, 6]}]}',
            "Too many elements in numeric expression",
            '{"a":[{"numeric":["=",5,6|]}]}',
        ),
        (
            '{"a": [{"numeric": ["<", 5], "x": 1}]}',
            "Too many elements in numeric expression",
            '{"a":[{"numeric":["<",5],"x":1|}]}',
        ),
        (
            '{"a": [{"prefix": "x", "y": 1}]}',
            "Only one key allowed in match expression",
            '{"a":[{"prefix":"x","y":1|}]}',
        ),
        (
            '{"a": [{"equals-ignore-case": 5}]}',
            "equals-ignore-case match pattern must be a string",
            '{"a":[{"equals-ignore-case":5|}]}',
        ),
        ('{"a": [{"cidr": 5}]}', "prefix match pattern must be a string", '{"a":[{"cidr":5|}]}'),
        (
            '{"a": [{"wildcard": "x*"}]}',
            "Unrecognized match type wildcard",
            '{"a":[{"wildcard":"|x*"}]}',
        ),
        ('{"a": [{"exact": "x"}]}', "Unrecognized match type exact", '{"a":[{"exact":"|x"}]}'),
        (
            '{"a": [{"exists": true, "b": 1}]}',
            "Only one key allowed in match expression",
            '{"a":[{"exists":true,"b":1|}]}',
        ),
        (
            '{"a": [{"anything-but": {}}]}',
            "Anything-But expression name not found",
            '{"a":[{"anything-but":{}|}]}',
        ),
        (
            '{"a": [{"anything-but": {"equals-ignore-case": "x"}}]}',
            "Unsupported anything-but pattern: equals-ignore-case",
            '{"a":[{"anything-but":{"equals-ignore-case":"|x"}}]}',
        ),
        (
            '{"a": [{"anything-but": {"prefix": ""}}]}',
            "Null prefix not allowed",
            '{"a":[{"anything-but":{"prefix":""|}}]}',
        ),
        (
            '{"a": [{"anything-but": {"prefix": "x", "y": 1}}]}',
            "Only one key allowed in match expression",
            '{"a":[{"anything-but":{"prefix":"x","y":1|}}]}',
        ),
        ('{"a": [{"anything-but": true}]}', ANYTHING_BUT_VALUE, '{"a":[{"anything-but":true|}]}'),
        (
            '{"a": [{"anything-but": [null]}]}',
            "Inside anything but list, start|null|boolean is not supported.",
            '{"a":[{"anything-but":[null|]}]}',
        ),
        ('{"a": [{"anything-but": []}]}', MIXED, '{"a":[{"anything-but":[]|}]}'),
        ('{"a": [{"anything-but": ["x", 1]}]}', MIXED, '{"a":[{"anything-but":["x",1]|}]}'),
        (
            '{"a": [{"anything-but": "x", "b": 1}]}',
            "Too many elements in numeric expression",
            '{"a":[{"anything-but":"x","b":1|}]}',
        ),
        ('{"$or": "x"}', "It must be an Array followed with $or.", '{"$or":"|x"}'),
        (
            '{"$or": ["x", "y"]}',
            "Only JSON object is allowed in array of $or relationship.",
            '{"$or":["|x","y"]}',
        ),
        (
            '{"$or": [{"a": ["x"]}]}',
            "There must have at least 2 Objects in $or relationship.",
            '{"$or":[{"a":["x"]}]|}',
        ),
        (
            '{"$or": [{"prefix": ["x"]}, {"b": ["y"]}]}',
            RESERVED,
            '{"$or":[{"prefix":[|"x"]},{"b":["y"]}]}',
        ),
        ('{"a": [{"numeric": [">", 1e10]}]}', RANGE, '{"a":[{"numeric":[">",1.0E10]|}]}'),
        ('{"a": [{"numeric": ["<", -2e9]}]}', RANGE, '{"a":[{"numeric":["<",-2.0E9]|}]}'),
        (
            '{"a": [{"anything-but": [1, 2000000000]}]}',
            RANGE,
            '{"a":[{"anything-but":[1,2000000000|]}]}',
        ),
        (
            '{"a": [{"numeric": [">", 1, "<=", 1.0000001]}]}',
            "Bottom must be less than top",
            '{"a":[{"numeric":[">",1,"<=",1.0000001]|}]}',
        ),
    ],
)
def test_rule_compiler_refusal(text: str, reason: str, marked: str) -> None:
    column = marked.index("|") + 1
    source = marked.replace("|", "")
    assert refusal(text).detail == (
        f'{reason}\n at [Source: (String)"{source}"; line: 1, column: {column}]'
    )


@pytest.mark.parametrize(
    ("cidr", "reason"),
    [
        ("10.0.0.0", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/8/8", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/x", "Malformed CIDR, mask bits must be an integer"),
        ("10.0.0.0/-1", "Malformed CIDR, mask bits must not be negative"),
        ("10.0.0.0/32", "IPv4 mask bits must be < 32"),
        ("2001:db8::/128", "IPv6 mask bits must be < 128"),
        ("host.example/24", "Nonstandard IP address: host.example"),
        ("10.0.0.300/24", "Invalid IP address: 10.0.0.300"),
    ],
)
def test_cidr_refusals_have_no_position(cidr: str, reason: str) -> None:
    error = refusal({"ip": [{"cidr": cidr}]})
    assert error.detail == reason


def test_single_anything_but_number_out_of_range_has_no_position() -> None:
    error = refusal({"a": [{"anything-but": 5e9}]})
    assert error.detail == "Value must be between -1.0E9 and 1.0E9, inclusive"


@pytest.mark.parametrize(
    "text", ["", "{", "{invalidjson}", '{"a": [NaN]}', '{"a": [1e999]}', "nul"]
)
def test_unparseable_text(text: str) -> None:
    error = refusal(text)
    assert error.detail == "failed to parse JSON."
    assert error.for_subscribe() == (
        "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON."
    )


def test_policy_larger_than_256_kb_is_refused() -> None:
    padding = "x" * limits.SNS_FILTER_POLICY_MAX_BYTES
    assert refusal({"a": [padding]}).reason == "Filter policy is too large"


def test_source_is_truncated_after_500_characters() -> None:
    long_value = "v" * 600
    error = refusal({"a": [long_value], "b": [[1]]})
    compact = '{"a":["' + long_value + '"],"b":[[1]]}'
    assert error.detail == (
        'Match value must be String, number, true, false, or null\n at [Source: (String)"'
        + compact[:500]
        + f'"[truncated {len(compact) - 500} chars]; line: 1, column: {len(compact) - 3}]'
    )


def test_position_counts_utf16_units_and_numbers_are_spelled_as_java() -> None:
    error = refusal({"ключ😀": [1e20, 0.5, 100, [1]]})
    source = '{"ключ😀":[1.0E20,0.5,100,['
    assert error.detail.endswith(f"; line: 1, column: {len(source) + 2}]")
    assert '(String)"{"ключ😀":[1.0E20,0.5,100,[1]]}"' in error.detail


def test_control_characters_are_escaped_in_source() -> None:
    error = refusal({"a\nb": 5})
    assert error.detail == (
        '"a\nb" must be an object or an array'
        '\n at [Source: (String)"{"a\\nb":5}"; line: 1, column: 10]'
    )


def test_valid_forms_are_accepted() -> None:
    accepted = [
        {"key": [{"anything-but": {"prefix": "test-"}}]},
        {"key": [{"anything-but": ["test", "test2"]}]},
        {"key": [{"anything-but": "test"}]},
        {"key": [{"anything-but": [1, 2.5]}]},
        {"key": [{"anything-but": 7}]},
        {"key": [{"numeric": ["=", 5]}, {"numeric": [">=", 0, "<", 1]}, {"numeric": ["<=", 9]}]},
        {"key": [{"exists": True}, {"exists": False}]},
        {"key": [{"prefix": ""}, {"suffix": ".png"}, {"equals-ignore-case": "X"}]},
        {"key": [{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}, "10.1.1.1", None, True, 12]},
        {"$or": [{"a": ["x"]}, {"b": ["y"]}], "numeric": ["top-level keys may be operator names"]},
        {"a": [123456789012345678901234567890]},
    ]
    for document in accepted:
        policy(document)


def test_unknown_scope_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="scope"):
        compile_policy('{"a": ["b"]}', "Body")
