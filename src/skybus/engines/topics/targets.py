"""Delivering into Skybus's own queues and functions (sqs and lambda subscriptions, and
dead-letter queues).

The other engines are looked up when first needed, not when this engine is created: the
functions engine asks for this one in its constructor (to publish destination records to
topics), so asking for it back there would recurse. A lookup that finds no such engine on this
node (a build without it) reports :class:`EngineMissing`, and the delivery stays in the outbox
to be tried again later: nothing is dropped for want of an engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.node import Node

#: Error codes of the queues engine that mean the message can never go into that queue as it
#: is (the queue is gone, or refuses this message); anything else may pass if tried again.
_QUEUE_CLIENT_ERRORS = frozenset(
    {
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "InvalidParameterValue",
        "InvalidMessageContents",
        "MissingParameter",
        "InvalidAttributeName",
        "InvalidAttributeValue",
    }
)


class EngineMissing(Exception):
    """This node has no engine for the target's service (yet)."""


@dataclass(frozen=True, slots=True)
class Refused(Exception):
    """The target refused the message. ``retryable`` is False for client-side errors (the
    target does not exist or can never take it), which AWS does not retry."""

    reason: str
    retryable: bool


class Targets:
    def __init__(self, node: Node) -> None:
        self.node = node
        self._queues: Any = None
        self._functions: Any = None

    def _engine(self, module: str, name: str) -> Any:
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            raise EngineMissing(f"this Skybus has no {module}.{name}") from None
        try:
            return self.node.engine(cls)
        except RuntimeError:
            raise EngineMissing(f"{name} is not running on this node") from None

    def queues(self) -> Any:
        if self._queues is None:
            self._queues = self._engine("skybus.engines.queues.engine", "QueuesEngine")
        return self._queues

    def functions(self) -> Any:
        if self._functions is None:
            self._functions = self._engine("skybus.engines.functions.engine", "FunctionsEngine")
        return self._functions

    async def send_to_queue(
        self,
        queue_arn: str,
        body: str,
        *,
        attributes: dict[str, dict[str, Any]] | None = None,
        group: str | None = None,
        dedup: str | None = None,
    ) -> None:
        """SendMessage into a Skybus queue named by ARN; raises :class:`Refused`."""
        engine = self.queues()
        from skybus.engines.queues.naming import parse_arn
        from skybus.engines.queues.resolve import Caller

        name = parse_arn(queue_arn)
        if name is None:
            raise Refused(f"{queue_arn} is not an SQS queue ARN", retryable=False)
        endpoint = self.node.settings.endpoint
        params: dict[str, Any] = {"QueueUrl": name.url(endpoint), "MessageBody": body}
        if attributes:
            params["MessageAttributes"] = attributes
        if name.fifo:
            params["MessageGroupId"] = group or "default"
            if dedup is not None:
                params["MessageDeduplicationId"] = dedup
        try:
            await engine.traffic.send_message(Caller(name.account, name.region, endpoint), params)
        except ServiceError as exc:
            retryable = exc.code not in _QUEUE_CLIENT_ERRORS
            raise Refused(f"{exc.code}: {exc.message}", retryable=retryable) from None

    async def invoke_function(self, function_arn: str, event: bytes) -> None:
        """Queue an asynchronous invocation (the function's own async retry rules apply)."""
        engine = self.functions()
        from skybus.engines.functions.arns import parse_arn

        ref = parse_arn(function_arn)
        if ref is None:
            raise Refused(f"{function_arn} is not a function ARN", retryable=False)
        try:
            await engine.resolve_target(ref)
        except ServiceError as exc:
            raise Refused(f"{exc.code}: {exc.message}", retryable=False) from None
        await engine.invoke_async(ref, event)
