"""The errors topic operations answer with, worded as SNS words them.

Codes are SNS's wire codes (``InvalidParameter``, ``NotFound``); the query protocol takes the HTTP
status and the Sender/Receiver type from the model's error shape of that code.
"""

from __future__ import annotations

from skybus.wire.errors import ServiceError


def invalid_parameter(message: str) -> ServiceError:
    """``InvalidParameter`` (400) with the full sentence, e.g. "Invalid parameter: Topic"."""
    return ServiceError("InvalidParameter", message)


def invalid(name: str, reason: str | None = None) -> ServiceError:
    """SNS's usual sentence: ``Invalid parameter: <name>[ Reason: <reason>]``."""
    text = f"Invalid parameter: {name}"
    if reason:
        text = f"{text} Reason: {reason}"
    return invalid_parameter(text)


def invalid_value(message: str) -> ServiceError:
    """``ParameterValueInvalid`` (message attributes and other values)."""
    return ServiceError("ParameterValueInvalid", message)


def topic_not_found() -> ServiceError:
    return ServiceError("NotFound", "Topic does not exist")


def subscription_not_found() -> ServiceError:
    return ServiceError("NotFound", "Subscription does not exist")


def resource_not_found() -> ServiceError:
    return ServiceError("ResourceNotFound", "Resource does not exist")


def authorization(message: str) -> ServiceError:
    return ServiceError("AuthorizationError", message)


def unsupported_protocol(protocol: str) -> ServiceError:
    return invalid_parameter(
        f"Invalid parameter: Amazon SNS does not support this protocol string: {protocol}"
    )


def message_too_long() -> ServiceError:
    return invalid_parameter("Invalid parameter: Message too long")
