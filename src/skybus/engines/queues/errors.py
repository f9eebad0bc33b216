"""The errors queue operations answer with, worded as SQS words them.

Codes are the JSON model's shape names (``QueueDoesNotExist``) or the common codes
(``InvalidParameterValue``, ``MissingParameter``); the protocol layer adds the legacy query code
older clients expect.
"""

from __future__ import annotations

from skybus import limits
from skybus.wire.errors import ServiceError

VALID_CHARACTERS = (
    "Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | "
    "#x10000 to #x10FFFF"
)


def queue_does_not_exist() -> ServiceError:
    return ServiceError("QueueDoesNotExist", "The specified queue does not exist.")


def invalid_address(url: str) -> ServiceError:
    return ServiceError("InvalidAddress", f"The address {url} is not valid for this endpoint.")


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message)


def invalid_value(name: str, value: object, reason: str) -> ServiceError:
    """SQS's usual sentence for one bad parameter."""
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}.")


def missing_parameter(name: str) -> ServiceError:
    return ServiceError("MissingParameter", f"The request must contain the parameter {name}.")


def unknown_attribute(name: str) -> ServiceError:
    return ServiceError("InvalidAttributeName", f"Unknown Attribute {name}.")


def invalid_attribute_value(name: str, reason: str | None = None) -> ServiceError:
    text = f"Invalid value for the parameter {name}."
    if reason:
        text = f"{text[:-1]}. Reason: {reason}."
    return ServiceError("InvalidAttributeValue", text)


def queue_name_exists(attribute: str) -> ServiceError:
    return ServiceError(
        "QueueNameExists",
        f"A queue already exists with the same name and a different value for attribute "
        f"{attribute}",
    )


def invalid_queue_name(fifo: bool) -> ServiceError:
    if fifo:
        return invalid_parameter(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
            "underscores, must end with .fifo suffix and be 1 to 80 in length."
        )
    return invalid_parameter(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    )


def invalid_receipt_handle(handle: str) -> ServiceError:
    return ServiceError(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle}" is not a valid receipt handle.',
    )


def expired_receipt_handle(handle: str) -> ServiceError:
    return invalid_value("ReceiptHandle", handle, "The receipt handle has expired")


def not_available_for_visibility(handle: str) -> ServiceError:
    return invalid_value(
        "ReceiptHandle",
        handle,
        "Message does not exist or is not available for visibility timeout change",
    )


def message_not_in_flight() -> ServiceError:
    return ServiceError("MessageNotInflight", "The specified message isn't in flight.")


def invalid_contents() -> ServiceError:
    return ServiceError("InvalidMessageContents", f"Invalid characters found. {VALID_CHARACTERS}")


def message_too_long(limit: int) -> ServiceError:
    return invalid_parameter(
        f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
    )


def not_for_this_queue_type(name: str, value: object) -> ServiceError:
    # AWS's own grammar ("The request include parameter").
    return invalid_value(
        name, value, "The request include parameter that is not valid for this queue type"
    )


def purge_in_progress(name: str) -> ServiceError:
    return ServiceError(
        "PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {name} is allowed every "
        f"{limits.SQS_PURGE_INTERVAL_SECONDS} seconds.",
    )


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


# Batches.


def empty_batch(entry_shape: str) -> ServiceError:
    return ServiceError(
        "EmptyBatchRequest", f"There should be at least one {entry_shape} in the request."
    )


def too_many_entries(count: int) -> ServiceError:
    return ServiceError(
        "TooManyEntriesInBatchRequest",
        f"Maximum number of entries per request are {limits.SQS_MAX_BATCH_ENTRIES}. "
        f"You have sent {count}.",
    )


def invalid_batch_entry_id() -> ServiceError:
    return ServiceError(
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        f"It can be at most {limits.SQS_MAX_BATCH_ENTRY_ID_LENGTH} letters long.",
    )


def batch_ids_not_distinct(entry_id: str) -> ServiceError:
    return ServiceError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")


def batch_too_long(size: int) -> ServiceError:
    return ServiceError(
        "BatchRequestTooLong",
        f"Batch requests cannot be longer than {limits.SQS_MAX_PAYLOAD_BYTES} bytes. "
        f"You have sent {size} bytes.",
    )
