"""Service modules, one per AWS API, found by botocore's service name.

Every module of this package that defines a :class:`Service` subclass is a service; the node
imports them when it starts, so adding an AWS API means adding one module. A service of the wire
layer that has no module yet still parses and validates; every operation answers the honest 501
``NotImplemented``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from skybus.services.base import Call, Handler, Route, RouteHandler, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node

__all__ = [
    "Call",
    "Handler",
    "Route",
    "RouteHandler",
    "Service",
    "ServiceRegistry",
    "discover",
    "operation",
]


def discover() -> dict[str, type[Service]]:
    """botocore service name -> the Service class of this package that implements it."""
    found: dict[str, type[Service]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Service)
                and value is not Service
                and value.__module__ == module.__name__
            ):
                if value.name in found:
                    raise RuntimeError(f"two service classes claim {value.name!r}")
                found[value.name] = value
    return found


class ServiceRegistry:
    """The operations this node implements, by service and operation name."""

    def __init__(self, node: Node, classes: dict[str, type[Service]] | None = None) -> None:
        self._handlers: dict[str, dict[str, Handler]] = {}
        self._exact: dict[tuple[str, str], RouteHandler] = {}
        self._prefixes: list[tuple[str, str, RouteHandler]] = []
        for service_name, cls in (discover() if classes is None else classes).items():
            service = cls(node)
            self._handlers[service_name] = service.handlers()
            for route in service.routes():
                if route.path.endswith("/"):
                    self._prefixes.append((route.method, route.path, route.handler))
                else:
                    self._exact[(route.method, route.path)] = route.handler
        self._prefixes.sort(key=lambda entry: len(entry[1]), reverse=True)

    def handler(self, service: str, operation: str) -> Handler | None:
        return self._handlers.get(service, {}).get(operation)

    def route(self, method: str, path: str) -> RouteHandler | None:
        """The plain HTTP endpoint for a request, if a service serves one at ``path``."""
        found = self._exact.get((method, path))
        if found is None and self._prefixes:
            for route_method, prefix, handler in self._prefixes:
                if route_method == method and path.startswith(prefix):
                    return handler
        return found

    def implemented(self) -> dict[str, list[str]]:
        return {name: sorted(ops) for name, ops in self._handlers.items()}
