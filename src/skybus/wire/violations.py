"""Constraint violations and the error each service answers with when a request has them.

AWS's front end (Coral) checks every request against the service model before any service code
runs, and words the failures the same way everywhere: ``1 validation error detected: Value 'ab'
at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to
3``. Only the error code differs per service, and SQS, older than Coral's wording, answers in its
own words. That per-service knowledge lives in :data:`DIALECTS`, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from skybus.wire.errors import ServiceError

# AWS stops collecting violations after this many and reports only those (the count in the
# message is the number listed).
MAX_LISTED = 10

NOT_NULL = "Member must not be null"
ELEMENT_PREFIX = "Member must satisfy constraint: ["


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed constraint, at a path written the way AWS writes it (``keySchema.1.member``)."""

    path: str
    value: object
    constraint: str
    # The value as AWS prints it, quotes included: "'ab'", "null", or "" where the model marks
    # the value sensitive. None: derive it from ``value`` without knowledge of its shape.
    shown: str | None = field(default=None, compare=False, repr=False)

    def sentence(self) -> str:
        shown = self.shown if self.shown is not None else quoted(render(self.value))
        value = f"Value {shown} at" if shown else "Value at"
        return f"{value} '{self.path}' failed to satisfy constraint: {self.constraint}"


def quoted(text: str | None) -> str:
    return "null" if text is None else f"'{text}'"


def render(value: object) -> str | None:
    """A value as Java's ``toString`` prints it in AWS's messages (None for null)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, bytes | bytearray | memoryview):
        size = len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"
    if isinstance(value, dt.datetime):
        return java_date(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inner(render(item)) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={inner(render(item))}" for key, item in value.items()) + "}"
    return str(value)


def inner(text: str | None) -> str:
    """A rendered value inside a list, map or structure, where null is spelled out."""
    return "null" if text is None else text


def java_double(value: float) -> str:
    """``Double.toString``: plain between 10^-3 and 10^7, else ``1.0E7`` style."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    power = len(text) - 1 + exponent
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def java_date(value: dt.datetime) -> str:
    """``java.util.Date.toString`` in UTC: ``Thu Jan 01 00:00:00 UTC 1970``."""
    utc = value.astimezone(dt.UTC) if value.tzinfo else value
    return utc.strftime("%a %b %d %H:%M:%S UTC %Y")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one service reports violations."""

    code: str
    # Coral lists the pattern failure before the length failure of the same member here.
    pattern_first: bool = False
    # Coral's model of this service marks list elements not-null, and says so in the element
    # constraint list ("[..., Member must not be null]").
    element_not_null: bool = False
    # SQS answers with one error in its own words, not Coral's list.
    sqs_words: bool = False
    # Members whose enum violation the service reports on its own, as
    # InvalidParameterValueException "... enum value set: [...] or be a valid ARN" (Lambda's
    # Runtime, which also accepts a custom runtime's ARN).
    enum_or_arn: frozenset[str] = frozenset()
    # The service prints an enum's allowed values sorted ("[B, N, S]"), not in model order.
    sorted_enums: bool = False


DIALECTS: dict[str, Dialect] = {
    "dynamodb": Dialect("ValidationException", sorted_enums=True),
    "dynamodbstreams": Dialect("ValidationException", sorted_enums=True),
    "lambda": Dialect(
        "ValidationException", element_not_null=True, enum_or_arn=frozenset({"runtime"})
    ),
    "logs": Dialect("InvalidParameterException"),
    "events": Dialect("ValidationException"),
    "apigatewayv2": Dialect("BadRequestException"),
    "apigatewaymanagementapi": Dialect("BadRequestException"),
    "sts": Dialect("ValidationError", pattern_first=True),
    "sns": Dialect("ValidationError"),
    "sqs": Dialect("InvalidParameterValue", sqs_words=True),
}
DEFAULT_DIALECT = Dialect("ValidationException")


def validation_error(service_name: str, violations: list[Violation]) -> ServiceError:
    """The error ``service_name`` answers with for a request with these violations."""
    if not violations:
        raise ValueError("validation_error needs at least one violation")
    dialect = DIALECTS.get(service_name, DEFAULT_DIALECT)
    if dialect.sqs_words:
        return _sqs_error(violations)
    for violation in violations:
        if violation.path in dialect.enum_or_arn and violation.constraint.startswith(
            "Member must satisfy enum value set"
        ):
            return ServiceError(
                "InvalidParameterValueException",
                f"{violation.sentence()} or be a valid ARN",
                status=400,
                sender_fault=True,
            )
    listed = violations[:MAX_LISTED]
    if dialect.sorted_enums:
        listed = [_with_sorted_enum(v) for v in listed]
    if dialect.pattern_first:
        listed = _pattern_first(listed)
    if dialect.element_not_null:
        listed = [_with_element_not_null(v) for v in listed]
    count = len(listed)
    noun = "validation error" if count == 1 else "validation errors"
    body = "; ".join(v.sentence() for v in listed)
    return ServiceError(
        dialect.code, f"{count} {noun} detected: {body}", status=400, sender_fault=True
    )


_ENUM = "Member must satisfy enum value set: ["


def _with_sorted_enum(violation: Violation) -> Violation:
    constraint = violation.constraint
    if not constraint.startswith(_ENUM) or not constraint.endswith("]"):
        return violation
    values = sorted(constraint[len(_ENUM) : -1].split(", "))
    return Violation(
        violation.path, violation.value, f"{_ENUM}{', '.join(values)}]", violation.shown
    )


def _pattern_first(violations: list[Violation]) -> list[Violation]:
    first_seen: dict[str, int] = {}
    for index, violation in enumerate(violations):
        first_seen.setdefault(violation.path, index)

    def key(item: tuple[int, Violation]) -> tuple[int, int, int]:
        index, violation = item
        is_pattern = violation.constraint.startswith("Member must satisfy regular expression")
        return (first_seen[violation.path], 0 if is_pattern else 1, index)

    return [v for _, v in sorted(enumerate(violations), key=key)]


def _with_element_not_null(violation: Violation) -> Violation:
    text = violation.constraint
    if not text.startswith(ELEMENT_PREFIX) or not text.endswith("]"):
        return violation
    return Violation(violation.path, violation.value, f"{text[:-1]}, {NOT_NULL}]", violation.shown)


def _sqs_error(violations: list[Violation]) -> ServiceError:
    missing = [v for v in violations if v.constraint == NOT_NULL and v.value is None]
    if missing:
        name = _parameter_name(missing[0].path)
        return ServiceError(
            "MissingParameter",
            f"The request must contain the parameter {name}.",
            status=400,
            sender_fault=True,
        )
    first = violations[0]
    shown = render(first.value) if first.shown is None else first.shown.strip("'")
    return ServiceError(
        "InvalidParameterValue",
        f"Value {shown} for parameter {_parameter_name(first.path)} is invalid. "
        f"Reason: {first.constraint}.",
        status=400,
        sender_fault=True,
    )


def _parameter_name(path: str) -> str:
    """The wire name of the member a path ends with (``entries.1.member.id`` -> ``Id``)."""
    parts = [p for p in path.split(".") if p != "member" and not p.isdigit()]
    last = parts[-1] if parts else path
    return last[:1].upper() + last[1:]
