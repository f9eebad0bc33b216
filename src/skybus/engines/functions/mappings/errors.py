"""The refusals of the event source mapping API, worded as Lambda words them.

Where AWS has no wording because AWS accepts the input (a filter, a DynamoDB stream), Skybus says
plainly that it does not support it yet rather than pretending to.
"""

from __future__ import annotations

from skybus import limits
from skybus.engines.functions import errors
from skybus.wire.errors import ServiceError

#: Parameters Lambda accepts only for streams, Kafka, Amazon MQ or DocumentDB sources.
NOT_FOR_SQS = (
    "ParallelizationFactor",
    "DestinationConfig",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "TumblingWindowInSeconds",
    "Topics",
    "Queues",
    "SourceAccessConfigurations",
    "SelfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
    "LoggingConfig",
)

#: Parameters Lambda accepts for SQS sources that Skybus does not implement.
NOT_IN_SKYBUS = ("FilterCriteria", "KMSKeyArn", "MetricsConfig", "ProvisionedPollerConfig")


def not_found() -> ServiceError:
    return errors.no_such_resource()


def unrecognized_source() -> ServiceError:
    return errors.invalid("Unrecognized event source.")


def source_not_supported(arn: str) -> ServiceError:
    return errors.invalid(
        f"Skybus does not support {arn} as an event source: only SQS queues can be mapped."
    )


def unsupported_parameter(name: str) -> ServiceError:
    return errors.invalid(f"Unsupported {name} parameter for given event source mapping type.")


def not_in_skybus(name: str) -> ServiceError:
    return errors.invalid(f"Skybus does not support {name} on event source mappings.")


def starting_position() -> ServiceError:
    return errors.invalid("StartingPosition is not valid for SQS event sources.")


def function_does_not_exist() -> ServiceError:
    return errors.invalid("Function does not exist")


def queue_does_not_exist() -> ServiceError:
    return errors.invalid(
        "Error occurred while ReceiveMessage. SQS Error Code: "
        "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does "
        "not exist or you do not have access to it."
    )


def window_needed() -> ServiceError:
    return errors.invalid(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
        f"greater than {limits.LAMBDA_SQS_MAX_BATCH_WITHOUT_WINDOW}"
    )


def no_window_for_fifo() -> ServiceError:
    return errors.invalid("Batching window is not supported for FIFO queues")


def visibility_too_short(visibility: int, timeout: int) -> ServiceError:
    return errors.invalid(
        f"Queue visibility timeout: {visibility} seconds is less than Function timeout: "
        f"{timeout} seconds"
    )


def duplicate(source_arn: str, function_name: str, uuid: str) -> ServiceError:
    return errors.conflict(
        f'An event source mapping with SQS arn (" {source_arn} ") and function '
        f'(" {function_name} ") already exists. Please update or delete the existing mapping '
        f"with UUID {uuid}"
    )
