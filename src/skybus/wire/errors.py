"""Errors as AWS reports them.

A :class:`ServiceError` carries the error *code* and message; the protocol serializer decides how
it looks on the wire (XML ``ErrorResponse``, JSON ``__type``, ``X-Amzn-ErrorType``). When ``code``
names an error shape of the service's model (``QueueDoesNotExist``, ``NotFoundException``), the
serializer takes the HTTP status, fault and wire code from that shape unless they are given here.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An error answer to an AWS API call."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        sender_fault: bool | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}
        self.headers = headers or {}

    def __repr__(self) -> str:
        return f"ServiceError({self.code!r}, {self.message!r}, status={self.status!r})"


class NotImplementedOperation(ServiceError):
    """An operation of the model that no Skybus engine implements yet (HTTP 501)."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            "NotImplemented",
            f"The operation {operation} of service {service} is not implemented by Skybus yet.",
            status=501,
            sender_fault=False,
        )
        self.service = service
        self.operation = operation


class InternalFailure(ServiceError):
    def __init__(
        self, message: str = "The request processing has failed because of an unknown error."
    ) -> None:
        super().__init__("InternalFailure", message, status=500, sender_fault=False)
