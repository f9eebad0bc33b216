"""The answer to a request that names no AWS API Skybus can recognise."""

from __future__ import annotations

import orjson

from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpResponse


def unrouted_error_response(error: ServiceError, request_id: str) -> HttpResponse:
    body = orjson.dumps({"__type": error.code, "message": error.message})
    return HttpResponse(
        status=error.status or 400,
        headers=[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("x-amzn-RequestId", request_id),
            ("X-Amzn-ErrorType", error.code),
        ],
        body=body,
    )
