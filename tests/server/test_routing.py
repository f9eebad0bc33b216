"""Every operation of every served model is routed to its own service, from what boto3 sends."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

from skybus.auth.sigv4 import signing_scope
from skybus.wire.http import Headers, HttpRequest
from skybus.wire.models import SERVICES, service_model
from skybus.wire.routing import identify_service
from tests.wire.shapegen import sample


def boto_request(service: str, operation: str, *, sign: bool) -> HttpRequest:
    model = service_model(service)
    op = model.operation_model(operation)
    params = sample(op.input_shape, 1) if op.input_shape is not None else {}
    wire = create_serializer(model.protocol, include_validation=False).serialize_to_request(
        params, op
    )
    body = wire["body"]
    if isinstance(body, dict):
        body = urlencode(body, doseq=True)
    url = "http://127.0.0.1:4566" + wire["url_path"]
    if wire["query_string"]:
        query = wire["query_string"]
        url += "?" + (query if isinstance(query, str) else urlencode(query, doseq=True))
    aws = AWSRequest(method=wire["method"], url=url, data=body, headers=wire["headers"])
    if sign:
        SigV4Auth(Credentials("k", "s"), model.signing_name, "eu-west-1").add_auth(aws)
    prepared = aws.prepare()
    path, _, query = prepared.url.removeprefix("http://127.0.0.1:4566").partition("?")
    raw = prepared.body or b""
    return HttpRequest(
        method=prepared.method,
        path=path,
        query=query,
        headers=Headers(prepared.headers.items()),
        body=raw.encode() if isinstance(raw, str) else raw,
    )


CASES = [(name, op) for name in SERVICES for op in service_model(name).operation_names]


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_signed_requests_reach_their_service(service: str, operation: str) -> None:
    request = boto_request(service, operation, sign=True)
    assert identify_service(request, signing_scope(request)) == service


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_unsigned_requests_reach_their_service(service: str, operation: str) -> None:
    request = boto_request(service, operation, sign=False)
    assert identify_service(request, None) == service


def test_signed_region_is_the_scope_region() -> None:
    request = boto_request("dynamodb", "ListTables", sign=True)
    scope = signing_scope(request)
    assert scope is not None
    assert scope.region == "eu-west-1"
