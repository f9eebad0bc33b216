"""Lambda's errors, with the codes, statuses and messages AWS answers with.

Every refusal of the functions engine is built here, so the wording lives in one place.
"""

from __future__ import annotations

from skybus.wire.errors import ServiceError


def not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Function not found: {arn}", status=404)


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, status=404)


def no_such_resource() -> ServiceError:
    return resource_not_found("The resource you requested does not exist.")


def conflict(message: str) -> ServiceError:
    return ServiceError("ResourceConflictException", message, status=409)


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message, status=400)


def validation(path: str, value: object, constraint: str) -> ServiceError:
    """The shape of AWS's own model validation, for limits the bundled model no longer states."""
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
        f"constraint: {constraint}",
        status=400,
    )


def precondition_failed() -> ServiceError:
    return ServiceError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id",
        status=412,
    )


def qualifier_mismatch() -> ServiceError:
    return invalid(
        "The derived qualifier from the function name does not match the specified qualifier."
    )


def wrong_region(found: str, here: str) -> ServiceError:
    return resource_not_found(
        f"Functions from '{found}' are not reachable in this region ('{here}')"
    )


def unqualified_only() -> ServiceError:
    return invalid(
        "This operation is permitted on Lambda functions only. Aliases and versions do not "
        "support this operation. Please specify either a function name or an unqualified "
        "function ARN."
    )


def request_too_large(message: str) -> ServiceError:
    # The model names the shape RequestTooLargeException; the wire code AWS sends is this one.
    return ServiceError("RequestEntityTooLargeException", message, status=413)


def invalid_content(message: str) -> ServiceError:
    return ServiceError("InvalidRequestContentException", message, status=400)


def too_many_requests(reason: str) -> ServiceError:
    return ServiceError(
        "TooManyRequestsException", "Rate Exceeded.", status=429, fields={"Reason": reason}
    )


def policy_too_large() -> ServiceError:
    return ServiceError(
        "PolicyLengthExceededException",
        "The final policy size is bigger than the limit.",
        status=400,
    )


def service_failure() -> ServiceError:
    """Skybus itself failed to run the function (never the function's own error)."""
    return ServiceError(
        "ServiceException",
        "The Lambda service encountered an internal error.",
        status=500,
        sender_fault=False,
    )
