"""How a received message is shown: which system attributes and which message attributes a
ReceiveMessage asked for, and the digest of the attributes it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skybus.engines.queues.digests import attributes_md5
from skybus.engines.queues.messages import Stored

ALL = "All"


@dataclass(frozen=True, slots=True)
class Selection:
    system: frozenset[str]
    everything: bool
    names: frozenset[str]
    prefixes: tuple[str, ...]
    all_attributes: bool

    @classmethod
    def of(cls, params: dict[str, Any]) -> Selection:
        system = frozenset(
            [
                *(params.get("AttributeNames") or ()),
                *(params.get("MessageSystemAttributeNames") or ()),
            ]
        )
        wanted = params.get("MessageAttributeNames") or ()
        names = frozenset(n for n in wanted if not n.endswith(".*") and n != ALL)
        prefixes = tuple(n[:-2] for n in wanted if n.endswith(".*") and n != ".*")
        return cls(
            system=system,
            everything=ALL in system,
            names=names,
            prefixes=prefixes,
            all_attributes=ALL in wanted or ".*" in wanted,
        )

    @property
    def any_attributes(self) -> bool:
        return self.all_attributes or bool(self.names) or bool(self.prefixes)

    def wants(self, name: str) -> bool:
        return self.everything or name in self.system

    def picks(self, name: str) -> bool:
        return self.all_attributes or name in self.names or name.startswith(self.prefixes)


def render(
    message: Stored,
    handle: str,
    receive_count: int,
    first_receive_ms: int,
    selection: Selection,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "MessageId": message.id,
        "ReceiptHandle": handle,
        "MD5OfBody": message.body_md5,
        "Body": message.body,
    }
    if selection.system:
        system = _system_attributes(message, receive_count, first_receive_ms)
        chosen = {k: v for k, v in system.items() if selection.wants(k)}
        if chosen:
            out["Attributes"] = chosen
    if selection.any_attributes and message.attributes:
        if selection.all_attributes:
            picked = message.attributes
            digest = message.attributes_md5
        else:
            picked = {k: v for k, v in message.attributes.items() if selection.picks(k)}
            digest = attributes_md5(picked) if picked else None
        out["MessageAttributes"] = picked
        if digest is not None:
            out["MD5OfMessageAttributes"] = digest
    return out


def _system_attributes(
    message: Stored, receive_count: int, first_receive_ms: int
) -> dict[str, str]:
    found = {
        "SenderId": message.sender,
        "SentTimestamp": str(message.sent_ms),
        "ApproximateReceiveCount": str(receive_count),
        "ApproximateFirstReceiveTimestamp": str(first_receive_ms),
    }
    if message.trace is not None:
        found["AWSTraceHeader"] = message.trace
    if message.sequence is not None:
        found["SequenceNumber"] = message.sequence
    if message.dedup is not None:
        found["MessageDeduplicationId"] = message.dedup
    if message.group is not None:
        found["MessageGroupId"] = message.group
    if message.dead_letter_source is not None:
        found["DeadLetterQueueSourceArn"] = message.dead_letter_source
    return found
