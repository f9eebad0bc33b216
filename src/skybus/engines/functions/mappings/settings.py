"""Checking the parameters of CreateEventSourceMapping and UpdateEventSourceMapping.

These are the rules that need nothing but the request (and, for an update, the mapping as it
is); the rules that need the function or the queue are applied by :mod:`.control` inside its
transaction. An update names only what changes, so every value falls back to the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skybus import limits
from skybus.engines.functions.mappings import errors
from skybus.engines.functions.mappings.model import Mapping


@dataclass(frozen=True, slots=True)
class Settings:
    """What a request sets (with defaults or the current values filled in)."""

    batch_size: int
    window: int
    response_types: list[str]
    max_concurrency: int | None
    enabled: bool


def refuse_unsupported(params: dict[str, Any]) -> None:
    """Parameters that do not apply to SQS sources, and those Skybus does not implement."""
    if params.get("StartingPosition") is not None:
        raise errors.starting_position()
    if params.get("StartingPositionTimestamp") is not None:
        raise errors.starting_position()
    for name in errors.NOT_FOR_SQS:
        if params.get(name) is not None:
            raise errors.unsupported_parameter(name)
    for name in errors.NOT_IN_SKYBUS:
        if params.get(name) is not None:
            raise errors.not_in_skybus(name)


def settings(params: dict[str, Any], current: Mapping | None = None) -> Settings:
    size = params.get("BatchSize")
    window = params.get("MaximumBatchingWindowInSeconds")
    if current is None:
        size = limits.LAMBDA_SQS_DEFAULT_BATCH_SIZE if size is None else size
        window = 0 if window is None else window
    else:
        size = current.batch_size if size is None else size
        window = current.window if window is None else window
    if size > limits.LAMBDA_SQS_MAX_BATCH_WITHOUT_WINDOW and window == 0:
        raise errors.window_needed()
    types = params.get("FunctionResponseTypes")
    if types is None:
        types = [] if current is None else current.response_types
    concurrency = None if current is None else current.max_concurrency
    if "ScalingConfig" in params:
        concurrency = (params["ScalingConfig"] or {}).get("MaximumConcurrency")
    enabled = params.get("Enabled")
    if enabled is None:
        enabled = True if current is None else current.enabled
    return Settings(
        batch_size=size,
        window=window,
        response_types=list(types),
        max_concurrency=concurrency,
        enabled=bool(enabled),
    )


def check_for_queue(chosen: Settings, fifo: bool) -> None:
    """FIFO queues take no batching window (so no batch above 10 either)."""
    if fifo and chosen.window > 0:
        raise errors.no_window_for_fifo()


def check_visibility(queue_visibility: int, function_timeout: int) -> None:
    """A message must stay hidden for as long as the function may run on it."""
    if queue_visibility < function_timeout:
        raise errors.visibility_too_short(queue_visibility, function_timeout)
