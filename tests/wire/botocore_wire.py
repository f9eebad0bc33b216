"""Requests as botocore sends them and answers as botocore reads them, for round-trip tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import HeadersDict, prepare_request_dict

from skybus.wire.http import Headers, HttpRequest, HttpResponse
from skybus.wire.models import service_model


def operations(services: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(service, op) for service in services for op in service_model(service).operation_names]


def without_event_streams(cases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Event-stream answers (logs StartLiveTail, Lambda InvokeWithResponseStream) are binary
    frames, not one body: they are left out of output round trips."""
    return [
        (service, op)
        for service, op in cases
        if not service_model(service).operation_model(op).has_event_stream_output
    ]


def to_request(wire: dict[str, Any]) -> HttpRequest:
    """botocore's serialized request dict as the HTTP request a server receives."""
    prepare_request_dict(wire, endpoint_url="http://127.0.0.1:4566")
    url = urlsplit(wire["url"])
    body = wire["body"]
    return HttpRequest(
        method=wire["method"],
        path=url.path or "/",
        query=url.query,
        headers=Headers((k, str(v)) for k, v in wire["headers"].items()),
        body=body.encode() if isinstance(body, str) else body,
    )


def botocore_parse(response: HttpResponse, shape: Any, protocol: str) -> dict[str, Any]:
    """What botocore's parser for ``protocol`` makes of ``response``."""
    from botocore.parsers import create_parser

    headers = HeadersDict()
    for name, value in response.headers:
        headers[name] = value
    parsed: dict[str, Any] = create_parser(protocol).parse(
        {"status_code": response.status, "headers": headers, "body": response.body}, shape
    )
    return parsed
