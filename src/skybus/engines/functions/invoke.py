"""Invoke, answered as Lambda answers it.

``RequestResponse`` runs the function and answers 200 with its result, or 200 with
``X-Amz-Function-Error: Unhandled`` and the error object; ``Event`` queues the event durably and
answers 202; ``DryRun`` only checks that the function exists and answers 204. ``LogType=Tail``
adds the last 4 KB of the invocation's log, base64, as ``X-Amz-Log-Result``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from skybus import limits
from skybus.engines.functions import errors

Result = dict[str, Any]

EVENT = "Event"
DRY_RUN = "DryRun"
REQUEST_RESPONSE = "RequestResponse"


def check_payload(payload: bytes, invocation_type: str) -> bytes:
    """The event to run: size-checked, JSON-checked, ``{}`` for an empty body."""
    size = len(payload)
    if invocation_type == EVENT and size > limits.LAMBDA_ASYNC_PAYLOAD_BYTES:
        raise errors.request_too_large(
            f"{size} byte payload is too large for the Event invocation type "
            f"(limit {limits.LAMBDA_ASYNC_PAYLOAD_BYTES} bytes)"
        )
    if size > limits.LAMBDA_SYNC_PAYLOAD_BYTES:
        raise errors.request_too_large(
            f"Request must be smaller than {limits.LAMBDA_SYNC_PAYLOAD_BYTES} bytes for the "
            "InvokeFunction operation"
        )
    if not payload.strip():
        return b"{}"
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise errors.invalid_content(
            f"Could not parse request body into json: Could not parse payload into json: {exc}"
        ) from None
    return payload


def client_context(header: str | None) -> str | None:
    """The decoded JSON of ``X-Amz-Client-Context`` (base64 JSON, at most 3,583 bytes)."""
    if header is None:
        return None
    if len(header) > limits.LAMBDA_CLIENT_CONTEXT_BYTES:
        raise errors.invalid(
            f"Client context must be smaller than {limits.LAMBDA_CLIENT_CONTEXT_BYTES} bytes."
        )
    try:
        text = base64.b64decode(header, validate=True).decode("utf-8")
        if not isinstance(orjson.loads(text), dict):
            raise ValueError("not an object")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise errors.invalid_content(
            "Client context must be a valid Base64-encoded JSON object."
        ) from None
    return text


def log_result(tail: str) -> str:
    """``X-Amz-Log-Result``: base64 of the last 4 KB of the log."""
    data = tail.encode("utf-8")[-limits.LAMBDA_TAIL_LOG_BYTES :]
    return base64.b64encode(data).decode("ascii")
