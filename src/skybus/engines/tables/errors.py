"""The errors the table operations answer with, worded as DynamoDB words them."""

from __future__ import annotations

from typing import Any

from skybus.wire.errors import ServiceError

NOT_FOUND = "Requested resource not found"
INVALID = "One or more parameter values were invalid: "
KEY_MISMATCH = "The provided key element does not match the schema"
CONDITION_FAILED = "The conditional request failed"


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def invalid(message: str) -> ServiceError:
    """A ValidationException in the family AWS prefixes with "One or more parameter values
    were invalid: "."""
    return ServiceError("ValidationException", INVALID + message)


def key_mismatch() -> ServiceError:
    return ServiceError("ValidationException", KEY_MISMATCH)


def table_not_found(name: str | None = None) -> ServiceError:
    """Item operations say only "Requested resource not found"; table operations name the
    table."""
    if name is None:
        return ServiceError("ResourceNotFoundException", NOT_FOUND)
    return ServiceError("ResourceNotFoundException", f"{NOT_FOUND}: Table: {name} not found")


def arn_not_found(arn: str) -> ServiceError:
    # AWS's own spelling ("ResourcArn").
    return ServiceError("ResourceNotFoundException", f"{NOT_FOUND}: ResourcArn: {arn} not found")


def in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message)


def condition_failed(item: dict[str, Any] | None = None) -> ServiceError:
    """The conditional check failed; ``item`` is the old item when the caller asked for it
    with ReturnValuesOnConditionCheckFailure=ALL_OLD (and there was one)."""
    fields = {"Item": item} if item is not None else None
    return ServiceError("ConditionalCheckFailedException", CONDITION_FAILED, fields=fields)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)
