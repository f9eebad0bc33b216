"""The errors CloudWatch Logs answers with, worded as AWS words them where that is recorded."""

from __future__ import annotations

from skybus.wire.errors import ServiceError

INVALID = "InvalidParameterException"


def group_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log group does not exist.")


def stream_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log stream does not exist.")


def group_exists() -> ServiceError:
    return ServiceError("ResourceAlreadyExistsException", "The specified log group already exists")


def stream_exists() -> ServiceError:
    return ServiceError("ResourceAlreadyExistsException", "The specified log stream already exists")


def invalid(message: str) -> ServiceError:
    return ServiceError(INVALID, message)


def invalid_token() -> ServiceError:
    return invalid("The specified nextToken is invalid.")


def name_and_arn() -> ServiceError:
    return ServiceError(
        "ValidationException", "LogGroup name and LogGroup ARN are mutually exclusive parameters."
    )


def name_or_arn_missing() -> ServiceError:
    # AWS's wording for this case is not recorded; the code follows the case above.
    return ServiceError(
        "ValidationException", "Either the LogGroup name or the LogGroup ARN must be specified."
    )


def deletion_protected() -> ServiceError:
    # AWS's wording is not recorded; the model lists ValidationException for both deletions
    # that deletion protection blocks.
    return ServiceError(
        "ValidationException",
        "Deletion protection is enabled for this log group; disable it with "
        "PutLogGroupDeletionProtection before deleting the log group or its streams.",
    )
