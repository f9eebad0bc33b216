"""A function's configuration from CreateFunction / UpdateFunctionConfiguration parameters.

The model has already checked types, enums, patterns and the ranges it states; the checks here
are the ones Lambda makes itself (reserved environment variables, the 4 KB environment, the
900 s / 10,240 MB limits the newest model no longer states) and Skybus's own limits (Python
runtimes, zip packages).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from skybus import limits
from skybus.engines.functions import errors
from skybus.engines.functions.model import CodeRef, Settings

SUPPORTED_RUNTIMES = ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13")
NEWEST_RUNTIME = SUPPORTED_RUNTIMES[-1]
DEPRECATED_RUNTIMES = frozenset({"python2.7", "python3.6", "python3.7", "python3.8"})

#: Environment variables Lambda sets itself and refuses in a function's configuration.
RESERVED_ENVIRONMENT = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)

#: Request members for features Skybus does not provide; refused rather than ignored.
UNSUPPORTED_MEMBERS = (
    "Layers",
    "FileSystemConfigs",
    "CodeSigningConfigArn",
    "ImageConfig",
    "TenancyConfig",
    "CapacityProviderConfig",
    "DurableConfig",
    "AcceleratorConfig",
)

_MANDATORY = (
    "Runtime and Handler are mandatory parameters for functions created with deployment packages."
)


def refuse_unsupported(params: dict[str, Any]) -> None:
    for member in UNSUPPORTED_MEMBERS:
        if params.get(member):
            raise errors.invalid(f"Skybus does not support {member}.")
    snap = params.get("SnapStart") or {}
    if snap.get("ApplyOn", "None") != "None":
        raise errors.invalid("Skybus does not support SnapStart.")
    if params.get("PackageType", "Zip") != "Zip":
        raise errors.invalid(
            "Skybus runs functions from zip archives only (PackageType Zip); container image "
            "functions are not supported."
        )


def check_runtime(runtime: str) -> None:
    if runtime in SUPPORTED_RUNTIMES:
        return
    if runtime in DEPRECATED_RUNTIMES:
        raise errors.invalid(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            f"updating AWS Lambda functions. We recommend you use the new runtime "
            f"({NEWEST_RUNTIME}) while creating or updating functions."
        )
    raise errors.invalid(
        f"Skybus runs Python functions on {', '.join(SUPPORTED_RUNTIMES)}; the runtime "
        f"{runtime} is not supported."
    )


def check_environment(variables: dict[str, str]) -> None:
    reserved = [name for name in variables if name in RESERVED_ENVIRONMENT]
    if reserved:
        raise errors.invalid(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not "
            "supported for modification. Reserved keys used in this request: " + ", ".join(reserved)
        )
    measured = orjson.dumps(variables).decode()
    if len(measured.encode()) > limits.LAMBDA_MAX_ENV_BYTES:
        raise errors.invalid(
            "Lambda was unable to configure your environment variables because the environment "
            f"variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )


def check_limits(params: dict[str, Any]) -> None:
    timeout = params.get("Timeout")
    if timeout is not None and timeout > limits.LAMBDA_MAX_TIMEOUT_SECONDS:
        raise errors.validation(
            "timeout",
            timeout,
            f"Member must have value less than or equal to {limits.LAMBDA_MAX_TIMEOUT_SECONDS}",
        )
    memory = params.get("MemorySize")
    if memory is not None and memory > limits.LAMBDA_MAX_MEMORY_MB:
        raise errors.validation(
            "memorySize",
            memory,
            f"Member must have value less than or equal to {limits.LAMBDA_MAX_MEMORY_MB}",
        )
    size = (params.get("EphemeralStorage") or {}).get("Size")
    if size is not None and size > limits.LAMBDA_MAX_EPHEMERAL_MB:
        raise errors.validation(
            "ephemeralStorage.size",
            size,
            f"Member must have value less than or equal to {limits.LAMBDA_MAX_EPHEMERAL_MB}",
        )


def check_dead_letter(target: str) -> None:
    if target and not (target.startswith(("arn:aws:sqs:", "arn:aws:sns:"))):
        raise errors.invalid(
            f"The provided target arn {target} is invalid: a dead-letter queue is an SQS queue "
            "or an SNS topic."
        )


def new_settings(params: dict[str, Any], code: CodeRef) -> Settings:
    """The ``$LATEST`` configuration of a CreateFunction request."""
    refuse_unsupported(params)
    runtime = params.get("Runtime")
    handler = params.get("Handler")
    if not runtime or not handler:
        raise errors.invalid(_MANDATORY)
    check_runtime(runtime)
    check_limits(params)
    settings = Settings(runtime=runtime, role=params["Role"], handler=handler, code=code)
    return apply(settings, params)


def updated_settings(current: Settings, params: dict[str, Any]) -> Settings:
    """``current`` changed by an UpdateFunctionConfiguration request."""
    refuse_unsupported(params)
    if "Runtime" in params:
        check_runtime(params["Runtime"])
    if params.get("Handler") == "":
        raise errors.invalid(_MANDATORY)
    check_limits(params)
    return apply(dataclasses.replace(current), params)


def apply(settings: Settings, params: dict[str, Any]) -> Settings:
    simple = (
        ("Runtime", "runtime"),
        ("Role", "role"),
        ("Handler", "handler"),
        ("Description", "description"),
        ("Timeout", "timeout"),
        ("MemorySize", "memory"),
        ("KMSKeyArn", "kms_key_arn"),
    )
    for member, attr in simple:
        if member in params:
            setattr(settings, attr, params[member])
    if "Environment" in params:
        variables = dict((params["Environment"] or {}).get("Variables") or {})
        check_environment(variables)
        settings.environment = variables
    if "DeadLetterConfig" in params:
        target = (params["DeadLetterConfig"] or {}).get("TargetArn") or ""
        check_dead_letter(target)
        settings.dead_letter_arn = target or None
    if "EphemeralStorage" in params:
        settings.ephemeral = params["EphemeralStorage"]["Size"]
    if "TracingConfig" in params:
        settings.tracing_mode = (params["TracingConfig"] or {}).get("Mode") or "PassThrough"
    if "Architectures" in params:
        settings.architectures = list(params["Architectures"])
    if "VpcConfig" in params:
        vpc = params["VpcConfig"] or {}
        settings.vpc = {
            "SubnetIds": list(vpc.get("SubnetIds") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or []),
        }
    if "LoggingConfig" in params:
        logging = params["LoggingConfig"] or {}
        settings.log_format = logging.get("LogFormat") or settings.log_format
        settings.log_group = logging.get("LogGroup") or settings.log_group
    return settings
