"""How single values of a botocore shape travel in JSON bodies, headers, URIs and query strings.

Decoding and encoding functions are compiled once per shape (closures over the shape's
members), so that per-request work is a walk over the data alone, never over the model.
Decoders check JSON types the way AWS's JSON front ends do (a string where a structure is
expected is a serialization error) but leave constraints (required, enums, lengths) to the
validation layer.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

import orjson
from botocore.model import Shape

Codec = Callable[[Any], Any]

_UTC = dt.UTC
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class WireValueError(ValueError):
    """A value on the wire does not have the type its shape requires."""


# --- timestamps ---------------------------------------------------------------------------


def parse_timestamp(value: object, fmt: str | None = None) -> dt.datetime:
    """An aware datetime from epoch seconds (number or numeric text), ISO 8601 or RFC 822.

    ``fmt`` only breaks ties: every form is recognised, as botocore's own parser does.
    """
    if isinstance(value, bool):
        raise WireValueError("Boolean value can not be converted to a timestamp")
    if isinstance(value, int | float):
        return _from_epoch(value)
    if not isinstance(value, str):
        raise WireValueError(f"{_token(value)} can not be converted to a timestamp")
    text = value.strip()
    try:
        return _from_epoch(float(text))
    except ValueError:
        pass
    if fmt == "rfc822" or "," in text or "GMT" in text:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=_UTC)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise WireValueError(f"Invalid timestamp value: {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_UTC)


def _from_epoch(seconds: float) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(seconds, tz=_UTC)
    except (OverflowError, OSError, ValueError):
        raise WireValueError(f"Timestamp out of range: {seconds!r}") from None


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_UTC)
    return parse_timestamp(value)


def format_timestamp(value: object, fmt: str) -> int | float | str:
    """``value`` (datetime, epoch number or text) in one of the model's timestamp formats."""
    moment = _as_datetime(value).astimezone(_UTC)
    if fmt == "unixtimestamp":
        if moment.microsecond == 0:
            return int(moment.timestamp())
        return round(moment.timestamp(), 3)
    if fmt == "rfc822":
        return formatdate(int(moment.timestamp()), usegmt=True)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        return f"{base}.{moment.microsecond // 1000:03d}Z"
    return f"{base}Z"


# --- JSON bodies --------------------------------------------------------------------------


def _token(value: object) -> str:
    """The JSON token name AWS's Jackson-based front ends use in type-mismatch messages."""
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    if isinstance(value, str):
        return "STRING_VALUE"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return type(value).__name__


def _mismatch(value: object, expected: str) -> WireValueError:
    if isinstance(value, dict):
        return WireValueError("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return WireValueError("Start of list found where not expected")
    return WireValueError(f"{_token(value)} can not be converted to {expected}")


def _body_members(shape: Shape) -> list[tuple[str, str, Shape]]:
    """(member name, JSON key, member shape) of members that travel in a JSON body."""
    out = []
    for name, member in shape.members.items():
        if member.serialization.get("location") or member.serialization.get("eventstream"):
            continue
        out.append((name, member.serialization.get("name", name), member))
    return out


def _shape_key(shape: Shape) -> tuple[str, str, bool]:
    """Member shapes share a name but may differ in timestampFormat or jsonvalue traits."""
    ser = shape.serialization
    return (shape.name, ser.get("timestampFormat", ""), bool(ser.get("jsonvalue")))


class JsonCodec:
    """Compiled JSON-body decoders (wire -> Python) and encoders (Python -> wire) per shape.

    ``default_timestamp`` is the protocol's timestamp format when a shape names none
    (``unixtimestamp`` for both json and rest-json bodies).
    """

    def __init__(self, default_timestamp: str = "unixtimestamp") -> None:
        self.default_timestamp = default_timestamp
        self._decoders: dict[tuple[str, str, bool], Codec] = {}
        self._encoders: dict[tuple[str, str, bool], Codec] = {}

    # decoding
    def decoder(self, shape: Shape) -> Codec:
        key = _shape_key(shape)
        found = self._decoders.get(key)
        if found is not None:
            return found
        cell: list[Codec] = []
        self._decoders[key] = lambda value: cell[0](value)  # resolves recursive shapes
        built = self._build_decoder(shape)
        cell.append(built)
        self._decoders[key] = built
        return built

    def _build_decoder(self, shape: Shape) -> Codec:
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return _identity
            return self._struct_decoder(shape)
        if kind == "list":
            item = self.decoder(shape.member)

            def list_dec(value: Any) -> Any:
                if type(value) is not list:
                    raise _mismatch(value, "a list")
                return [item(x) for x in value if x is not None]

            return list_dec
        if kind == "map":
            val = self.decoder(shape.value)

            def map_dec(value: Any) -> Any:
                if type(value) is not dict:
                    raise _mismatch(value, "a map")
                return {k: val(x) for k, x in value.items() if x is not None}

            return map_dec
        fmt = shape.serialization.get("timestampFormat", self.default_timestamp)
        return _scalar_decoder(kind, fmt)

    def _struct_decoder(self, shape: Shape) -> Codec:
        table = {wire: (name, self.decoder(member)) for name, wire, member in _body_members(shape)}

        def struct_dec(value: Any) -> Any:
            if type(value) is not dict:
                raise _mismatch(value, "a structure")
            out = {}
            for key, item in value.items():
                entry = table.get(key)
                if entry is not None and item is not None:
                    out[entry[0]] = entry[1](item)
            return out

        return struct_dec

    # encoding
    def encoder(self, shape: Shape) -> Codec:
        key = _shape_key(shape)
        found = self._encoders.get(key)
        if found is not None:
            return found
        cell: list[Codec] = []
        self._encoders[key] = lambda value: cell[0](value)
        built = self._build_encoder(shape)
        cell.append(built)
        self._encoders[key] = built
        return built

    def _build_encoder(self, shape: Shape) -> Codec:
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return _identity
            table = {
                name: (wire, self.encoder(member)) for name, wire, member in _body_members(shape)
            }

            def struct_enc(value: Any) -> Any:
                out = {}
                for key, item in value.items():
                    entry = table.get(key)
                    if entry is not None and item is not None:
                        out[entry[0]] = entry[1](item)
                return out

            return struct_enc
        if kind == "list":
            item = self.encoder(shape.member)
            return lambda value: [item(x) for x in value]
        if kind == "map":
            val = self.encoder(shape.value)
            return lambda value: {k: val(x) for k, x in value.items() if x is not None}
        fmt = shape.serialization.get("timestampFormat", self.default_timestamp)
        return _scalar_encoder(kind, fmt)


def _identity(value: Any) -> Any:
    return value


def _scalar_decoder(kind: str, fmt: str) -> Codec:
    if kind == "string":

        def str_dec(value: Any) -> Any:
            if type(value) is not str:
                raise _mismatch(value, "String")
            return value

        return str_dec
    if kind in ("integer", "long"):

        def int_dec(value: Any) -> Any:
            if type(value) is int:
                return value
            if type(value) is float and value.is_integer():
                return int(value)
            raise _mismatch(value, "Integer" if kind == "integer" else "Long")

        return int_dec
    if kind in ("float", "double"):

        def float_dec(value: Any) -> Any:
            if type(value) is float or type(value) is int:
                return float(value)
            if type(value) is str and value in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value]
            raise _mismatch(value, "Double")

        return float_dec
    if kind == "boolean":

        def bool_dec(value: Any) -> Any:
            if type(value) is not bool:
                raise _mismatch(value, "Boolean")
            return value

        return bool_dec
    if kind == "blob":
        return _blob_dec
    if kind == "timestamp":

        def ts_dec(value: Any) -> Any:
            if isinstance(value, dict | list):
                raise _mismatch(value, "a timestamp")
            return parse_timestamp(value, fmt)

        return ts_dec
    return _identity


def _blob_dec(value: Any) -> Any:
    if type(value) is not str:
        raise _mismatch(value, "a Blob")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise WireValueError("Base64 encoded blob value could not be decoded") from None


def _scalar_encoder(kind: str, fmt: str) -> Codec:
    if kind in ("integer", "long"):
        return lambda value: value if type(value) is int else int(value)
    if kind in ("float", "double"):
        return _float_enc
    if kind == "blob":
        return _blob_enc
    if kind == "timestamp":
        return lambda value: format_timestamp(value, fmt)
    return _identity


def _float_enc(value: Any) -> Any:
    number = float(value) if isinstance(value, Decimal | int) else value
    if math.isfinite(number):
        return number
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def _blob_enc(value: Any) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")


def dump_json(value: Any) -> bytes:
    """JSON bytes as AWS sends them; values of unknown type fall back to their text."""
    return orjson.dumps(value, default=_fallback)


def _fallback(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return _blob_enc(value)
    return str(value)


# --- text positions: URI labels, query strings, headers -------------------------------------


def from_text(shape: Shape, text: str, default_timestamp: str) -> Any:
    """The Python value of one URI label, query value or header value."""
    kind = shape.type_name
    if kind == "string":
        if shape.serialization.get("jsonvalue"):
            try:
                return orjson.loads(base64.b64decode(text))
            except (binascii.Error, ValueError):
                raise WireValueError(f"Invalid base64 JSON value: {text!r}") from None
        return text
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise WireValueError(f"Invalid {kind} value: {text!r}") from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise WireValueError(f"Invalid {kind} value: {text!r}") from None
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise WireValueError(f"Invalid boolean value: {text!r}")
        return lowered == "true"
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", default_timestamp)
        return parse_timestamp(text, fmt)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise WireValueError(f"Invalid base64 value: {text!r}") from None
    if kind == "list":
        return [
            from_text(shape.member, part, default_timestamp) for part in split_header_list(text)
        ]
    raise WireValueError(f"A {kind} can not be carried in text")


def to_text(shape: Shape, value: Any, default_timestamp: str) -> str:
    """One output header value (the inverse of :func:`from_text`)."""
    kind = shape.type_name
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(orjson.dumps(value)).decode("ascii")
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", default_timestamp)
        return str(format_timestamp(value, fmt))
    if kind == "blob":
        return _blob_enc(value)
    if kind in ("float", "double"):
        return str(_float_enc(value))
    if kind == "list":
        return ",".join(
            _quote_header_item(to_text(shape.member, v, default_timestamp)) for v in value
        )
    return str(value)


def _quote_header_item(text: str) -> str:
    if '"' in text or "," in text:
        return '"' + text.replace('"', '\\"') + '"'
    return text


def split_header_list(text: str) -> list[str]:
    """Items of a comma-separated header list; double-quoted items may contain commas."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items if text.strip() else []
