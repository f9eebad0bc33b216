"""The small steps a request goes through. Each reads and fills in the :class:`Exchange`.

A step raises :class:`ServiceError` to answer with an AWS error; the remaining request steps are
skipped and the response steps still run.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from skybus import limits
from skybus.auth.errors import auth_error
from skybus.auth.sigv4 import AuthFailure, FailureKind, signing_scope
from skybus.server.exchange import Exchange
from skybus.services.base import Call
from skybus.wire.errors import NotImplementedOperation, ServiceError
from skybus.wire.models import signing_name
from skybus.wire.protocols import protocol_for
from skybus.wire.routing import form_params, identify_service
from skybus.wire.validation import validate, validation_error

log = logging.getLogger("skybus.requests")


class UnknownService(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "UnknownOperationException",
            "Skybus could not tell which AWS API this request is for: send a SigV4-signed "
            "request, an X-Amz-Target header or a query-protocol Action.",
            status=400,
        )


def find_service(ex: Exchange) -> None:
    ex.scope = signing_scope(ex.request)
    ex.service = identify_service(ex.request, ex.scope)
    if ex.service is None:
        raise UnknownService()
    ex.protocol = protocol_for(ex.service, ex.request)


def limit_body(ex: Exchange) -> None:
    limit = limits.MAX_LAMBDA_REQUEST_BODY if ex.service == "lambda" else limits.MAX_REQUEST_BODY
    if not ex.body_truncated and len(ex.request.body) <= limit:
        return
    if ex.service == "lambda":
        # Lambda names the operation, found from the path alone (the body is not parsed).
        router = getattr(ex.protocol, "router", None)
        found = (
            router.match(ex.request.method, ex.request.path, ex.request.query) if router else None
        )
        operation = f" for the {found.operation} operation" if found is not None else ""
        raise ServiceError(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {limit} bytes{operation}",
            status=413,
        )
    raise ServiceError(
        "RequestEntityTooLarge", f"Request must be smaller than {limit} bytes.", status=413
    )


def authenticate(ex: Exchange) -> None:
    assert ex.service is not None
    now = datetime.fromtimestamp(ex.node.clock(), UTC)
    outcome = ex.node.verifier.verify(ex.request, now, service=signing_name(ex.service))
    if isinstance(outcome, AuthFailure) and _unsigned_by_design(ex, outcome):
        # The token or subscription ARN in the URL is the credential here, as on AWS; the
        # service checks it.
        ex.access_key = None
        ex.account = ex.node.credentials.account_for("")
        ex.region = ex.scope.region if ex.scope is not None else ex.node.settings.region
        return
    if isinstance(outcome, AuthFailure):
        if outcome.canonical_request is not None:
            log.info("signature mismatch; canonical request was:\n%s", outcome.canonical_request)
        raise auth_error(ex.service, outcome)
    ex.access_key = outcome.access_key or None
    ex.account = outcome.account
    ex.region = outcome.region


#: SNS hands these to HTTP endpoints as plain URLs (SubscribeURL, UnsubscribeURL): they are
#: meant to be fetched unsigned.
UNSIGNED_ACTIONS = {"sns": frozenset({"ConfirmSubscription", "Unsubscribe"})}


def _unsigned_by_design(ex: Exchange, failure: AuthFailure) -> bool:
    allowed = UNSIGNED_ACTIONS.get(ex.service or "")
    if allowed is None or failure.kind is not FailureKind.MISSING:
        return False
    return form_params(ex.request).get("Action") in allowed


def find_region_and_account(ex: Exchange) -> None:
    if not ex.region:
        ex.region = ex.scope.region if ex.scope is not None else ex.node.settings.region
    if not ex.account:
        ex.account = ex.node.credentials.account_for(ex.access_key or "")


def parse(ex: Exchange) -> None:
    assert ex.protocol is not None
    parsed = ex.protocol.parse(ex.request)
    ex.operation = parsed.operation
    ex.params = parsed.params


def queue_url_from_path(ex: Exchange) -> None:
    """Older SQS clients send a queue's actions to the queue's own URL (``POST /ACCOUNT/NAME``)
    without a QueueUrl parameter, as the query API allowed."""
    if ex.service != "sqs" or ex.operation is None or "QueueUrl" in ex.params:
        return
    shape = ex.operation.input_shape
    if shape is None or "QueueUrl" not in shape.members:
        return
    parts = ex.request.path.strip("/").split("/")
    if len(parts) == 2 and parts[0].isdigit() and parts[1]:
        ex.params["QueueUrl"] = f"{ex.request.base_url}/{parts[0]}/{parts[1]}"


def check_input(ex: Exchange) -> None:
    assert ex.operation is not None
    assert ex.service is not None
    violations = validate(ex.operation.input_shape, ex.params)
    if violations:
        raise validation_error(ex.service, violations)


async def dispatch(ex: Exchange) -> None:
    assert ex.operation is not None
    assert ex.service is not None
    handler = ex.node.services.handler(ex.service, ex.operation.name)
    if handler is None:
        raise NotImplementedOperation(ex.service, ex.operation.name)
    call = Call(
        service=ex.service,
        operation=ex.operation.name,
        account=ex.account,
        region=ex.region,
        request_id=ex.request_id,
        access_key=ex.access_key,
        endpoint=ex.node.settings.public_url or ex.request.base_url,
    )
    ex.result = await handler(call, ex.params)


def serialize(ex: Exchange) -> None:
    protocol = ex.protocol
    if ex.error is None and protocol is not None and ex.operation is not None:
        ex.response = protocol.serialize(ex.operation, ex.result or {}, ex.request_id)
        return
    error = ex.error or ServiceError("InternalFailure", status=500, sender_fault=False)
    if protocol is None:
        from skybus.server.fallback import unrouted_error_response

        ex.response = unrouted_error_response(error, ex.request_id)
    else:
        ex.response = protocol.serialize_error(error, ex.operation, ex.request_id)


def record_metrics(ex: Exchange) -> None:
    status = ex.response.status if ex.response is not None else 500
    operation = ex.operation.name if ex.operation is not None else "-"
    elapsed = time.perf_counter() - ex.started
    ex.node.metrics.record(ex.service or "-", operation, status, elapsed)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s %s.%s %d %.2fms", ex.request_id, ex.service, operation, status, elapsed * 1e3)
