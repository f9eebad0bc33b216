"""A mapping as the API shows it (``EventSourceMappingConfiguration``).

The fields are those Lambda returns for an SQS mapping: ``FunctionResponseTypes`` always (an
empty list when not set), ``ScalingConfig`` only when it was set, no stream-only fields.
"""

from __future__ import annotations

from typing import Any

from skybus.engines.functions.mappings.model import Mapping


def configuration(mapping: Mapping) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UUID": mapping.uuid,
        "BatchSize": mapping.batch_size,
        "MaximumBatchingWindowInSeconds": mapping.window,
        "EventSourceArn": mapping.source_arn,
        "FunctionArn": mapping.function_arn,
        "LastModified": mapping.last_modified,
        "State": mapping.state,
        "StateTransitionReason": mapping.reason,
        "FunctionResponseTypes": list(mapping.response_types),
        "EventSourceMappingArn": mapping.arn,
    }
    if mapping.max_concurrency is not None:
        out["ScalingConfig"] = {"MaximumConcurrency": mapping.max_concurrency}
    return out
