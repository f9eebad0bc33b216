"""One request's journey through the pipeline: what each step reads and fills in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel

from skybus.auth.sigv4 import Scope
from skybus.node import Node
from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse
from skybus.wire.protocol import Protocol


@dataclass(slots=True)
class Exchange:
    node: Node
    request: HttpRequest
    request_id: str
    started: float
    #: Set by the server when the body was cut off at the front door's largest limit.
    body_truncated: bool = False
    #: The SigV4 credential scope, read (not yet verified) before routing.
    scope: Scope | None = None
    service: str | None = None
    protocol: Protocol | None = None
    region: str = ""
    account: str = ""
    access_key: str | None = None
    operation: OperationModel | None = None
    params: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: ServiceError | None = None
    response: HttpResponse | None = None
