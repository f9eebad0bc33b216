"""Typed records: dataclasses stored as orjson in one space of the store.

Engines declare their tables once, e.g. ``TOPICS = Records("sns.topics", Topic)``, and then read
and write ``Topic`` values inside a transaction. Decoding follows the dataclass's type hints, so
nested dataclasses, ``list``/``tuple``/``dict`` of them, optionals, enums and ``bytes`` (stored
as base64) come back as the types they were. Stored fields the class no longer has are ignored
and fields missing from the stored JSON take their defaults, so a record type can grow.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import orjson

from skybus.store.contract import Tx

T = TypeVar("T")

Decoder = Callable[[Any], Any]


class Records(Generic[T]):
    """A space of ``T`` records keyed by ``str`` (stored as UTF-8) or ``bytes``."""

    def __init__(self, space: str, type_: type[T]) -> None:
        if not (isinstance(type_, type) and dataclasses.is_dataclass(type_)):
            raise TypeError(f"Records needs a dataclass type, not {type_!r}")
        self.space = space
        self.type = type_
        self._decode: Decoder = decoder_for(type_)

    def __repr__(self) -> str:
        return f"Records({self.space!r}, {self.type.__name__})"

    @staticmethod
    def key(key: str | bytes) -> bytes:
        return key.encode() if isinstance(key, str) else key

    def encode(self, value: T) -> bytes:
        if not isinstance(value, self.type):
            raise TypeError(f"{self!r} stores {self.type.__name__}, not {type(value).__name__}")
        return orjson.dumps(value, default=_encode_extra)

    def decode(self, data: bytes) -> T:
        value: T = self._decode(orjson.loads(data))
        return value

    async def get(self, tx: Tx, key: str | bytes, *, for_update: bool = False) -> T | None:
        data = await tx.get(self.space, self.key(key), for_update=for_update)
        return None if data is None else self.decode(data)

    async def put(self, tx: Tx, key: str | bytes, value: T) -> None:
        await tx.put(self.space, self.key(key), self.encode(value))

    async def insert(self, tx: Tx, key: str | bytes, value: T) -> bool:
        """Store ``value`` unless the key exists; False if it does."""
        return await tx.insert(self.space, self.key(key), self.encode(value))

    async def delete(self, tx: Tx, key: str | bytes) -> bool:
        return await tx.delete(self.space, self.key(key))

    async def items(
        self,
        tx: Tx,
        *,
        start: str | bytes | None = None,
        end: str | bytes | None = None,
        prefix: str | bytes | None = None,
        after: str | bytes | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[tuple[bytes, T]]:
        """``(key, record)`` pairs in key order; see :meth:`Tx.scan` for the bounds."""
        rows = await tx.scan(
            self.space,
            start=None if start is None else self.key(start),
            end=None if end is None else self.key(end),
            prefix=None if prefix is None else self.key(prefix),
            after=None if after is None else self.key(after),
            reverse=reverse,
            limit=limit,
        )
        return [(key, self.decode(data)) for key, data in rows]

    async def scan(
        self,
        tx: Tx,
        *,
        start: str | bytes | None = None,
        end: str | bytes | None = None,
        prefix: str | bytes | None = None,
        after: str | bytes | None = None,
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[T]:
        """Records in key order; see :meth:`Tx.scan` for the bounds."""
        pairs = await self.items(
            tx, start=start, end=end, prefix=prefix, after=after, reverse=reverse, limit=limit
        )
        return [record for _, record in pairs]

    async def count(self, tx: Tx, *, prefix: str | bytes | None = None) -> int:
        return await tx.count(self.space, prefix=None if prefix is None else self.key(prefix))


def _encode_extra(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__} in a record")


def decoder_for(tp: Any) -> Decoder:
    """A function turning decoded JSON into a value of type ``tp``."""
    if tp is Any or tp is object:
        return _identity
    if tp is bytes:
        return _decode_bytes
    if tp is float:
        return float
    if tp in (str, int, bool, type(None)):
        return _identity
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _DataclassDecoder(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, set, frozenset) or (origin is tuple and args[-1:] == (Ellipsis,)):
        item = decoder_for(args[0]) if args else _identity
        build: Callable[[Any], Any] = origin
        return lambda value: build(item(v) for v in value)
    if origin is tuple:
        items = [decoder_for(a) for a in args]
        return lambda value: tuple(d(v) for d, v in zip(items, value, strict=True))
    if origin is dict:
        val = decoder_for(args[1]) if args else _identity
        return lambda value: {k: val(v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            inner = decoder_for(options[0])
            return lambda value: None if value is None else inner(value)
        return _identity
    if origin is typing.Literal:
        return _identity
    raise TypeError(f"records cannot hold fields of type {tp!r}")


class _DataclassDecoder:
    """Decodes one dataclass; field decoders are built on first use so types may recurse."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.fields: dict[str, Decoder] | None = None

    def __call__(self, value: dict[str, Any]) -> Any:
        fields = self.fields
        if fields is None:
            hints = typing.get_type_hints(self.cls)
            fields = self.fields = {
                f.name: decoder_for(hints[f.name]) for f in dataclasses.fields(self.cls) if f.init
            }
        return self.cls(**{k: fields[k](v) for k, v in value.items() if k in fields})


def _identity(value: Any) -> Any:
    return value


def _decode_bytes(value: str) -> bytes:
    return base64.b64decode(value)
