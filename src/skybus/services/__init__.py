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

from skybus.services.base import Call, Handler, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node

__all__ = ["Call", "Handler", "Service", "ServiceRegistry", "discover", "operation"]


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
        for service_name, cls in (discover() if classes is None else classes).items():
            self._handlers[service_name] = cls(node).handlers()

    def handler(self, service: str, operation: str) -> Handler | None:
        return self._handlers.get(service, {}).get(operation)

    def implemented(self) -> dict[str, list[str]]:
        return {name: sorted(ops) for name, ops in self._handlers.items()}
