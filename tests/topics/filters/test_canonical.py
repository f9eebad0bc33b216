"""The compact text AWS quotes: Java's spelling of numbers, Jackson's escapes."""

from __future__ import annotations

import pytest

from skybus.engines.topics.filters.canonical import canonicalize, java_double, quote


@pytest.mark.parametrize(
    ("number", "spelled"),
    [
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (0.5, "0.5"),
        (1000.0, "1000.0"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (1.5e-5, "1.5E-5"),
        (1e7, "1.0E7"),
        (9999999.0, "9999999.0"),
        (123456789.0, "1.23456789E8"),
        (-2e9, "-2.0E9"),
        (1.2345e20, "1.2345E20"),
    ],
)
def test_java_double(number: float, spelled: str) -> None:
    assert java_double(number) == spelled


def test_quote_escapes_like_jackson() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert quote("\n\t\r\b\f") == '"\\n\\t\\r\\b\\f"'
    assert quote("\x01\x1f") == '"\\u0001\\u001F"'
    assert quote("é/😀") == '"é/😀"'


def test_canonical_text_is_compact_and_keeps_key_order() -> None:
    text, _ = canonicalize({"b": [1, 2.5, "x", None, True, False], "a": {"c": []}})
    assert text == '{"b":[1,2.5,"x",null,true,false],"a":{"c":[]}}'
