"""DynamoDB attribute values: validation, size, equality, ordering and the set/number updates.

Values stay in the wire form the JSON protocol parses them into, a dict with exactly one type
key: {"S": str}, {"N": str}, {"B": bytes}, {"SS": [str]}, {"NS": [str]}, {"BS": [bytes]},
{"M": {name: value}}, {"L": [value]}, {"NULL": True}, {"BOOL": bool}. Validation returns the
value with its numbers in canonical text, so everything stored compares and keys by text.
Messages are AWS's, including its typos ("An string set  may not be empty", "limit of2048").
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from skybus import limits
from skybus.engines.tables import numbers
from skybus.engines.tables.numbers import NumberError

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SET_TYPES = ("SS", "NS", "BS")
KEY_TYPES = ("S", "N", "B")
#: How AWS names value types in expression type errors.
TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
    "M": "MAP",
    "L": "LIST",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
}

INVALID = "One or more parameter values were invalid: "
EMPTY_VALUE = (
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
)
MANY_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
NULL_NOT_TRUE = INVALID + "Null attribute value types must have the value of true"
EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}
NS_DUPLICATES = "Input collection contains duplicates"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
EMPTY_NAME = INVALID + "Empty attribute name"
KEY_MISMATCH = "The provided key element does not match the schema"
# AWS's wording, missing space included.
HASH_KEY_TOO_LONG = (
    f"{INVALID}Size of hashkey has exceeded the maximum size limit of"
    f"{limits.DDB_MAX_HASH_KEY_BYTES} bytes"
)
RANGE_KEY_TOO_LONG = (
    f"{INVALID}Aggregated size of all range keys has exceeded the size limit of "
    f"{limits.DDB_MAX_RANGE_KEY_BYTES} bytes"
)
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
INCORRECT_DATA_TYPE = "An operand in the update expression has an incorrect data type"


class InvalidValue(ValueError):
    """A value DynamoDB would refuse; ``str(error)`` is AWS's message.

    ``code`` is the AWS error code (ValidationException unless the value's JSON type itself
    was wrong), ``path`` whatever the caller passed to say where the value came from (for
    wrappers such as "ExpressionAttributeValues contains invalid value: ... for key :v").
    """

    def __init__(self, message: str, *, path: str = "", code: str = "ValidationException"):
        super().__init__(message)
        self.path = path
        self.code = code


def _serialization(kind: str) -> InvalidValue:
    return InvalidValue(f"Unexpected value type for {kind}", code="SerializationException")


# --- validation ---------------------------------------------------------------------------


def check_value(value: Any, *, path: str = "") -> AttributeValue:
    """Validate one value from a request; return it with numbers in canonical form."""
    try:
        return _check(value, 1)
    except NumberError as exc:
        raise InvalidValue(str(exc), path=path) from None
    except InvalidValue as exc:
        exc.path = path
        raise


def _check(value: Any, depth: int) -> AttributeValue:
    if depth > limits.DDB_MAX_NESTING_DEPTH:
        raise InvalidValue(TOO_DEEP)
    if type(value) is not dict:
        raise _serialization("AttributeValue")
    # Checked in the order AWS checks them: each type's content, then the count of types.
    out: AttributeValue | None = None
    count = 0
    for kind, content in value.items():
        if content is None:
            continue
        checked = _check_content(kind, content, depth)
        count += 1
        out = {kind: checked}
    if out is None:
        raise InvalidValue(EMPTY_VALUE)
    if count > 1:
        raise InvalidValue(MANY_TYPES)
    return out


def _check_content(kind: str, content: Any, depth: int) -> Any:
    if kind == "S":
        if type(content) is not str:
            raise _serialization(kind)
        return content
    if kind == "N":
        if type(content) is not str:
            raise _serialization(kind)
        return numbers.normalize(content)
    if kind == "B":
        if not isinstance(content, bytes | bytearray):
            raise _serialization(kind)
        return bytes(content)
    if kind == "BOOL":
        if type(content) is not bool:
            raise _serialization(kind)
        return content
    if kind == "NULL":
        if type(content) is not bool:
            raise _serialization(kind)
        if not content:
            raise InvalidValue(NULL_NOT_TRUE)
        return True
    if kind == "M":
        if type(content) is not dict:
            raise _serialization(kind)
        return {name: _check(member, depth + 1) for name, member in content.items()}
    if kind == "L":
        if type(content) is not list:
            raise _serialization(kind)
        return [_check(member, depth + 1) for member in content]
    if kind in SET_TYPES:
        return _check_set(kind, content)
    raise _serialization(kind)


def _check_set(kind: str, members: Any) -> list[Any]:
    if type(members) is not list:
        raise _serialization(kind)
    if not members:
        raise InvalidValue(EMPTY_SET[kind])
    if kind == "SS":
        if any(type(m) is not str for m in members):
            raise _serialization(kind)
        if len(set(members)) != len(members):
            raise InvalidValue(
                f"{INVALID}Input collection [{', '.join(members)}] contains duplicates."
            )
        return list(members)
    if kind == "NS":
        if any(type(m) is not str for m in members):
            raise _serialization(kind)
        canonical = [numbers.normalize(m) for m in members]
        if len(set(canonical)) != len(canonical):
            raise InvalidValue(NS_DUPLICATES)
        return canonical
    if any(not isinstance(m, bytes | bytearray) for m in members):
        raise _serialization(kind)
    blobs = [bytes(m) for m in members]
    if len(set(blobs)) != len(blobs):
        shown = ", ".join(base64.b64encode(b).decode("ascii") for b in blobs)
        raise InvalidValue(f"{INVALID}Input collection [{shown}]of type BS contains duplicates.")
    return blobs


def check_item(item: Any) -> Item:
    """Validate every attribute of an item from a request; numbers come back canonical."""
    if type(item) is not dict:
        raise _serialization("Item")
    out: Item = {}
    for name, value in item.items():
        if value is None:
            continue
        if type(name) is not str:
            raise _serialization("AttributeName")
        if not name:
            raise InvalidValue(EMPTY_NAME)
        out[name] = check_value(value, path=name)
    return out


def check_key_value(value: AttributeValue, name: str, *, sort_key: bool = False) -> None:
    """The extra rules for a key attribute's value (table or index key), already checked with
    check_value and of the schema's type: S/N/B only, no empty S or B, and AWS's size limits
    (2048 bytes for a partition key, 1024 for a sort key; numbers are always small enough)."""
    kind = type_of(value)
    if kind not in KEY_TYPES:
        raise InvalidValue(KEY_MISMATCH)
    if kind == "N":
        return
    content = value[kind]
    if not content:
        what = "string" if kind == "S" else "binary"
        raise InvalidValue(
            "One or more parameter values are not valid. The AttributeValue for a key "
            f"attribute cannot contain an empty {what} value. Key: {name}"
        )
    length = _utf8_len(content) if kind == "S" else len(content)
    if sort_key:
        if length > limits.DDB_MAX_RANGE_KEY_BYTES:
            raise InvalidValue(RANGE_KEY_TOO_LONG)
    elif length > limits.DDB_MAX_HASH_KEY_BYTES:
        raise InvalidValue(HASH_KEY_TOO_LONG)


# --- inspection -----------------------------------------------------------------------------


def type_of(value: AttributeValue) -> str:
    """The type key of a (valid) value."""
    for kind in value:
        return kind
    raise InvalidValue(EMPTY_VALUE)


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def value_size(value: AttributeValue) -> int:
    """Bytes a value counts for in an item's size (AWS's rules: S as UTF-8, B raw, N in base
    100, 1 for BOOL/NULL, lists and maps 3 bytes plus 1 per element, map keys included)."""
    for kind, content in value.items():
        if kind == "S":
            return _utf8_len(content)
        if kind == "N":
            return numbers.stored_size(content)
        if kind == "B":
            return len(content)
        if kind == "M":
            return 3 + sum(1 + _utf8_len(k) + value_size(v) for k, v in content.items())
        if kind == "L":
            return 3 + sum(1 + value_size(v) for v in content)
        if kind == "SS":
            return sum(_utf8_len(s) for s in content)
        if kind == "NS":
            return sum(numbers.stored_size(n) for n in content)
        if kind == "BS":
            return sum(len(b) for b in content)
        return 1
    return 0


def item_size(item: Item) -> int:
    """An item's size for the 400 KB limit and capacity: names (UTF-8) plus values."""
    return sum(_utf8_len(name) + value_size(value) for name, value in item.items())


def size(value: AttributeValue) -> int | None:
    """The size() function: S in UTF-16 code units (what AWS counts: size("é𝄞") is 3), B in
    bytes, sets, lists and maps by element count; None for N, BOOL and NULL."""
    kind = type_of(value)
    content = value[kind]
    if kind == "S":
        if content.isascii():
            return len(content)
        return len(content.encode("utf-16-le", "surrogatepass")) // 2
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return len(content)
    return None


# --- comparison -----------------------------------------------------------------------------


def _number_set(members: list[str]) -> set[Decimal]:
    return {numbers.to_decimal(m) for m in members}


def equal(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB equality: same type and value; sets as sets, numbers numerically."""
    kind = type_of(a)
    if kind not in b:
        return False
    x, y = a[kind], b[kind]
    if kind == "N":
        return x == y or numbers.compare(x, y) == 0
    if kind in ("SS", "BS"):
        return len(x) == len(y) and set(x) == set(y)
    if kind == "NS":
        return len(x) == len(y) and (set(x) == set(y) or _number_set(x) == _number_set(y))
    if kind == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
    if kind == "M":
        return x.keys() == y.keys() and all(equal(v, y[k]) for k, v in x.items())
    return bool(x == y)


def compare(a: AttributeValue, b: AttributeValue) -> int | None:
    """Order for <, <=, >, >= and BETWEEN: S by UTF-8 bytes (code point order, the same
    thing), N numerically, B as unsigned bytes; None (the comparison is false) otherwise."""
    kind = type_of(a)
    if kind not in b or kind not in KEY_TYPES:
        return None
    x, y = a[kind], b[kind]
    if kind == "N":
        return numbers.compare(x, y)
    return -1 if x < y else (1 if x > y else 0)


def contains(container: AttributeValue, operand: AttributeValue) -> bool:
    """contains(path, operand): substring of S, subsequence of B, member of a set of the
    operand's type, element of a list."""
    kind = type_of(container)
    content = container[kind]
    if kind == "S":
        return "S" in operand and operand["S"] in content
    if kind == "B":
        return "B" in operand and operand["B"] in content
    if kind == "SS":
        return "S" in operand and operand["S"] in content
    if kind == "BS":
        return "B" in operand and operand["B"] in content
    if kind == "NS":
        if "N" not in operand:
            return False
        wanted = operand["N"]
        return wanted in content or any(numbers.compare(m, wanted) == 0 for m in content)
    if kind == "L":
        return any(equal(element, operand) for element in content)
    return False


def begins_with(value: AttributeValue, prefix: AttributeValue) -> bool:
    """begins_with(path, prefix): S and B only, of the same type."""
    for kind in ("S", "B"):
        if kind in value and kind in prefix:
            return bool(value[kind].startswith(prefix[kind]))
    return False


# --- ADD and DELETE -------------------------------------------------------------------------


def _operand_error(operator: str, operand: AttributeValue) -> InvalidValue:
    allowed = f"ALLOWED_FOR_{operator}_OPERAND"
    return InvalidValue(
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator: {operator}, operand type: {TYPE_NAMES.get(type_of(operand), '')}, "
        f"typeSet: {allowed}"
    )


def _union(kind: str, current: list[Any], extra: list[Any]) -> list[Any]:
    if kind == "NS":
        seen = {numbers.normalize(m) for m in current}
        out = list(current)
        for member in extra:
            canonical = numbers.normalize(member)
            if canonical not in seen:
                seen.add(canonical)
                out.append(canonical)
        return out
    present = set(current)
    return list(current) + [m for m in dict.fromkeys(extra) if m not in present]


def add_values(a: AttributeValue | None, b: AttributeValue) -> AttributeValue:
    """ADD: number addition (a missing attribute counts as 0) or set union of one set type."""
    kind = type_of(b)
    if kind == "N":
        if a is None:
            return {"N": numbers.normalize(b["N"])}
        if "N" not in a:
            raise InvalidValue(INCORRECT_DATA_TYPE)
        try:
            return {"N": numbers.add(a["N"], b["N"])}
        except NumberError as exc:
            raise InvalidValue(str(exc)) from None
    if kind not in SET_TYPES:
        raise _operand_error("ADD", b)
    if a is None:
        return copy_value(b)
    if kind not in a:
        raise InvalidValue(INCORRECT_DATA_TYPE)
    return {kind: _union(kind, a[kind], b[kind])}


def delete_values(a: AttributeValue | None, b: AttributeValue) -> AttributeValue | None:
    """DELETE: set difference; None when nothing is left (sets are never empty, so the
    attribute goes) or when there was no attribute."""
    kind = type_of(b)
    if kind not in SET_TYPES:
        raise _operand_error("DELETE", b)
    if a is None:
        return None
    if kind not in a:
        raise InvalidValue(INCORRECT_DATA_TYPE)
    if kind == "NS":
        gone = _number_set(b[kind])
        left = [m for m in a[kind] if numbers.to_decimal(m) not in gone]
    else:
        removed = set(b[kind])
        left = [m for m in a[kind] if m not in removed]
    return {kind: left} if left else None


# --- copying --------------------------------------------------------------------------------


def copy_value(value: AttributeValue) -> AttributeValue:
    """A deep copy (strings, bytes and numbers are immutable and shared)."""
    for kind, content in value.items():
        if kind == "M":
            return {"M": {k: copy_value(v) for k, v in content.items()}}
        if kind == "L":
            return {"L": [copy_value(v) for v in content]}
        if kind in SET_TYPES:
            return {kind: list(content)}
        return {kind: content}
    return {}


def copy_item(item: Item) -> Item:
    return {name: copy_value(value) for name, value in item.items()}
