"""What every service module is made of: a class whose methods are AWS operations.

A service is thin: it takes the parsed, validated parameters of one operation, calls an engine
and returns the output as a dict shaped like the operation's output in botocore's model. It never
sees HTTP and never touches SQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from skybus.wire.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from skybus.node import Node


@dataclass(frozen=True, slots=True)
class Call:
    """What an operation knows about the call that reached it."""

    service: str
    operation: str
    account: str
    region: str
    request_id: str
    access_key: str | None
    #: Base URL the caller reached Skybus at (for queue URLs, SubscribeURL, ...).
    endpoint: str


Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[Call, Params], Awaitable[Result]]
F = TypeVar("F", bound=Callable[..., Awaitable[Result]])

_OPERATION_ATTR = "__skybus_operation__"

RouteHandler = Callable[[HttpRequest], Awaitable[HttpResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    """A plain HTTP endpoint a service serves besides its AWS API (SNS's signing certificate,
    a webhook). ``path`` matches exactly, or as a prefix when it ends with ``/``."""

    method: str
    path: str
    handler: RouteHandler


def operation(name: str) -> Callable[[F], F]:
    """Mark a method as the implementation of the AWS operation ``name``."""

    def mark(fn: F) -> F:
        setattr(fn, _OPERATION_ATTR, name)
        return fn

    return mark


class Service:
    """Base class of service modules; subclasses set ``name`` to botocore's service name."""

    name: ClassVar[str]

    def __init__(self, node: Node) -> None:
        self.node = node

    def routes(self) -> list[Route]:
        """Plain HTTP endpoints of this service; none by default."""
        return []

    def handlers(self) -> dict[str, Handler]:
        found: dict[str, Handler] = {}
        for attr in dir(type(self)):
            fn = getattr(type(self), attr, None)
            op = getattr(fn, _OPERATION_ATTR, None)
            if op is not None:
                found[op] = getattr(self, attr)
        return found
