"""The protocol object that parses and answers a request for a given service.

Protocols are chosen by the name in botocore's model, from a small registry imported lazily. SQS
speaks two: ``json`` (current SDKs) and ``query`` (older SDKs and the AWS CLI v1), told apart by
the request itself.
"""

from __future__ import annotations

import importlib
from functools import cache

from botocore.model import ServiceModel

from skybus.wire.http import HttpRequest
from skybus.wire.models import service_model
from skybus.wire.protocol import Protocol

PROTOCOL_CLASSES: dict[str, str] = {
    "query": "skybus.wire.query:QueryProtocol",
    "json": "skybus.wire.jsonproto:JsonProtocol",
    "rest-json": "skybus.wire.restjson:RestJsonProtocol",
}


def _protocol_class(name: str) -> type[Protocol]:
    module_name, _, class_name = PROTOCOL_CLASSES[name].partition(":")
    cls: type[Protocol] = getattr(importlib.import_module(module_name), class_name)
    return cls


@cache
def _protocol(service: str, name: str) -> Protocol:
    model: ServiceModel
    if service == "sqs" and name == "query":
        from skybus.wire.sqs_legacy import legacy_sqs_model

        model = legacy_sqs_model()
    else:
        model = service_model(service)
    return _protocol_class(name)(model)


def is_legacy_query(request: HttpRequest) -> bool:
    return "x-amz-target" not in request.headers and (
        request.content_type == "application/x-www-form-urlencoded" or "Action=" in request.query
    )


def protocol_for(service: str, request: HttpRequest) -> Protocol:
    if service == "sqs" and is_legacy_query(request):
        return _protocol(service, "query")
    return _protocol(service, service_model(service).protocol)


def default_protocol(service: str) -> Protocol:
    return _protocol(service, service_model(service).protocol)


def warm_wire_tables() -> None:
    """Load every served model and build its protocol tables now rather than on the first
    request for it."""
    from skybus.wire.models import SERVICES
    from skybus.wire.routing import tables

    tables()
    for service in SERVICES:
        default_protocol(service)
    _protocol("sqs", "query")
