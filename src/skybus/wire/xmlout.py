"""XML bodies of the ``query`` protocol, written from botocore shapes.

Results are wrapped the way AWS's query services wrap them (``{Op}Response`` holding the model's
``resultWrapper`` element and ``ResponseMetadata``); errors become an ``ErrorResponse``. Every
element name comes from the model (``locationName``, ``flattened``), so no operation needs code of
its own. Text is built as a list of string pieces: it is faster than an element tree and the
escaping below is all XML text needs.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        # A raw CR would be read back as LF by any XML parser; a character reference keeps it.
        "\r": "&#xD;",
    }
)


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _timestamp_text(value: Any, fmt: str | None) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = dt.datetime.fromtimestamp(value, tz=dt.UTC)
    if isinstance(value, str):
        return value
    if not isinstance(value, dt.datetime):
        raise TypeError(f"timestamp expected, got {type(value).__name__}")
    when: dt.datetime = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    when = when.astimezone(dt.UTC)
    if fmt == "unixTimestamp":
        return _number_text(when.timestamp())
    if fmt == "rfc822":
        return when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if when.microsecond:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def scalar_text(shape: Shape, value: Any) -> str:
    """The text of one scalar value of ``shape`` (unescaped)."""
    kind = shape.type_name
    if kind == "boolean":
        if isinstance(value, str):
            return "true" if value.lower() == "true" else "false"
        return "true" if value else "false"
    if kind == "timestamp":
        return _timestamp_text(value, shape.serialization.get("timestampFormat"))
    if kind == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    if kind in ("float", "double", "integer", "long"):
        return _number_text(value)
    return str(value)


class XmlWriter:
    """Appends the XML of shaped values to a list of text pieces."""

    __slots__ = ("out",)

    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self) -> str:
        return "".join(self.out)

    def raw(self, piece: str) -> None:
        self.out.append(piece)

    def element(self, name: str, shape: Shape, value: Any) -> None:
        """``<name>value</name>``, or one element per item for flattened lists and maps."""
        kind = shape.type_name
        if kind == "list":
            self._list(name, shape, value)
        elif kind == "map":
            self._map(name, shape, value)
        elif kind == "structure":
            self.out.append(f"<{name}>")
            self.members(shape, value)
            self.out.append(f"</{name}>")
        else:
            self.out.append(f"<{name}>{escape(scalar_text(shape, value))}</{name}>")

    def members(self, shape: Shape, value: Mapping[str, Any]) -> None:
        """The member elements of a structure value, in model order; ``None`` is left out."""
        assert isinstance(shape, StructureShape)
        for member_name, member in shape.members.items():
            item = value.get(member_name)
            if item is None:
                continue
            self.element(member_element_name(member_name, member), member, item)

    def _list(self, name: str, shape: Shape, value: Any) -> None:
        assert isinstance(shape, ListShape)
        member = shape.member
        if shape.serialization.get("flattened"):
            for item in value:
                self.element(name, member, item)
            return
        item_name = member.serialization.get("name", "member")
        self.out.append(f"<{name}>")
        for item in value:
            self.element(item_name, member, item)
        self.out.append(f"</{name}>")

    def _map(self, name: str, shape: Shape, value: Mapping[Any, Any]) -> None:
        assert isinstance(shape, MapShape)
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        flattened = bool(shape.serialization.get("flattened"))
        if not flattened:
            self.out.append(f"<{name}>")
        entry = name if flattened else "entry"
        for key, item in value.items():
            self.out.append(f"<{entry}>")
            self.element(key_name, shape.key, key)
            if item is not None:
                self.element(value_name, shape.value, item)
            self.out.append(f"</{entry}>")
        if not flattened:
            self.out.append(f"</{name}>")


def member_element_name(member_name: str, member: Shape) -> str:
    """The element (or query key) a structure member travels under.

    A flattened list whose member has a ``locationName`` is named after that member, as
    botocore's serializer and parser both do (SQS ``AttributeName.1``, ``<Message>``).
    """
    if member.type_name == "list" and member.serialization.get("flattened"):
        assert isinstance(member, ListShape)
        inner = member.member.serialization.get("name")
        if inner:
            return str(inner)
    return str(member.serialization.get("name", member_name))


def result_document(
    operation: str, namespace: str, wrapper: str | None, shape: Shape | None, result: Any, rid: str
) -> bytes:
    """``<{Op}Response>`` with the result (if the operation has one) and ``ResponseMetadata``."""
    writer = XmlWriter()
    writer.raw(f'<{operation}Response xmlns="{escape(namespace)}">')
    if shape is not None and wrapper:
        writer.raw(f"<{wrapper}>")
        writer.members(shape, result or {})
        writer.raw(f"</{wrapper}>")
    elif shape is not None:
        writer.members(shape, result or {})
    writer.raw(f"<ResponseMetadata><RequestId>{escape(rid)}</RequestId></ResponseMetadata>")
    writer.raw(f"</{operation}Response>")
    return writer.text().encode("utf-8")


def error_document(
    namespace: str,
    sender: bool,
    code: str,
    message: str | None,
    fields: Mapping[str, Any],
    shape: Shape | None,
    rid: str,
) -> bytes:
    """``<ErrorResponse>``: Type, Code, Message, then any extra fields of the error shape."""
    writer = XmlWriter()
    writer.raw(f'<ErrorResponse xmlns="{escape(namespace)}"><Error>')
    writer.raw(f"<Type>{'Sender' if sender else 'Receiver'}</Type>")
    writer.raw(f"<Code>{escape(code)}</Code>")
    if message is not None:
        writer.raw(f"<Message>{escape(message)}</Message>")
    members = shape.members if isinstance(shape, StructureShape) else {}
    for name, value in fields.items():
        if value is None or name in ("Type", "Code", "Message", "message"):
            continue
        member = members.get(name)
        if member is not None:
            writer.element(member_element_name(name, member), member, value)
        else:
            writer.raw(f"<{name}>{escape(str(value))}</{name}>")
    writer.raw(f"</Error><RequestId>{escape(rid)}</RequestId></ErrorResponse>")
    return writer.text().encode("utf-8")
