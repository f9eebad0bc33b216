"""Where a FIFO queue keeps its state, in spaces of its own (all named after the queue id):

* ``m``: messages, keyed by group and sequence number, so a group's messages are one ordered
  range of keys;
* ``g``: one :class:`Group` record per group that has messages: how many, which is first, which
  are in flight until when;
* ``s``: the schedule, one key per group, ``available_at + head sequence + group``: a receive
  scans it up to *now* to find the groups it may take messages from, oldest first. A group whose
  messages are in flight is in it at the time its visibility runs out, so an expired lock comes
  back without any background work;
* ``d``: deduplication ids seen in the last five minutes, and ``a``: ReceiveRequestAttemptIds,
  both indexed by expiry in ``x`` and swept a few at a time by the operations themselves;
* ``z``: the sequence counter, and the key every operation on the queue locks first, so that
  on PostgreSQL concurrent operations on one FIFO queue take turns (SQLite runs one write at a
  time anyway).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import orjson

from skybus.store import Tx

_U64 = struct.Struct(">Q")
_SCHEDULE = struct.Struct(">QQ")
SEQ_KEY = b"seq"
LOCK_KEY = b"lock"
DEDUP = b"d"
ATTEMPT = b"a"
SWEEP_BATCH = 32


@dataclass(frozen=True, slots=True)
class Spaces:
    messages: str
    groups: str
    schedule: str
    dedup: str
    attempts: str
    expiry: str
    meta: str

    @classmethod
    def of(cls, queue_id: str) -> Spaces:
        base = f"sqs.{queue_id}."
        return cls(
            base + "m", base + "g", base + "s", base + "d", base + "a", base + "x", base + "z"
        )

    @property
    def purged_on_purge(self) -> tuple[str, ...]:
        """What PurgeQueue empties (deduplication history outlives a purge)."""
        return (self.messages, self.groups, self.schedule, self.attempts)

    @property
    def every(self) -> tuple[str, ...]:
        return (*self.purged_on_purge, self.dedup, self.expiry, self.meta)


def message_key(group: str, sequence: int) -> bytes:
    return group_prefix(group) + _U64.pack(sequence)


def group_prefix(group: str) -> bytes:
    return group.encode("utf-8") + b"\x00"


def sequence_of(key: bytes) -> int:
    value: int = _U64.unpack_from(key, len(key) - 8)[0]
    return value


def schedule_key(available_ms: int, head: int, group: str) -> bytes:
    return _SCHEDULE.pack(available_ms, head) + group.encode("utf-8")


def parse_schedule_key(key: bytes) -> tuple[int, int, str]:
    available, head = _SCHEDULE.unpack_from(key)
    return available, head, key[_SCHEDULE.size :].decode("utf-8")


def schedule_end(now_ms: int) -> bytes:
    """The first schedule key not yet due at ``now_ms``."""
    return _U64.pack(now_ms + 1)


def expiry_key(expires_ms: int, kind: bytes, key: bytes) -> bytes:
    return _U64.pack(expires_ms) + kind + key


@dataclass(slots=True)
class Group:
    count: int
    head: int
    head_available_ms: int
    scheduled: tuple[int, int] | None = None
    """``(available_ms, head)`` of the group's schedule key."""
    in_flight: dict[int, int] = field(default_factory=dict)
    """Sequence number -> visible again at (ms)."""
    delayed: list[tuple[int, int]] = field(default_factory=list)
    """``(sequence, available_ms)`` of messages sent with a delay, for the Delayed counter."""

    def encode(self) -> bytes:
        return orjson.dumps(
            [
                self.count,
                self.head,
                self.head_available_ms,
                list(self.scheduled) if self.scheduled else None,
                [[seq, until] for seq, until in self.in_flight.items()],
                [list(pair) for pair in self.delayed],
            ]
        )

    @classmethod
    def decode(cls, data: bytes) -> Group:
        count, head, head_available, scheduled, in_flight, delayed = orjson.loads(data)
        return cls(
            count,
            head,
            head_available,
            tuple(scheduled) if scheduled else None,
            {seq: until for seq, until in in_flight},
            [(seq, at) for seq, at in delayed],
        )

    def locked_until(self, now_ms: int) -> int | None:
        """When the group's in-flight messages are all visible again, if some still are not."""
        latest = max(self.in_flight.values(), default=0)
        return latest if latest > now_ms else None


class Layout:
    """The spaces of one FIFO queue, with the small operations every FIFO operation shares."""

    def __init__(self, queue_id: str) -> None:
        self.spaces = Spaces.of(queue_id)

    async def lock(self, tx: Tx) -> None:
        await tx.get(self.spaces.meta, LOCK_KEY, for_update=True)

    async def next_sequence(self, tx: Tx, now_us: int) -> int:
        raw = await tx.get(self.spaces.meta, SEQ_KEY)
        last = 0 if raw is None else _U64.unpack(raw)[0]
        sequence = max(last + 1, now_us)
        await tx.put(self.spaces.meta, SEQ_KEY, _U64.pack(sequence))
        return sequence

    async def group(self, tx: Tx, group: str) -> Group | None:
        raw = await tx.get(self.spaces.groups, group.encode("utf-8"))
        return None if raw is None else Group.decode(raw)

    async def save_group(self, tx: Tx, name: str, group: Group, now_ms: int) -> int | None:
        """Store a group (or remove it when empty) and move its schedule key to where it now
        belongs; returns when the group next becomes available, if it is in the future."""
        spaces = self.spaces
        wanted: tuple[int, int] | None = None
        if group.count > 0:
            locked = group.locked_until(now_ms)
            wanted = (locked if locked is not None else group.head_available_ms, group.head)
        if group.scheduled != wanted and group.scheduled is not None:
            await tx.delete(spaces.schedule, schedule_key(*group.scheduled, name))
        if wanted is not None and group.scheduled != wanted:
            await tx.put(spaces.schedule, schedule_key(*wanted, name), b"")
        group.scheduled = wanted
        if group.count <= 0:
            await tx.delete(spaces.groups, name.encode("utf-8"))
            return None
        group.delayed = [(seq, at) for seq, at in group.delayed if at > now_ms]
        await tx.put(spaces.groups, name.encode("utf-8"), group.encode())
        return wanted[0] if wanted is not None and wanted[0] > now_ms else None

    async def remember(self, tx: Tx, kind: bytes, key: bytes, doc: object, expires_ms: int) -> None:
        space = self.spaces.dedup if kind == DEDUP else self.spaces.attempts
        await tx.put(space, key, orjson.dumps(doc))
        await tx.put(self.spaces.expiry, expiry_key(expires_ms, kind, key), b"")

    async def recall(
        self, tx: Tx, kind: bytes, key: bytes, now_ms: int
    ) -> dict[str, object] | None:
        space = self.spaces.dedup if kind == DEDUP else self.spaces.attempts
        raw = await tx.get(space, key)
        if raw is None:
            return None
        doc: dict[str, object] = orjson.loads(raw)
        expires = doc.get("x")
        return doc if isinstance(expires, int) and expires > now_ms else None

    async def sweep(self, tx: Tx, now_ms: int) -> None:
        """Forget a few deduplication ids and attempt ids whose five minutes are over."""
        spaces = self.spaces
        rows = await tx.scan(spaces.expiry, end=_U64.pack(now_ms + 1), limit=SWEEP_BATCH)
        for key, _ in rows:
            kind, name = key[8:9], key[9:]
            space = spaces.dedup if kind == DEDUP else spaces.attempts
            raw = await tx.get(space, name)
            if raw is not None:
                expires = orjson.loads(raw).get("x", 0)
                if expires <= now_ms:
                    await tx.delete(space, name)
            await tx.delete(spaces.expiry, key)
