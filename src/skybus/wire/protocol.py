"""The contract every wire protocol implements (query, json, rest-json).

A protocol is sans-IO: it turns an :class:`HttpRequest` into an operation and its parameters, and
an operation's result or a :class:`ServiceError` into an :class:`HttpResponse`. Parameters and
results are plain Python values shaped like boto3's: ``dict`` for structures and maps, ``list``
for lists, ``str``, ``int``, ``float``, ``bool``, ``bytes`` for blobs and timezone-aware
``datetime`` for timestamps.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, ServiceModel

from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse


@dataclass(slots=True)
class ParsedRequest:
    operation: OperationModel
    params: dict[str, Any] = field(default_factory=dict)


class Protocol(ABC):
    """Parsing and serialization for one botocore protocol, for any service that uses it."""

    name: str

    def __init__(self, service: ServiceModel) -> None:
        self.service = service

    @abstractmethod
    def parse(self, request: HttpRequest) -> ParsedRequest:
        """Find the operation and decode its input.

        Raises :class:`ServiceError` with the protocol's own code for a malformed body, an
        unknown operation or a wrong content type. Does not validate constraints: see
        :mod:`skybus.wire.validation`.
        """

    @abstractmethod
    def serialize(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> HttpResponse:
        """Encode an operation's output as AWS would send it."""

    @abstractmethod
    def serialize_error(
        self, error: ServiceError, operation: OperationModel | None, request_id: str
    ) -> HttpResponse:
        """Encode an error as AWS would send it for this protocol and service."""
