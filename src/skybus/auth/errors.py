"""Authentication failures as each AWS service reports them.

Three families, by what AWS answers:

* JSON services (DynamoDB, Streams, EventBridge, CloudWatch Logs): the ``...Exception`` codes of
  the ``com.amazon.coral.service`` namespace, all HTTP 400.
* Query services (SNS, STS) and SQS, which keeps its query-era codes under the JSON protocol:
  ``MissingAuthenticationToken``, ``InvalidClientTokenId``, ``SignatureDoesNotMatch`` with 403,
  ``IncompleteSignature`` with 400. An expired signature is a ``SignatureDoesNotMatch``.
* REST services behind API Gateway's front door (Lambda, API Gateway v2 and its management API):
  the ``...Exception`` codes with 403, and "Missing Authentication Token" without "Request is".
"""

from __future__ import annotations

from dataclasses import dataclass

from skybus.auth.sigv4 import AuthFailure, FailureKind
from skybus.wire.errors import ServiceError
from skybus.wire.models import service_model

INVALID_TOKEN = "The security token included in the request is invalid."


@dataclass(frozen=True, slots=True)
class _Style:
    codes: dict[FailureKind, tuple[str, int]]
    missing_message: str


_JSON = _Style(
    {
        FailureKind.MISSING: ("MissingAuthenticationTokenException", 400),
        FailureKind.INCOMPLETE: ("IncompleteSignatureException", 400),
        FailureKind.UNKNOWN_KEY: ("UnrecognizedClientException", 400),
        FailureKind.BAD_SIGNATURE: ("InvalidSignatureException", 400),
        FailureKind.EXPIRED: ("InvalidSignatureException", 400),
        FailureKind.NOT_YET_VALID: ("InvalidSignatureException", 400),
    },
    "Request is missing Authentication Token",
)
_QUERY = _Style(
    {
        FailureKind.MISSING: ("MissingAuthenticationToken", 403),
        FailureKind.INCOMPLETE: ("IncompleteSignature", 400),
        FailureKind.UNKNOWN_KEY: ("InvalidClientTokenId", 403),
        FailureKind.BAD_SIGNATURE: ("SignatureDoesNotMatch", 403),
        FailureKind.EXPIRED: ("SignatureDoesNotMatch", 403),
        FailureKind.NOT_YET_VALID: ("SignatureDoesNotMatch", 403),
    },
    "Request is missing Authentication Token",
)
_REST = _Style(
    {
        FailureKind.MISSING: ("MissingAuthenticationTokenException", 403),
        FailureKind.INCOMPLETE: ("IncompleteSignatureException", 403),
        FailureKind.UNKNOWN_KEY: ("UnrecognizedClientException", 403),
        FailureKind.BAD_SIGNATURE: ("InvalidSignatureException", 403),
        FailureKind.EXPIRED: ("InvalidSignatureException", 403),
        FailureKind.NOT_YET_VALID: ("InvalidSignatureException", 403),
    },
    "Missing Authentication Token",
)

_BY_SERVICE: dict[str, _Style] = {
    "dynamodb": _JSON,
    "dynamodbstreams": _JSON,
    "events": _JSON,
    "logs": _JSON,
    "sns": _QUERY,
    "sts": _QUERY,
    "sqs": _QUERY,
    "lambda": _REST,
    "apigatewayv2": _REST,
    "apigatewaymanagementapi": _REST,
}
_BY_PROTOCOL = {"json": _JSON, "query": _QUERY, "rest-json": _REST}


def _style(service_name: str) -> _Style:
    style = _BY_SERVICE.get(service_name)
    if style is not None:
        return style
    try:
        protocol = service_model(service_name).protocol
    except Exception:  # a name botocore does not know: answer like the JSON services
        return _JSON
    return _BY_PROTOCOL.get(protocol, _JSON)


def auth_error(service_name: str, failure: AuthFailure) -> ServiceError:
    """The error ``service_name`` (botocore's name) returns for ``failure``."""
    style = _style(service_name)
    code, status = style.codes[failure.kind]
    if failure.kind is FailureKind.MISSING:
        message = style.missing_message
    elif failure.kind is FailureKind.UNKNOWN_KEY:
        message = INVALID_TOKEN
    else:
        message = failure.message
    return ServiceError(code, message, status=status, sender_fault=True)
