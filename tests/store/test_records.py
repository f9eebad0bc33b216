"""Typed records round trip through the store on every backend."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from skybus.store import Records, Store, Tx


class Protocol(enum.Enum):
    HTTP = "http"
    LAMBDA = "lambda"


@dataclass
class Subscription:
    arn: str
    protocol: Protocol
    endpoint: str
    raw: bool = False


@dataclass
class Topic:
    name: str
    created: float
    subscriptions: list[Subscription] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    policy: Subscription | None = None
    signing_key: bytes = b""
    tags: tuple[str, ...] = ()
    pair: tuple[int, str] = (0, "")
    extra: Any = None


TOPICS = Records("sns.topics", Topic)


def sample(name: str) -> Topic:
    return Topic(
        name=name,
        created=1.5,
        subscriptions=[
            Subscription("arn:1", Protocol.HTTP, "http://127.0.0.1/x", raw=True),
            Subscription("arn:2", Protocol.LAMBDA, "fn"),
        ],
        attributes={"DisplayName": "Ünïcode ✓"},
        policy=Subscription("arn:3", Protocol.HTTP, "e"),
        signing_key=b"\x00\xff\x10",
        tags=("a", "b"),
        pair=(7, "seven"),
        extra={"nested": [1, 2.5, None]},
    )


async def test_round_trip(store: Store) -> None:
    topic = sample("orders")
    await store.write(lambda tx: TOPICS.put(tx, "orders", topic))
    loaded = await store.read(lambda tx: TOPICS.get(tx, "orders"))
    assert loaded == topic
    assert loaded is not None
    assert isinstance(loaded.subscriptions[0], Subscription)
    assert loaded.subscriptions[1].protocol is Protocol.LAMBDA
    assert isinstance(loaded.tags, tuple)
    assert loaded.signing_key == b"\x00\xff\x10"
    assert await store.get("sns.topics", b"orders") == TOPICS.encode(topic)


async def test_insert_delete_scan_count(store: Store) -> None:
    async def create(tx: Tx) -> list[bool]:
        return [
            await TOPICS.insert(tx, "b", sample("b")),
            await TOPICS.insert(tx, "a", sample("a")),
            await TOPICS.insert(tx, "a", sample("other")),
            await TOPICS.insert(tx, b"c", sample("c")),
        ]

    assert await store.write(create) == [True, True, False, True]
    names = await store.read(lambda tx: TOPICS.scan(tx))
    assert [t.name for t in names] == ["a", "b", "c"]
    items = await store.read(lambda tx: TOPICS.items(tx, after="a", reverse=False, limit=1))
    assert [(k, t.name) for k, t in items] == [(b"b", "b")]
    assert [t.name for t in await store.read(lambda tx: TOPICS.scan(tx, reverse=True))] == [
        "c",
        "b",
        "a",
    ]
    assert await store.read(lambda tx: TOPICS.count(tx, prefix="a")) == 1
    assert await store.write(lambda tx: TOPICS.delete(tx, "a")) is True
    assert await store.read(lambda tx: TOPICS.get(tx, "a")) is None


def test_schema_can_grow_and_shrink() -> None:
    stored = orjson.dumps({"name": "old", "created": 2, "removed_field": 1})
    topic = TOPICS.decode(stored)
    assert topic == Topic(name="old", created=2.0)
    assert isinstance(topic.created, float)


def test_rejects_wrong_types() -> None:
    with pytest.raises(TypeError, match="dataclass"):
        Records("x", dict)
    with pytest.raises(TypeError, match="stores Topic"):
        TOPICS.encode(Subscription("a", Protocol.HTTP, "e"))  # type: ignore[arg-type]
