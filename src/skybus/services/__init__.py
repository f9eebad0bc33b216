"""Service modules, one per AWS API, found by botocore's service name.

Modules are imported when a node starts, by name from this table (as uvicorn resolves its
protocol classes), so a service adds one line here. A service of the wire layer that has no module
yet still parses and validates; every operation answers the honest 501 ``NotImplemented``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from skybus.services.base import Call, Handler, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node

__all__ = ["SERVICE_MODULES", "Call", "Handler", "Service", "ServiceRegistry", "operation"]

#: botocore service name -> "module:Class"
SERVICE_MODULES: dict[str, str] = {
    "sts": "skybus.services.sts:StsService",
    "dynamodb": "skybus.services.dynamodb:DynamoDBService",
}


class ServiceRegistry:
    """The operations this node implements, by service and operation name."""

    def __init__(self, node: Node, modules: dict[str, str] | None = None) -> None:
        self._handlers: dict[str, dict[str, Handler]] = {}
        for service_name, target in (SERVICE_MODULES if modules is None else modules).items():
            module_name, _, class_name = target.partition(":")
            cls: type[Service] = getattr(importlib.import_module(module_name), class_name)
            self._handlers[service_name] = cls(node).handlers()

    def handler(self, service: str, operation: str) -> Handler | None:
        return self._handlers.get(service, {}).get(operation)

    def implemented(self) -> dict[str, list[str]]:
        return {name: sorted(ops) for name, ops in self._handlers.items()}
