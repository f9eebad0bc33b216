"""botocore's bundled service models: the specification every parser and serializer follows."""

from __future__ import annotations

from functools import cache

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

# Services whose models Skybus serves, by botocore's service name.
SERVICES: tuple[str, ...] = (
    "sns",
    "sqs",
    "dynamodb",
    "dynamodbstreams",
    "lambda",
    "events",
    "logs",
    "sts",
    "apigatewayv2",
    "apigatewaymanagementapi",
)


@cache
def _loader() -> botocore.loaders.Loader:
    return botocore.loaders.Loader()


@cache
def service_model(name: str) -> ServiceModel:
    """The newest model botocore ships for ``name`` (loaded once per process)."""
    data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@cache
def signing_name(service: str) -> str:
    """The SigV4 signing name (``apigateway`` for apigatewayv2, ``dynamodb`` for streams)."""
    name: str = service_model(service).signing_name
    return name
