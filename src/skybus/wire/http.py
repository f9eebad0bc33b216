"""HTTP messages as plain values: what the wire layer reads and writes, with no sockets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, overload
from urllib.parse import parse_qsl, unquote

_T = TypeVar("_T")


class Headers(Mapping[str, str]):
    """Case-insensitive, ordered header map; repeated headers are joined with ``,``."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        self._map: dict[str, str] = {}
        for name, value in items:
            self._items.append((name, value))
            key = name.lower()
            self._map[key] = f"{self._map[key]},{value}" if key in self._map else value

    @classmethod
    def from_asgi(cls, raw: Iterable[tuple[bytes, bytes]]) -> Headers:
        """From ASGI's header list, whose names servers already send in lower case."""
        self = cls.__new__(cls)
        self._items = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
        joined: dict[str, str] = {}
        for name, value in self._items:
            key = name.lower()
            joined[key] = f"{joined[key]},{value}" if key in joined else value
        self._map = joined
        return self

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    @overload
    def get(self, name: str, default: _T) -> str | _T: ...
    def get(self, name: str, default: object = None) -> object:
        # Mapping.get would go through __getitem__ and an exception for every miss.
        return self._map.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._map[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def raw_items(self) -> list[tuple[str, str]]:
        """Headers as received, in order, names in their original case."""
        return list(self._items)


@dataclass(slots=True)
class HttpRequest:
    """One HTTP request. ``path`` is percent-encoded exactly as sent; ``query`` is the raw
    query string without ``?``."""

    method: str
    path: str
    query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    host: str = "127.0.0.1:4566"
    scheme: str = "http"

    @property
    def decoded_path(self) -> str:
        return unquote(self.path)

    def query_params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased ('' when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None
