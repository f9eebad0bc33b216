"""ProjectionExpression: parsing, overlap checks and projection keeping the nesting (behaviour
recorded from AWS)."""

from __future__ import annotations

from typing import Any

import pytest

from skybus.engines.tables.expressions import ExpressionError, parse_projection, project

ITEM: dict[str, Any] = {
    "pk": {"S": "p1"},
    "mylist": {"L": [{"S": "zero"}, {"S": "one"}, {"S": "two"}, {"S": "three"}]},
    "listOfMaps": {"L": [{"M": {"val": {"S": f"a{i}"}, "x": {"S": f"x{i}"}}} for i in range(3)]},
    "listWithNull": {"L": [{"S": "keep0"}, {"NULL": True}, {"S": "keep2"}]},
    "deep": {"M": {"l1": {"M": {"l2": {"M": {"l3": {"S": "bottom"}, "sib": {"S": "s"}}}}}}},
    "nestedList": {"L": [{"M": {"inner": {"L": [{"S": "i0"}, {"S": "i1"}]}}}]},
    "a": {"M": {"b": {"S": "bv"}, "c": {"S": "cv"}}},
    "s": {"S": "scalar"},
}


def projected(expression: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    return project(parse_projection(expression, names).paths, ITEM)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("mylist[0], mylist[2]", {"mylist": {"L": [{"S": "zero"}, {"S": "two"}]}}),
        ("mylist[2], mylist[0]", {"mylist": {"L": [{"S": "zero"}, {"S": "two"}]}}),
        ("listOfMaps[0].val, listOfMaps[2].val",
         {"listOfMaps": {"L": [{"M": {"val": {"S": "a0"}}}, {"M": {"val": {"S": "a2"}}}]}}),
        ("listWithNull[1]", {"listWithNull": {"L": [{"NULL": True}]}}),
        ("listWithNull[0], listWithNull[2]",
         {"listWithNull": {"L": [{"S": "keep0"}, {"S": "keep2"}]}}),
        ("deep.l1.l2.l3", {"deep": {"M": {"l1": {"M": {"l2": {"M": {"l3": {"S": "bottom"}}}}}}}}),
        ("a.b, a.c", {"a": ITEM["a"]}),
        ("pk, nope, a.nope, s.x, mylist[9], deep[0]", {"pk": {"S": "p1"}}),
    ],
)  # fmt: skip
def test_projection(expression: str, expected: dict[str, Any]) -> None:
    assert projected(expression) == expected


def test_projection_through_names() -> None:
    assert projected("nestedList[0].#i[1]", {"#i": "inner"}) == {
        "nestedList": {"L": [{"M": {"inner": {"L": [{"S": "i1"}]}}}]}
    }


def refused(expression: str, names: dict[str, str] | None = None) -> str:
    with pytest.raises(ExpressionError) as caught:
        parse_projection(expression, names)
    return str(caught.value).removeprefix("Invalid ProjectionExpression: ")


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("a, a.b", "[a]", "[a, b]"),
        ("a.b, a", "[a, b]", "[a]"),
        ("a, a", "[a]", "[a]"),
        ("alist[0], alist", "[alist, [0]]", "[alist]"),
        ("#p, #p.#q", "[a]", "[a, b]"),
        ("x, a.b, a", "[a, b]", "[a]"),
    ],
)
def test_overlaps(expression: str, one: str, two: str) -> None:
    assert refused(expression, {"#p": "a", "#q": "b"} if "#" in expression else None) == (
        "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


def test_other_errors() -> None:
    assert refused("") == "The expression can not be empty;"
    assert refused("l[a]") == 'Syntax error; token: "a", near: "[a]"'
    assert refused("a..b").startswith("Syntax error")
    assert refused("status") == "Attribute name is a reserved keyword; reserved keyword: status"
    assert refused("a.#u") == (
        "An expression attribute name used in the document path is not defined; attribute name: #u"
    )
    assert refused("a.b, a[0]").startswith("Two document paths conflict")


def test_size_limit_is_on_raw_text() -> None:
    parse_projection("a" + "z" * 4095)
    assert refused("a" + "z" * 4096) == "Expression size has exceeded the maximum allowed size;"
    names = {f"#a{i}": f"attribute{i}" for i in range(686)}
    parse_projection(",".join(names), names)
