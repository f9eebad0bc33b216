"""The AWS ``query`` protocol (SNS, STS, legacy SQS), driven by botocore's service models.

Requests are form-encoded key/value pairs (``POST`` body or ``GET`` query string, merged) whose
keys spell a path through the input shape: ``Tags.member.1.Key``, ``Attributes.entry.2.value``,
``AttributeName.1`` for flattened lists. The keys are first gathered into a tree, then the tree is
read against the shape, so each parameter is looked at once. Responses are XML, see
:mod:`skybus.wire.xmlout`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from skybus.wire import xmlout
from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse
from skybus.wire.protocol import ParsedRequest, Protocol
from skybus.wire.sqs_legacy import QUERY_MESSAGES

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_HEX_PAIR = re.compile(r"%([0-9A-Fa-f]{2})")


def missing_action() -> ServiceError:
    # "MissingAction: The request is missing an action or a required parameter." (400) is the
    # code AWS documents for this case in the Common Errors page of every query API reference.
    return ServiceError("MissingAction", "The request must contain the parameter Action.")


def invalid_action(action: str) -> ServiceError:
    # Text as AWS's query endpoints send it for an action they do not know.
    return ServiceError("InvalidAction", f"The action {action} is not valid for this endpoint.")


def invalid_value(name: str, value: str, reason: str) -> ServiceError:
    # "InvalidParameterValue: An invalid or out-of-range value was supplied for the input
    # parameter." (400) is the common error the SNS, STS and SQS query API references list for a
    # value the service cannot read; the message follows SQS's "Value X for parameter Y is
    # invalid. Reason: Z." wording.
    return ServiceError(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}."
    )


def malformed(reason: str) -> ServiceError:
    # "MalformedQueryString: The query string contains a syntax error." from the same common
    # errors list; answered with 400, as for every other malformed request.
    return ServiceError(
        "MalformedQueryString", f"The query string contains a syntax error: {reason}"
    )


def _unquote_plus(text: str) -> str:
    """Form decoding that fails on bad escapes and invalid UTF-8 instead of guessing."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if _BAD_PERCENT.search(text):
        raise malformed("incomplete percent-encoding")
    pieces = _HEX_PAIR.split(text)
    raw = bytearray()
    for index, piece in enumerate(pieces):
        if index % 2:
            raw.append(int(piece, 16))
        else:
            raw += piece.encode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed("percent-encoded bytes are not valid UTF-8") from None


def decode_form(data: bytes | str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as pairs; blank values are kept (an empty list is sent as ``Name=``)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise malformed("the body is not valid UTF-8") from None
    pairs: list[tuple[str, str]] = []
    for part in data.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


class _Node:
    """One step of a dotted parameter path: its own value and its children by segment."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, _Node] = {}


def _build_tree(pairs: list[tuple[str, str]]) -> _Node:
    root = _Node()
    for key, value in pairs:
        node = root
        for segment in key.split("."):
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = _Node()
            node = child
        node.value = value
    return root


def _indexed(node: _Node) -> list[tuple[str, _Node]]:
    """Children named ``1``, ``2``, ... in numeric order (other names are not items)."""
    items = [(k, child) for k, child in node.children.items() if k.isdigit()]
    items.sort(key=lambda pair: int(pair[0]))
    return items


class _InputDecoder:
    """Reads a parameter tree against an input shape, with per-structure key tables cached."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, tuple[str, Shape]]] = {}

    def _table(self, shape: StructureShape) -> dict[str, tuple[str, Shape]]:
        table = self._tables.get(shape.name)
        if table is None:
            table = {
                xmlout.member_element_name(name, member): (name, member)
                for name, member in shape.members.items()
            }
            self._tables[shape.name] = table
        return table

    def structure(self, shape: StructureShape, node: _Node, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        table = self._table(shape)
        for key, child in node.children.items():
            found = table.get(key)
            if found is None:
                continue
            name, member = found
            value = self.value(member, child, f"{path}.{key}" if path else key)
            if value is not None:
                out[name] = value
        return out

    def value(self, shape: Shape, node: _Node, path: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            return self.structure(shape, node, path)
        if kind == "list":
            assert isinstance(shape, ListShape)
            return self._list(shape, node, path)
        if kind == "map":
            assert isinstance(shape, MapShape)
            return self._map(shape, node, path)
        if node.value is None:
            return None
        return scalar(shape, node.value, path)

    def _list(self, shape: ListShape, node: _Node, path: str) -> list[Any]:
        if not shape.serialization.get("flattened"):
            name = shape.member.serialization.get("name", "member")
            wrapper = node.children.get(name)
            # Be lenient with clients that send a wrapped list flattened (``Name.1``).
            if wrapper is not None:
                node, path = wrapper, f"{path}.{name}"
        out = []
        for index, item in _indexed(node):
            value = self.value(shape.member, item, f"{path}.{index}")
            if value is not None:
                out.append(value)
        return out

    def _map(self, shape: MapShape, node: _Node, path: str) -> dict[Any, Any]:
        if not shape.serialization.get("flattened"):
            entries = node.children.get("entry")
            if entries is not None:
                node, path = entries, f"{path}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out: dict[Any, Any] = {}
        for index, entry in _indexed(node):
            key_node = entry.children.get(key_name)
            if key_node is None or key_node.value is None:
                continue
            key = scalar(shape.key, key_node.value, f"{path}.{index}.{key_name}")
            value_node = entry.children.get(value_name)
            value = (
                None
                if value_node is None
                else self.value(shape.value, value_node, f"{path}.{index}.{value_name}")
            )
            out[key] = value
        return out


def scalar(shape: Shape, text: str, path: str) -> Any:
    """One scalar parameter, converted to the Python type of ``shape``."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        if not _INTEGER.fullmatch(text):
            raise invalid_value(path, text, "Must be an integer")
        return int(text)
    if kind == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise invalid_value(path, text, "Must be true or false")
        return lowered == "true"
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise invalid_value(path, text, "Must be a number") from None
    if kind == "timestamp":
        return _timestamp(text, path)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise invalid_value(path, text, "Must be base64-encoded binary data") from None
    return text


def _timestamp(text: str, path: str) -> dt.datetime:
    try:
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            return dt.datetime.fromtimestamp(float(text), tz=dt.UTC)
        value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except (ValueError, OverflowError, OSError):
        raise invalid_value(path, text, "Must be an ISO 8601 timestamp") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class QueryProtocol(Protocol):
    """``query``: form-encoded requests, XML responses, for any service whose model uses it."""

    name = "query"

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self.namespace: str = service.metadata.get("xmlNamespace", "")
        self.operations: dict[str, OperationModel] = {
            name: service.operation_model(name) for name in service.operation_names
        }
        # Error shapes by shape name and by wire code, so either spelling finds the shape.
        self.error_shapes: dict[str, StructureShape] = {}
        for shape in service.error_shapes:
            self.error_shapes[shape.name] = shape
            code = shape.metadata.get("error", {}).get("code")
            if code:
                self.error_shapes.setdefault(code, shape)
        self._decoder = _InputDecoder()
        # Where this front end words an error its own way: the usual wording -> its wording.
        self.reworded: dict[str, str] = QUERY_MESSAGES if service.service_name == "sqs" else {}

    def parse(self, request: HttpRequest) -> ParsedRequest:
        pairs = decode_form(request.query) if request.query else []
        # A body of another media type belongs to another protocol; only its Action would tell.
        has_form = request.content_type in ("", FORM_CONTENT_TYPE)
        if request.method.upper() != "GET" and request.body and has_form:
            pairs.extend(decode_form(request.body))
        tree = _build_tree(pairs)
        action_node = tree.children.get("Action")
        action = action_node.value if action_node is not None else None
        if not action:
            raise missing_action()
        operation = self.operations.get(action)
        if operation is None:
            raise invalid_action(action)
        shape = operation.input_shape
        params: dict[str, Any] = {}
        if isinstance(shape, StructureShape):
            params = self._decoder.structure(shape, tree, "")
        return ParsedRequest(operation, params)

    def serialize(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> HttpResponse:
        shape = operation.output_shape
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        body = xmlout.result_document(
            operation.name, self.namespace, wrapper, shape, result, request_id
        )
        return HttpResponse(200, self._headers(request_id), body)

    def serialize_error(
        self, error: ServiceError, operation: OperationModel | None, request_id: str
    ) -> HttpResponse:
        shape = self.error_shapes.get(error.code)
        spec: dict[str, Any] = shape.metadata.get("error", {}) if shape is not None else {}
        code = str(spec.get("code") or (shape.name if shape is not None else error.code))
        if error.sender_fault is not None:
            sender = error.sender_fault
        elif "senderFault" in spec:
            sender = bool(spec["senderFault"])
        elif error.status is not None:
            sender = error.status < 500
        else:
            sender = shape is None or spec.get("httpStatusCode", 400) < 500
        status = error.status or spec.get("httpStatusCode") or (400 if sender else 500)
        message = self.reworded.get(error.message or "", error.message)
        body = xmlout.error_document(
            self.namespace, sender, code, message, error.fields, shape, request_id
        )
        headers = self._headers(request_id)
        headers.extend(error.headers.items())
        return HttpResponse(int(status), headers, body)

    @staticmethod
    def _headers(request_id: str) -> list[tuple[str, str]]:
        return [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
