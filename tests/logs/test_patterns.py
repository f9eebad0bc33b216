"""Filter pattern compilation and matching, without a server."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skybus.engines.logs.patterns import compile_pattern
from skybus.wire.errors import ServiceError


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern)(message)


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("", "anything", True),
        ('""', "anything", True),
        ("   ", "anything", True),
        ("ERROR", "[ERROR 400] BAD REQUEST", True),
        ("ERROR", "[error 400] bad request", False),  # case sensitive
        ("ERROR ARGUMENTS", "[ERROR 400] BAD ARGUMENTS", True),
        ("ERROR ARGUMENTS", "[ERROR 400] BAD REQUEST", False),
        ('"BAD REQUEST"', "[ERROR 400] BAD REQUEST", True),
        ('"BAD REQUEST"', "[ERROR 400] BAD  REQUEST", False),
        ('"quote \\" inside"', 'a quote " inside b', True),
        ("ERROR -ARGUMENTS", "[ERROR 400] BAD REQUEST", True),
        ("ERROR -ARGUMENTS", "[ERROR 400] BAD ARGUMENTS", False),
        ('-"BAD REQUEST"', "[ERROR 400] BAD REQUEST", False),
        ("?ERROR ?WARN", "[WARN] slow", True),
        ("?ERROR ?WARN", "[INFO] fine", False),
        ('?"BAD REQUEST" ?WARN', "[ERROR 400] BAD REQUEST", True),
        ("400 ?BAD ?GOOD -ARGUMENTS", "[ERROR 400] BAD REQUEST", True),
        ("400 ?BAD ?GOOD -ARGUMENTS", "[ERROR 400] OK REQUEST", False),
        ("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", True),
        ("%^\\[ERROR%", "[ERROR 401] x", True),
        ("%^\\[ERROR%", " [ERROR 401] x", False),
        ("%colou?r%", "the color", True),
        ("%[hc]at$%", "a hat", True),
        ("%[hc]at$%", "a hat!", False),
    ],
)
def test_term_and_regex_patterns(pattern: str, message: str, expected: bool) -> None:
    assert matches(pattern, message) is expected


EVENT = json.dumps(
    {
        "eventType": "UpdateTrail",
        "level": "ERROR",
        "latency": 150,
        "ratio": 0.5,
        "ok": False,
        "gone": None,
        "user": {"id": 1, "name": "Ann"},
        "users": [{"email": "John.Doe@example.com"}],
    }
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventType = "UpdateTrail" }', True),
        ("{ $.eventType = UpdateTrail }", True),
        ("{$.eventType=Update*}", True),
        ("{ $.eventType = *Trail }", True),
        ("{ $.eventType = Upd*ail }", True),
        ('{ $.eventType != "UpdateTrail" }', False),
        ("{ $.eventType != Other }", True),
        ("{ $.missing != Other }", False),
        ("{ $.latency > 100 }", True),
        ("{ $.latency >= 150 }", True),
        ("{ $.latency < 150 }", False),
        ("{ $.latency <= 1.5e2 }", True),
        ("{ $.latency = 150 }", True),
        ("{ $.ratio < 1 }", True),
        ("{ $.level > 1 }", False),
        ("{ $.ok IS FALSE }", True),
        ("{ $.ok IS TRUE }", False),
        ("{ $.gone IS NULL }", True),
        ("{ $.ok IS NULL }", False),
        ("{ $.missing NOT EXISTS }", True),
        ("{ $.gone NOT EXISTS }", False),
        ("{ $.user.id = 1 }", True),
        ('{ $.users[0].email = "John.Doe@example.com" }', True),
        ("{ $.users[1].email = x }", False),
        ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
        ('{ $.level = "INFO" || $.latency > 100 }', True),
        ('{ $.level = "INFO" || $.latency > 100 && $.ok IS TRUE }', False),
        ('{ ($.level = "INFO" || $.latency > 100) && $.ok IS FALSE }', True),
        ("{ $.user.name = %^A[a-z]+$% }", True),
        ("{ $.user.name != %^A% }", False),
    ],
)
def test_json_patterns(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


def test_json_patterns_skip_non_json_messages() -> None:
    assert matches("{ $.a NOT EXISTS }", "plain text") is False
    assert matches("{ $.a NOT EXISTS }", "{broken") is False
    assert matches("{ $[0] = 1 }", "[1, 2]") is True


@pytest.mark.parametrize(
    "pattern",
    [
        '"unterminated',
        "%(grouped)%",
        "%bad!char%",
        "%[unclosed%",
        "{ $.a = 1",
        "{ a = 1 }",
        "{ $.a > abc }",
        "{ $.a = }",
        "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }",
        "{ $.a & 1 }",
        "{ $. = 1 }",
        "{ $.a = 1 } extra",
        "[ip, user, status]",
    ],
)
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(ServiceError) as caught:
        compile_pattern(pattern)
    assert caught.value.code == "InvalidParameterException"
    assert caught.value.message is not None
    assert caught.value.message.startswith("Invalid filter pattern: ")


JSONISH = '$.[]0123 =!<>"&|()ISNOTEXaz%*'


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.one_of(
        st.text(max_size=30),
        st.builds(lambda body: "{" + body + "}", st.text(alphabet=JSONISH, max_size=30)),
        st.builds(lambda body: "%" + body + "%", st.text(max_size=15)),
    ),
    message=st.one_of(st.text(max_size=40), st.just('{"a": [1, {"b": null}], "c": "x"}')),
)
def test_any_pattern_compiles_or_is_refused_and_never_crashes(pattern: str, message: str) -> None:
    try:
        matcher = compile_pattern(pattern)
    except ServiceError as exc:
        code = exc.code
    else:
        code = "compiled"
        assert matcher(message) in (True, False)
    assert code in ("compiled", "InvalidParameterException")
