"""Stored records turned into the output shapes of Lambda's API.

Functions are always reported ``Active`` with ``LastUpdateStatus`` ``Successful``: Skybus
applies a change before it answers, so boto3's ``function_active_v2`` and
``function_updated_v2`` waiters pass at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from skybus.engines.functions.arns import function_arn
from skybus.engines.functions.model import Alias, InvokeConfig, Version


def last_modified(epoch: float) -> str:
    """Lambda's ``LastModified`` text: ``2024-01-01T00:00:00.000+0000``."""
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def configuration(
    account: str,
    region: str,
    name: str,
    version: Version,
    *,
    arn_qualifier: str | None = None,
    listing: bool = False,
) -> dict[str, Any]:
    """A ``FunctionConfiguration``. ``listing`` leaves out the state fields, as the list
    operations do; ``arn_qualifier`` qualifies ``FunctionArn``."""
    s = version.settings
    out: dict[str, Any] = {
        "FunctionName": name,
        "FunctionArn": function_arn(region, account, name, arn_qualifier),
        "Runtime": s.runtime,
        "Role": s.role,
        "Handler": s.handler,
        "CodeSize": s.code.size,
        "Description": s.description,
        "Timeout": s.timeout,
        "MemorySize": s.memory,
        "LastModified": last_modified(version.last_modified),
        "CodeSha256": s.code.sha256,
        "Version": version.version,
        "TracingConfig": {"Mode": s.tracing_mode},
        "RevisionId": version.revision_id,
        "PackageType": "Zip",
        "Architectures": list(s.architectures),
        "EphemeralStorage": {"Size": s.ephemeral},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {
            "LogFormat": s.log_format,
            "LogGroup": s.log_group or f"/aws/lambda/{name}",
        },
    }
    if s.environment is not None:
        out["Environment"] = {"Variables": dict(s.environment)}
    if s.dead_letter_arn:
        out["DeadLetterConfig"] = {"TargetArn": s.dead_letter_arn}
    if s.kms_key_arn:
        out["KMSKeyArn"] = s.kms_key_arn
    if s.vpc is not None:
        out["VpcConfig"] = dict(s.vpc)
    if not listing:
        out["State"] = "Active"
        out["LastUpdateStatus"] = "Successful"
    return out


def alias(account: str, region: str, function: str, record: Alias) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AliasArn": function_arn(region, account, function, record.name),
        "Name": record.name,
        "FunctionVersion": record.function_version,
        "Description": record.description,
        "RevisionId": record.revision_id,
    }
    if record.weights:
        out["RoutingConfig"] = {"AdditionalVersionWeights": dict(record.weights)}
    return out


def invoke_config(account: str, region: str, function: str, record: InvokeConfig) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LastModified": record.last_modified,
        "FunctionArn": function_arn(region, account, function, record.qualifier),
        "DestinationConfig": {
            "OnSuccess": {"Destination": record.on_success} if record.on_success else {},
            "OnFailure": {"Destination": record.on_failure} if record.on_failure else {},
        },
    }
    if record.max_retries is not None:
        out["MaximumRetryAttempts"] = record.max_retries
    if record.max_age is not None:
        out["MaximumEventAgeInSeconds"] = record.max_age
    return out
