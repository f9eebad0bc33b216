"""Attribute values: validation messages, sizes, equality, ordering, contains/begins_with/size,
and the ADD and DELETE update semantics."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from skybus.engines.tables import values
from skybus.engines.tables.values import AttributeValue, InvalidValue

INVALID = "One or more parameter values were invalid: "
OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
MANY = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
NULL_FALSE = INVALID + "Null attribute value types must have the value of true"
EMPTY_KEY = (
    "One or more parameter values are not valid. "
    "The AttributeValue for a key attribute cannot contain an empty {} value. Key: pk"
)
HASH_TOO_LONG = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_TOO_LONG = (
    INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)


def refused(value: Any) -> str:
    with pytest.raises(InvalidValue) as caught:
        values.check_value(value)
    return str(caught.value)


def deep_map(depth: int) -> AttributeValue:
    """A leaf wrapped in ``depth`` single-key maps."""
    value: AttributeValue = {"S": "leaf"}
    for _ in range(depth):
        value = {"M": {"n": value}}
    return value


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, EMPTY),
        ({"S": None}, EMPTY),
        ({"M": {"a": {}}}, EMPTY),
        ({"L": [{}]}, EMPTY),
        ({"S": "a", "N": "1"}, MANY),
        ({"S": "a", "BOOL": True}, MANY),
        ({"NULL": False}, NULL_FALSE),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
        ({"SS": ["b", "a", "b"]}, INVALID + "Input collection [b, a, b] contains duplicates."),
        ({"BS": [b"b", b"b"]}, INVALID
         + "Input collection [Yg==, Yg==]of type BS contains duplicates."),
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"NS": ["1e3", "1000"]}, "Input collection contains duplicates"),
        ({"N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"N": "b"}, NOT_NUMERIC + ": b"),
        ({"NS": ["1", ""]}, "The parameter cannot be converted to a numeric value"),
        ({"NS": ["1", "b"]}, NOT_NUMERIC + ": b"),
        ({"N": "1e126"}, OVERFLOW),
        ({"N": "123456789012345678901234567890123456789"}, TOO_PRECISE),
        # Each type's content is checked before the number of types.
        ({"S": "a", "N": "b"}, NOT_NUMERIC + ": b"),
        # Nested values get the same checks.
        ({"M": {"x": {"SS": []}}}, INVALID + "An string set  may not be empty"),
        ({"L": [{"S": "ok"}, {"NULL": False}]}, NULL_FALSE),
        ({"L": [{"M": {"n": {"N": "1e-131"}}}]}, UNDERFLOW),
    ],
)  # fmt: skip
def test_refused_values(value: Any, message: str) -> None:
    assert refused(value) == message


def test_json_type_errors_are_serialization_errors() -> None:
    wrong: list[Any] = [{"N": 123}, {"S": 1}, {"BOOL": "true"}, {"SS": "a"}, {"L": {}}, "x"]
    for value in wrong:
        with pytest.raises(InvalidValue) as caught:
            values.check_value(value)
        assert caught.value.code == "SerializationException"


def test_path_is_kept_for_the_caller() -> None:
    with pytest.raises(InvalidValue) as caught:
        values.check_value({"SS": []}, path=":v")
    assert caught.value.path == ":v"
    assert caught.value.code == "ValidationException"


def test_nesting_limit_is_32_levels() -> None:
    # The attribute itself is level 1: a leaf at level 32 is the deepest accepted.
    assert values.check_value(deep_map(31)) == deep_map(31)
    assert refused(deep_map(32)) == TOO_DEEP
    listed: AttributeValue = {"S": "leaf"}
    for _ in range(32):
        listed = {"L": [listed]}
    assert refused(listed) == TOO_DEEP


def test_check_value_normalizes_numbers_everywhere() -> None:
    value: AttributeValue = {
        "M": {
            "n": {"N": "1e3"},
            "l": {"L": [{"N": "-0"}, {"NS": ["+1", ".5"]}, {"S": "1e3"}]},
        }
    }
    assert values.check_value(value) == {
        "M": {
            "n": {"N": "1000"},
            "l": {"L": [{"N": "0"}, {"NS": ["1", "0.5"]}, {"S": "1e3"}]},
        }
    }
    assert value["M"]["n"] == {"N": "1e3"}, "the input is left alone"


def test_empty_strings_and_binaries_are_values() -> None:
    empties: list[AttributeValue] = [
        {"S": ""},
        {"B": b""},
        {"SS": ["", "a"]},
        {"BS": [b"", b"a"]},
        {"L": []},
        {"M": {}},
        {"M": {"e": {"S": ""}}},
        {"BOOL": False},
        {"NULL": True},
    ]
    for value in empties:
        assert values.check_value(value) == value


def test_check_item() -> None:
    item = {"pk": {"S": "a"}, "n": {"N": "01.50"}, "gone": None}
    assert values.check_item(item) == {"pk": {"S": "a"}, "n": {"N": "1.5"}}
    with pytest.raises(InvalidValue) as caught:
        values.check_item({"pk": {"S": "a"}, "bad": {"NS": []}})
    assert str(caught.value) == INVALID + "An number set  may not be empty"
    assert caught.value.path == "bad"
    with pytest.raises(InvalidValue):
        values.check_item({"": {"S": "a"}})


@pytest.mark.parametrize(
    ("value", "sort_key", "message"),
    [
        ({"S": ""}, False, EMPTY_KEY.format("string")),
        ({"B": b""}, True, EMPTY_KEY.format("binary")),
        ({"S": "a" * 2049}, False, HASH_TOO_LONG),
        ({"S": "é" * 1024 + "a"}, False, HASH_TOO_LONG),
        ({"B": b"x" * 2049}, False, HASH_TOO_LONG),
        ({"S": "a" * 1025}, True, RANGE_TOO_LONG),
        ({"B": b"x" * 1025}, True, RANGE_TOO_LONG),
        ({"M": {}}, False, "The provided key element does not match the schema"),
        ({"SS": ["a"]}, False, "The provided key element does not match the schema"),
    ],
)  # fmt: skip
def test_refused_key_values(value: AttributeValue, sort_key: bool, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        values.check_key_value(value, "pk", sort_key=sort_key)
    assert str(caught.value) == message


def test_key_values_at_the_limits() -> None:
    values.check_key_value({"S": "a" * 2048}, "pk")
    values.check_key_value({"S": "é" * 1024}, "pk")
    values.check_key_value({"B": b"x" * 2048}, "pk")
    values.check_key_value({"S": "a" * 1024}, "sk", sort_key=True)
    values.check_key_value({"N": "9" * 38 + "e88"}, "pk")
    values.check_key_value({"N": "0"}, "sk", sort_key=True)


# --- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "size"),
    [
        ({"id": {"S": "abc"}}, 5),
        ({"é": {"S": "é"}}, 4),  # names and strings count UTF-8 bytes
        ({"emoji": {"S": "😀"}}, 9),
        ({"n": {"N": "12345"}}, 5),
        ({"n": {"N": "-1.5"}}, 5),
        ({"flag": {"BOOL": True}}, 5),
        ({"nothing": {"NULL": True}}, 8),
        ({"b": {"B": b"\x00\x01\x02"}}, 4),
        ({"l": {"L": []}}, 4),
        ({"l": {"L": [{"S": "xy"}]}}, 7),  # 3 + (1 + 2)
        ({"m": {"M": {}}}, 4),
        ({"m": {"M": {"k": {"S": "v"}}}}, 7),  # 3 + (1 + 1 + 1)
        ({"m": {"M": {"k": {"L": [{"N": "1"}, {"NULL": True}]}}}}, 1 + 3 + 1 + 1 + (3 + 3 + 2)),
        ({"ss": {"SS": ["a", "bc"]}}, 5),
        ({"ns": {"NS": ["1", "12", "1.5"]}}, 2 + 2 + 2 + 3),
        ({"bs": {"BS": [b"ab", b""]}}, 4),
        ({"a": {"S": "k"}, "bb": {"S": "xyz"}, "ccc": {"S": "cc"}}, 2 + 5 + 5),
    ],
)
def test_item_size(item: values.Item, size: int) -> None:
    assert values.item_size(item) == size


def test_item_size_at_the_400_kb_limit() -> None:
    # An item just at AWS's limit: a 1-byte name with a 409,599-byte string.
    assert values.item_size({"b": {"S": "a" * 409_599}}) == 409_600
    # A 38-digit number with 88 zeros after it costs 20 bytes, 1e125 costs 2.
    assert values.value_size({"N": "1" * 38 + "0" * 88}) == 20
    assert values.value_size({"N": "1" + "0" * 125}) == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"S": "abc"}, 3),
        ({"S": ""}, 0),
        ({"S": "é𝄞"}, 3),  # UTF-16 code units, as AWS counts
        ({"S": "😀😀"}, 4),
        ({"B": b"\x00\xff\x10"}, 3),
        ({"SS": ["a", "b"]}, 2),
        ({"NS": ["1"]}, 1),
        ({"BS": [b"a", b"b", b"c"]}, 3),
        ({"L": [{"S": "a"}, {"L": []}]}, 2),
        ({"M": {"a": {"S": "x"}}}, 1),
        ({"N": "12345"}, None),
        ({"BOOL": True}, None),
        ({"NULL": True}, None),
    ],
)
def test_size_function(value: AttributeValue, expected: int | None) -> None:
    assert values.size(value) == expected


# --- comparison ------------------------------------------------------------------------------


def test_equal() -> None:
    assert values.equal({"S": "a"}, {"S": "a"})
    assert not values.equal({"S": "1"}, {"N": "1"})
    assert values.equal({"N": "1"}, {"N": "1.0"})
    assert values.equal({"N": "1000"}, {"N": "1e3"})
    assert not values.equal({"N": "1"}, {"N": "2"})
    assert values.equal({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert not values.equal({"SS": ["a", "b"]}, {"SS": ["a"]})
    assert values.equal({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]})
    assert values.equal({"BS": [b"x", b"y"]}, {"BS": [b"y", b"x"]})
    assert values.equal({"L": [{"N": "1"}, {"S": "a"}]}, {"L": [{"N": "1.0"}, {"S": "a"}]})
    assert not values.equal({"L": [{"N": "1"}, {"S": "a"}]}, {"L": [{"S": "a"}, {"N": "1"}]})
    assert values.equal({"M": {"a": {"BOOL": True}}}, {"M": {"a": {"BOOL": True}}})
    assert not values.equal({"M": {"a": {"BOOL": True}}}, {"M": {"b": {"BOOL": True}}})
    assert not values.equal({"BOOL": True}, {"BOOL": False})
    assert values.equal({"NULL": True}, {"NULL": True})
    assert values.equal({"B": b"\x01"}, {"B": b"\x01"})


def test_compare() -> None:
    # S orders by UTF-8 bytes, where U+FF21 sorts before U+1F600 (not so in UTF-16).
    ordered = ["", "a", "aé", "b", "\uff21", "\U0001f600"]
    for low, high in itertools.pairwise(ordered):
        assert values.compare({"S": low}, {"S": high}) == -1
        assert values.compare({"S": high}, {"S": low}) == 1
    assert values.compare({"N": "10"}, {"N": "9"}) == 1
    assert values.compare({"N": "-10"}, {"N": "9"}) == -1
    assert values.compare({"N": "1.0"}, {"N": "1"}) == 0
    assert values.compare({"B": b"\x80"}, {"B": b"\x7f"}) == 1
    assert values.compare({"B": b"a"}, {"B": b"ab"}) == -1
    assert values.compare({"S": "1"}, {"N": "1"}) is None
    assert values.compare({"SS": ["a"]}, {"SS": ["a"]}) is None
    assert values.compare({"BOOL": True}, {"BOOL": False}) is None
    assert values.compare({"L": []}, {"L": []}) is None


def test_contains() -> None:
    assert values.contains({"S": "hello"}, {"S": "ell"})
    assert values.contains({"S": "hello"}, {"S": ""})
    assert not values.contains({"S": "hello"}, {"S": "z"})
    assert not values.contains({"S": "1"}, {"N": "1"})
    assert values.contains({"B": b"\x00\x01\x02"}, {"B": b"\x01\x02"})
    assert not values.contains({"B": b"\x00\x01"}, {"S": "a"})
    assert values.contains({"SS": ["a", "b"]}, {"S": "b"})
    assert not values.contains({"SS": ["a", "b"]}, {"SS": ["b"]})
    assert values.contains({"NS": ["1", "2.5"]}, {"N": "2.50"})
    assert not values.contains({"NS": ["1"]}, {"S": "1"})
    assert values.contains({"BS": [b"x"]}, {"B": b"x"})
    assert values.contains(
        {"L": [{"S": "a"}, {"M": {"k": {"N": "1"}}}]}, {"M": {"k": {"N": "1.0"}}}
    )
    assert not values.contains({"L": [{"S": "a"}]}, {"S": "b"})
    assert not values.contains({"N": "12"}, {"N": "1"})
    assert not values.contains({"M": {"a": {"S": "a"}}}, {"S": "a"})


def test_begins_with() -> None:
    assert values.begins_with({"S": "prefix#1"}, {"S": "prefix"})
    assert not values.begins_with({"S": "prefix"}, {"S": "prefix#1"})
    assert values.begins_with({"B": b"\x01\x02"}, {"B": b"\x01"})
    assert not values.begins_with({"S": "ab"}, {"B": b"a"})
    assert not values.begins_with({"N": "12"}, {"N": "1"})
    assert not values.begins_with({"SS": ["ab"]}, {"S": "a"})


# --- ADD and DELETE --------------------------------------------------------------------------


def test_add_numbers() -> None:
    assert values.add_values(None, {"N": "5"}) == {"N": "5"}
    assert values.add_values({"N": "1"}, {"N": "2"}) == {"N": "3"}
    assert values.add_values({"N": "0.1"}, {"N": "-0.1"}) == {"N": "0"}
    assert values.add_values({"N": "1e37"}, {"N": "1"}) == {"N": "1" + "0" * 36 + "1"}
    with pytest.raises(InvalidValue) as caught:
        values.add_values({"N": "1e50"}, {"N": "1"})
    assert str(caught.value) == OVERFLOW


def test_add_sets() -> None:
    assert values.add_values(None, {"SS": ["a"]}) == {"SS": ["a"]}
    assert values.add_values({"SS": ["a", "b"]}, {"SS": ["b", "c"]}) == {"SS": ["a", "b", "c"]}
    assert values.add_values({"NS": ["1", "2"]}, {"NS": ["2.0", "3"]}) == {"NS": ["1", "2", "3"]}
    assert values.add_values({"BS": [b"x"]}, {"BS": [b"y"]}) == {"BS": [b"x", b"y"]}


def test_add_refuses_wrong_types() -> None:
    for current, operand in (
        ({"S": "a"}, {"N": "1"}),
        ({"NS": ["1"]}, {"N": "1"}),
        ({"N": "1"}, {"SS": ["a"]}),
        ({"SS": ["a"]}, {"NS": ["1"]}),
    ):
        with pytest.raises(InvalidValue) as caught:
            values.add_values(current, operand)
        assert str(caught.value) == "An operand in the update expression has an incorrect data type"
    operands: list[tuple[AttributeValue, str]] = [
        ({"S": "c"}, "STRING"),
        ({"B": b"c"}, "BINARY"),
        ({"M": {}}, "MAP"),
    ]
    for operand, name in operands:
        with pytest.raises(InvalidValue) as caught:
            values.add_values(None, operand)
        assert str(caught.value) == (
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            f"operator: ADD, operand type: {name}, typeSet: ALLOWED_FOR_ADD_OPERAND"
        )


def test_delete_from_sets() -> None:
    assert values.delete_values({"SS": ["a", "b", "c"]}, {"SS": ["b", "z"]}) == {"SS": ["a", "c"]}
    assert values.delete_values({"NS": ["1", "2.5"]}, {"NS": ["2.50"]}) == {"NS": ["1"]}
    assert values.delete_values({"BS": [b"x"]}, {"BS": [b"x"]}) is None
    assert values.delete_values(None, {"SS": ["a"]}) is None
    with pytest.raises(InvalidValue) as caught:
        values.delete_values({"NS": ["1"]}, {"SS": ["1"]})
    assert str(caught.value) == "An operand in the update expression has an incorrect data type"
    with pytest.raises(InvalidValue) as caught:
        values.delete_values({"NS": ["1"]}, {"N": "1"})
    assert str(caught.value) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
    )


def test_copy_value_is_deep() -> None:
    original = {"M": {"l": {"L": [{"SS": ["a"]}, {"M": {"n": {"N": "1"}}}]}}}
    copied = values.copy_value(original)
    assert copied == original
    copied["M"]["l"]["L"][0]["SS"].append("b")
    copied["M"]["l"]["L"][1]["M"]["n"]["N"] = "2"
    assert original == {"M": {"l": {"L": [{"SS": ["a"]}, {"M": {"n": {"N": "1"}}}]}}}
    item = {"a": {"L": [{"S": "x"}]}}
    copied_item = values.copy_item(item)
    copied_item["a"]["L"].clear()
    assert item == {"a": {"L": [{"S": "x"}]}}
