"""How log groups, log streams and log events are laid out in the store.

Groups are keyed by account, region and name, so DescribeLogGroups is a prefix scan in name
order. Each group and stream gets a random id when it is created; streams are keyed by the
group's id and their name, events by the group's and stream's ids, the event's timestamp and a
per-stream ingestion sequence. Reading a stream's events in time order is therefore one range
scan, and a deleted group or stream disappears at once: its successor under the same name gets
new ids, while the old keys are removed in the background.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass, field

from skybus.store.records import Records

ID_BYTES = 8
TS_BYTES = 8
SEQ_BYTES = 8
#: An event key: group id, stream id, timestamp, sequence.
EVENT_KEY_BYTES = 2 * ID_BYTES + TS_BYTES + SEQ_BYTES
#: The largest timestamp a key can hold (an unsigned 64-bit field).
MAX_TS = 2**64 - 1

_U64 = struct.Struct(">Q")
_U64_PAIR = struct.Struct(">QQ")


@dataclass
class LogGroup:
    name: str
    #: Hex of the random id that prefixes this incarnation's streams and events.
    gid: str
    created_ms: int
    retention_days: int | None = None
    group_class: str = "STANDARD"
    deletion_protection: bool = False
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> bytes:
        return bytes.fromhex(self.gid)


@dataclass
class LogStream:
    name: str
    sid: str
    created_ms: int
    first_event_ms: int | None = None
    last_event_ms: int | None = None
    last_ingestion_ms: int | None = None
    stored_bytes: int = 0
    #: The sequence number the next ingested event gets.
    next_seq: int = 0

    @property
    def id(self) -> bytes:
        return bytes.fromhex(self.sid)


GROUPS = Records("logs.groups", LogGroup)
STREAMS = Records("logs.streams", LogStream)
EVENTS = "logs.events"
#: Background removal of the keys of deleted groups and streams.
SWEEP_QUEUE = "logs.sweep"


def new_id() -> str:
    return secrets.token_hex(ID_BYTES)


def group_key(account: str, region: str, name: str = "") -> bytes:
    """The key of a group (with ``name=""``: the prefix of the region's groups)."""
    return f"{account}\0{region}\0{name}".encode()


def stream_key(group: LogGroup, name: str = "") -> bytes:
    return group.id + name.encode()


def stream_name_of(key: bytes) -> str:
    return key[ID_BYTES:].decode()


def ts_bytes(ts: int) -> bytes:
    return _U64.pack(min(max(ts, 0), MAX_TS))


@dataclass(frozen=True, slots=True, order=True)
class EventKey:
    """Where an event sits within its stream: timestamp, then ingestion sequence."""

    ts: int
    seq: int

    def pack(self) -> bytes:
        return _U64_PAIR.pack(self.ts, self.seq)


def event_prefix(group: LogGroup, stream: LogStream) -> bytes:
    return group.id + stream.id


def event_key(prefix: bytes, ts: int, seq: int) -> bytes:
    return prefix + _U64_PAIR.pack(min(max(ts, 0), MAX_TS), seq)


def split_event_key(key: bytes) -> EventKey:
    ts, seq = _U64_PAIR.unpack_from(key, 2 * ID_BYTES)
    return EventKey(ts, seq)


def event_value(ingestion_ms: int, message: str) -> bytes:
    # A lone surrogate (possible in text decoded leniently from a worker) becomes U+FFFD.
    return _U64.pack(ingestion_ms) + message.encode("utf-8", "replace")


def split_event_value(value: bytes) -> tuple[int, str]:
    (ingestion_ms,) = _U64.unpack_from(value)
    return ingestion_ms, value[TS_BYTES:].decode()


def message_bytes(value: bytes) -> int:
    """The UTF-8 size of the message an event value holds."""
    return len(value) - TS_BYTES
