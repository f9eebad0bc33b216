"""Deliveries waiting to happen: jobs of the store's work queue ``sns.deliveries``.

Publish enqueues one job per matching subscription in the transaction that accepts the message,
so an acknowledged message is never lost; workers claim due jobs, attempt them, and acknowledge
or reschedule them (see :mod:`.workers`). A job carries the message itself (not a reference), so
a delivery needs no other read than its subscription's settings, and nothing has to be counted
to know when a message may be forgotten.

Kinds of job:

* ``N``: a Notification for one subscription;
* ``C``: a SubscriptionConfirmation (also sent to renew a lease);
* ``U``: an UnsubscribeConfirmation, which carries the removed subscription's endpoint;
* ``L``: the lease check of one subscription;
* ``F``: drain the ordered outbox of one FIFO subscription and message group (:mod:`.fifo`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from skybus.engines.topics.messages import Message

QUEUE = "sns.deliveries"
CHANNEL = "sns.deliveries"

NOTIFICATION = "N"
CONFIRMATION = "C"
UNSUBSCRIBE = "U"
LEASE = "L"
FIFO = "F"


@dataclass(slots=True)
class Delivery:
    kind: str
    sub_key: str
    """Store key of the subscription (``region/account/topic/uuid``)."""
    message: Message | None = None
    retries: int = 0
    """Retries already made (0 before the first attempt)."""
    first_attempt: float | None = None
    base_url: str = ""
    """Skybus's address for the URLs in the message (from the call that caused it)."""
    dead_letter: bool = False
    """The delivery gave up on its endpoint and now goes to the subscription's DLQ."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Kind-specific details: the token of a confirmation, the group of a FIFO drain, the
    endpoint of an UnsubscribeConfirmation."""

    def encode(self) -> bytes:
        data: dict[str, Any] = {"k": self.kind, "s": self.sub_key}
        if self.message is not None:
            data["m"] = self.message.encode()
        if self.retries:
            data["r"] = self.retries
        if self.first_attempt is not None:
            data["f"] = self.first_attempt
        if self.base_url:
            data["u"] = self.base_url
        if self.dead_letter:
            data["d"] = 1
        if self.extra:
            data["x"] = self.extra
        return orjson.dumps(data)

    @classmethod
    def decode(cls, payload: bytes) -> Delivery:
        data = orjson.loads(payload)
        message = data.get("m")
        return cls(
            kind=data["k"],
            sub_key=data["s"],
            message=None if message is None else Message.decode(message),
            retries=data.get("r", 0),
            first_attempt=data.get("f"),
            base_url=data.get("u", ""),
            dead_letter=bool(data.get("d")),
            extra=data.get("x") or {},
        )
