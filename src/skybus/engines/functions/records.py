"""What an async invocation leaves behind: the destination record and the DLQ message.

Both follow Lambda byte for byte: the record (``version`` ``1.0``, ``requestContext``,
``requestPayload``, ``responseContext``, ``responsePayload``) goes to OnSuccess / OnFailure
destinations; a dead-letter queue gets the original event unchanged with the message attributes
``RequestID``, ``ErrorCode`` and ``ErrorMessage`` (the first 1 KB of the error message).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from skybus import limits

SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an async invocation ended, as far as its records need to know."""

    request_id: str
    function_arn: str
    """Qualified with the version or alias the event was sent to (``...:$LATEST``)."""
    condition: str
    invocations: int
    request_payload: bytes
    status_code: int | None = None
    executed_version: str | None = None
    function_error: str | None = None
    response_payload: bytes | None = None


def timestamp(epoch: float) -> str:
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _json_or_text(data: bytes | None) -> Any:
    if data is None or data == b"":
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", errors="replace")


def destination_record(outcome: Outcome, now: float) -> bytes:
    response: dict[str, Any] = {}
    if outcome.status_code is not None:
        response["statusCode"] = outcome.status_code
    if outcome.executed_version is not None:
        response["executedVersion"] = outcome.executed_version
    if outcome.function_error is not None:
        response["functionError"] = outcome.function_error
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": timestamp(now),
        "requestContext": {
            "requestId": outcome.request_id,
            "functionArn": outcome.function_arn,
            "condition": outcome.condition,
            "approximateInvokeCount": outcome.invocations,
        },
        "requestPayload": _json_or_text(outcome.request_payload),
        "responseContext": response,
    }
    if outcome.response_payload is not None:
        record["responsePayload"] = _json_or_text(outcome.response_payload)
    return orjson.dumps(record)


def error_message(outcome: Outcome) -> str:
    """The ``errorMessage`` of the function's error object (or a description of the failure)."""
    found = _json_or_text(outcome.response_payload)
    if isinstance(found, dict) and isinstance(found.get("errorMessage"), str):
        message: str = found["errorMessage"]
    elif outcome.condition == EVENT_AGE_EXCEEDED:
        message = "Event age exceeded the maximum event age of the function."
    else:
        message = "The function could not be invoked."
    encoded = message.encode("utf-8")[: limits.LAMBDA_DLQ_ERROR_MESSAGE_BYTES]
    return encoded.decode("utf-8", errors="ignore")


def dead_letter_attributes(outcome: Outcome) -> dict[str, dict[str, str]]:
    """SQS-style message attributes of the DLQ message."""
    return {
        "RequestID": {"DataType": "String", "StringValue": outcome.request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": str(outcome.status_code or 200)},
        "ErrorMessage": {"DataType": "String", "StringValue": error_message(outcome)},
    }
