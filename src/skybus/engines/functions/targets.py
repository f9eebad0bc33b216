"""Senders for destination and DLQ targets in other engines (SQS queues, SNS topics).

Each sender takes the target ARN, the message body and SQS-style message attributes. A service
whose engine this build does not have gets no sender; its messages are kept pending by
:mod:`.destinations`. Engines are looked up when the functions engine is created, before the
node starts, as :meth:`Node.engine` requires.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger("skybus.functions")

Attributes = dict[str, dict[str, str]]
Sender = Callable[[str, bytes, Attributes], Awaitable[None]]


class Undeliverable(Exception):
    """The target's engine is missing or refused the message."""


def senders_for(node: Node) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    for service, builder in (("sqs", _sqs), ("sns", _sns)):
        try:
            sender = builder(node)
        except ImportError:
            sender = None
        if sender is not None:
            senders[service] = sender
    return senders


def _engine(node: Node, module: str, name: str) -> Any:
    cls = getattr(importlib.import_module(module), name, None)
    return None if cls is None else node.engine(cls)


def _sqs(node: Node) -> Sender | None:
    engine = _engine(node, "skybus.engines.queues.engine", "QueuesEngine")
    if engine is None:
        return None
    from skybus.engines.queues.naming import parse_arn as queue_arn
    from skybus.engines.queues.resolve import Caller

    async def send(target: str, body: bytes, attributes: Attributes) -> None:
        name = queue_arn(target)
        if name is None:
            raise Undeliverable(f"{target} is not a queue ARN")
        endpoint = node.settings.endpoint
        params: dict[str, Any] = {
            "QueueUrl": name.url(endpoint),
            "MessageBody": body.decode("utf-8", errors="replace"),
        }
        if attributes:
            params["MessageAttributes"] = attributes
        try:
            await engine.traffic.send_message(Caller(name.account, name.region, endpoint), params)
        except ServiceError as exc:
            raise Undeliverable(f"{target}: {exc.code}: {exc.message}") from None

    return send


def _sns(node: Node) -> Sender | None:
    engine = _engine(node, "skybus.engines.topics.engine", "TopicsEngine")
    if engine is None:
        return None
    from skybus.engines.topics.caller import Caller

    async def send(target: str, body: bytes, attributes: Attributes) -> None:
        parts = target.split(":")
        if len(parts) != 6:
            raise Undeliverable(f"{target} is not a topic ARN")
        region, account = parts[3], parts[4]
        params: dict[str, Any] = {
            "TopicArn": target,
            "Message": body.decode("utf-8", errors="replace"),
        }
        if attributes:
            params["MessageAttributes"] = attributes
        caller = Caller(account, region, node.settings.endpoint)
        try:
            await engine.publish(caller, params)
        except ServiceError as exc:
            raise Undeliverable(f"{target}: {exc.code}: {exc.message}") from None

    return send
