"""What the runtime is asked to run and what it answers: the contract with the Invoke API.

A :class:`FunctionSpec` is one immutable configuration of one function version. The runtime keeps
a pool of warm workers per qualified ARN and rolls the pool to new workers whenever the spec's
``revision`` or ``code_sha256`` changes, so the caller never has to tell it about updates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: ``Throttled.reason`` when a function's reserved concurrency is in use.
RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
#: ``Throttled.reason`` when the account's (or this node's) concurrency is in use.
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


@dataclass(frozen=True, slots=True)
class CodeSource:
    """Where a function's code is: a zip in the store, or a folder used in place."""

    zip_loader: Callable[[], Awaitable[bytes]] | None = None
    folder: Path | None = None


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    #: Qualified ARN (``...:function:name:$LATEST`` or ``...:3``); one pool per value.
    arn: str
    #: ``$LATEST`` or a published version number.
    version: str
    account: str
    region: str
    #: ``python3.9`` ... ``python3.13``.
    runtime: str
    #: ``module.function`` (``dir/module.function`` too, as Lambda resolves it).
    handler: str
    #: Identifies the code (hex or base64 SHA-256); pools roll when it changes.
    code_sha256: str
    code: CodeSource
    environment: Mapping[str, str]
    timeout_s: int
    memory_mb: int
    ephemeral_mb: int
    #: ``None``: the function draws on the account's unreserved concurrency.
    reserved_concurrency: int | None
    #: Changes on every configuration or code update; pools roll when it changes.
    revision: str


@dataclass(frozen=True, slots=True)
class InvocationResult:
    #: The function's result, or the error object (JSON) when ``function_error`` is set.
    payload: bytes
    #: ``None`` or ``"Unhandled"`` (the value of ``X-Amz-Function-Error``).
    function_error: str | None
    #: The last 4 KB of this invocation's log, for ``LogType=Tail``.
    log_tail: str
    duration_ms: float
    billed_ms: int
    max_memory_mb: int
    #: Set when this invocation started a new worker: how long its init phase took.
    init_ms: float | None


class Throttled(Exception):
    """No concurrency left for this invocation; Invoke answers 429 with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodeError(Exception):
    """The function's code cannot be unpacked or found; the message is AWS's wording where it
    has one, for the API layer to answer as ``InvalidParameterValueException``."""
