"""Which AWS API a request is for, decided cheaply from what the request carries.

In order: the ``X-Amz-Target`` prefix (json protocol), the SigV4 credential scope's service, the
query protocol's ``Action`` (also for unsigned GETs such as SNS's SubscribeURL), and the first
path segment of the rest-json APIs (``/2015-03-31/functions`` is Lambda). Every table is derived
from botocore's models once.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import parse_qsl

from skybus.auth.sigv4 import Scope
from skybus.wire.http import HttpRequest
from skybus.wire.models import SERVICES, service_model

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class _Tables:
    def __init__(self) -> None:
        self.target_prefixes: dict[str, str] = {}
        self.signing_names: dict[str, list[str]] = {}
        self.query_actions: dict[str, str] = {}
        self.path_prefixes: dict[str, str] = {}
        for name in SERVICES:
            model = service_model(name)
            self.signing_names.setdefault(model.signing_name, []).append(name)
            if model.protocol == "json":
                self.target_prefixes[model.metadata["targetPrefix"]] = name
            if model.protocol == "query" or name == "sqs":
                for op in model.operation_names:
                    self.query_actions.setdefault(op, name)
            if model.protocol == "rest-json":
                for op in model.operation_names:
                    uri = model.operation_model(op).http["requestUri"]
                    first = uri.split("?", 1)[0].strip("/").split("/", 1)[0]
                    if first and not first.startswith("{"):
                        self.path_prefixes.setdefault(first, name)


@cache
def tables() -> _Tables:
    return _Tables()


def form_params(request: HttpRequest) -> dict[str, str]:
    """Query-protocol parameters from the query string and a form body (body wins)."""
    params = dict(request.query_params())
    if request.body and request.content_type == FORM_CONTENT_TYPE:
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return params
        params.update(parse_qsl(body, keep_blank_values=True))
    return params


def identify_service(request: HttpRequest, scope: Scope | None) -> str | None:
    t = tables()
    target = request.headers.get("x-amz-target")
    if target:
        found = t.target_prefixes.get(target.split(".", 1)[0])
        if found:
            return found
    if scope is not None:
        candidates = t.signing_names.get(scope.service)
        if candidates:
            return candidates[0]
    if request.method in ("GET", "POST") and (request.query or request.body):
        action = form_params(request).get("Action")
        if action:
            return t.query_actions.get(action)
    first = request.decoded_path.strip("/").split("/", 1)[0]
    return t.path_prefixes.get(first)
