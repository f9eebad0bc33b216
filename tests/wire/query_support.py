"""Shared pieces of the query protocol tests: the models, botocore's requests and answers."""

from __future__ import annotations

from typing import Any

import botocore.parsers
import botocore.serialize
import pytest
from botocore.awsrequest import AWSRequest
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from skybus.wire.errors import ServiceError
from skybus.wire.http import Headers, HttpRequest, HttpResponse
from skybus.wire.models import service_model
from skybus.wire.query import QueryProtocol
from skybus.wire.sqs_legacy import legacy_sqs_model

SEEDS = (0, 1, 2)
ABSENT: Any = object()


def model_for(name: str) -> ServiceModel:
    return legacy_sqs_model() if name == "sqs-query" else service_model(name)


_PROTOCOLS: dict[str, QueryProtocol] = {}


def protocol_for(name: str) -> QueryProtocol:
    if name not in _PROTOCOLS:
        _PROTOCOLS[name] = QueryProtocol(model_for(name))
    return _PROTOCOLS[name]


CASES = [
    (service, operation)
    for service in ("sns", "sts", "sqs-query")
    for operation in model_for(service).operation_names
]


# --- helpers -------------------------------------------------------------------------------


def botocore_request(
    operation: OperationModel, params: dict[str, Any], *, get: bool
) -> HttpRequest:
    """The request botocore would send for ``params``, as the server would receive it."""
    serializer = botocore.serialize.create_serializer("query", include_validation=False)
    serialized = serializer.serialize_to_request(params, operation)
    if get:
        # SNS's SubscribeURL/UnsubscribeURL style: the same pairs in the query string of a GET.
        prepared = AWSRequest(method="GET", url="http://x/", params=serialized["body"]).prepare()
        query = prepared.url.partition("?")[2]
        return HttpRequest("GET", "/", query=query)
    prepared = AWSRequest(
        method=serialized["method"],
        url="http://x" + serialized["url_path"],
        data=serialized["body"],
        headers=serialized["headers"],
    ).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    headers = Headers((k, str(v)) for k, v in prepared.headers.items())
    return HttpRequest(serialized["method"], serialized["url_path"], headers=headers, body=body)


def form_request(body: str, *, query: str = "", content_type: str | None = None) -> HttpRequest:
    ctype = (
        "application/x-www-form-urlencoded; charset=utf-8" if content_type is None else content_type
    )
    headers = Headers([("Content-Type", ctype)])
    return HttpRequest("POST", "/", query=query, headers=headers, body=body.encode("latin-1"))


def on_the_wire_input(shape: Shape, value: Any) -> Any:
    """What of an input value a query request can carry."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out = {}
        for name, item in value.items():
            kept = on_the_wire_input(shape.members[name], item)
            if kept is not ABSENT:
                out[name] = kept
        # A structure with nothing inside sends no key at all, so it cannot be told from absent.
        return out if out else ABSENT
    if kind == "list":
        if not value:
            return []  # Empty lists are sent as ``Name=`` and come back as [].
        items = [on_the_wire_input(shape.member, item) for item in value]
        items = [item for item in items if item is not ABSENT]
        # Items that send no key leave no trace; a list of only those sends nothing.
        return items if items else ABSENT
    if kind == "map":
        # botocore sends no key for an empty map.
        if not value:
            return ABSENT
        return {k: on_the_wire_input(shape.value, v) for k, v in value.items()}
    return value


def on_the_wire_output(shape: Shape, value: Any) -> Any:
    """What of an output value an XML response can carry."""
    kind = shape.type_name
    flattened = bool(shape.serialization.get("flattened"))
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out = {}
        for name, item in value.items():
            kept = on_the_wire_output(shape.members[name], item)
            if kept is not ABSENT:
                out[name] = kept
        return out
    if kind == "list":
        # An empty flattened list writes no element at all, so it reads back as absent.
        if flattened and not value:
            return ABSENT
        return [on_the_wire_output(shape.member, item) for item in value]
    if kind == "map":
        if flattened and not value:
            return ABSENT
        return {k: on_the_wire_output(shape.value, v) for k, v in value.items()}
    return value


def botocore_parse(response: HttpResponse, shape: Shape | None) -> dict[str, Any]:
    parser = botocore.parsers.create_parser("query")
    headers = {k: v for k, v in response.headers}
    parsed: dict[str, Any] = parser.parse(
        {"status_code": response.status, "headers": headers, "body": response.body}, shape
    )
    return parsed


def parse_error(protocol: QueryProtocol, request: HttpRequest) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        protocol.parse(request)
    return caught.value
