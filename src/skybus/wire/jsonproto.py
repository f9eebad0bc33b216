"""The ``json`` protocol (awsJson1_0 / awsJson1_1): SQS, DynamoDB, DynamoDB Streams,
EventBridge, CloudWatch Logs.

Every request is ``POST /`` with the operation in ``X-Amz-Target`` and the input as one JSON
object; answers are JSON objects, errors carry their code in ``__type``. The check order follows
AWS: method and content type, then the JSON parse, then the target, then member types.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import orjson
from botocore.model import OperationModel, ServiceModel, Shape

from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse
from skybus.wire.protocol import ParsedRequest, Protocol
from skybus.wire.sqs_legacy import legacy_error_traits
from skybus.wire.values import Codec, JsonCodec, WireValueError, dump_json

JSON_CONTENT_TYPES = frozenset(
    {"application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json"}
)

# Codes raised by AWS's shared front end rather than by one service (DynamoDB puts them in the
# ``com.amazon.coral.service`` namespace).
COMMON_SERVICE_CODES = frozenset(
    {
        "SerializationException",
        "UnknownOperationException",
        "MissingAuthenticationTokenException",
        "InvalidSignatureException",
        "IncompleteSignatureException",
        "UnrecognizedClientException",
        "AccessDeniedException",
        "InternalFailure",
        "ThrottlingException",
    }
)

# HTTP status of unmodeled common codes whose status is not 400 (AWS "Common Errors").
COMMON_STATUS = {
    "MissingAuthenticationTokenException": 403,
    "InternalFailure": 500,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}

# SQS moved from the query protocol to JSON but its JSON model lost the legacy query codes;
# SDKs still key on them through the ``x-amzn-query-error`` header (SQS developer guide, "JSON
# error response structure"). They come from the legacy query model (sqs_legacy), except for
# errors added after it, listed here. Codes found in neither keep their shape name.
SQS_NEWER_QUERY_CODES = {
    "KmsAccessDenied": "KMS.AccessDeniedException",
    "KmsDisabled": "KMS.DisabledException",
    "KmsInvalidKeyUsage": "KMS.InvalidKeyUsageException",
    "KmsInvalidState": "KMS.InvalidStateException",
    "KmsNotFound": "KMS.NotFoundException",
    "KmsOptInRequired": "KMS.OptInRequired",
    "KmsThrottled": "KMS.ThrottlingException",
}

_DYNAMODB_NAMESPACE = "com.amazonaws.dynamodb.v20120810#"


class UnroutableRequest(ServiceError):
    """A request the JSON front end cannot route at all (not POST, or not a JSON media type).

    AWS answers these with 404 and the bare body ``<UnknownOperationException/>``.
    """

    BODY = b"<UnknownOperationException/>\n"

    def __init__(self, message: str) -> None:
        super().__init__("UnknownOperationException", message, status=404, sender_fault=True)


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """How one error goes on the wire: status, fault side, model shape and legacy code."""

    code: str
    status: int
    sender_fault: bool
    shape: Shape | None
    query_code: str


class ErrorCatalog:
    """The error shapes of one service model, to resolve a :class:`ServiceError`."""

    def __init__(self, service: ServiceModel) -> None:
        self.service_name = service.service_name
        self.shapes: dict[str, Shape] = {shape.name: shape for shape in service.error_shapes}
        self.legacy: dict[str, dict[str, Any]] = (
            legacy_error_traits() if self.service_name == "sqs" else {}
        )

    def resolve(self, error: ServiceError) -> ErrorSpec:
        shape = self.shapes.get(error.code)
        trait: dict[str, Any] = dict(shape.metadata.get("error") or {}) if shape else {}
        if not trait:
            trait = self.legacy.get(error.code, {})
        sender_fault = error.sender_fault
        if sender_fault is None and "senderFault" in trait:
            sender_fault = bool(trait["senderFault"])
        if sender_fault is None and shape is not None and shape.metadata.get("fault"):
            sender_fault = False
        status = error.status or trait.get("httpStatusCode") or COMMON_STATUS.get(error.code)
        if status is None:
            status = 500 if sender_fault is False else 400
        if sender_fault is None:
            sender_fault = status < 500
        query_code = trait.get("code") or SQS_NEWER_QUERY_CODES.get(error.code, error.code)
        return ErrorSpec(error.code, int(status), sender_fault, shape, str(query_code))

    def type_name(self, spec: ErrorSpec) -> str:
        """The ``__type`` value: the code, namespaced as the service does on AWS."""
        if self.service_name in ("dynamodb", "dynamodbstreams"):
            if spec.code == "ValidationException":
                return f"com.amazon.coral.validate#{spec.code}"
            if spec.code in COMMON_SERVICE_CODES and spec.shape is None:
                return f"com.amazon.coral.service#{spec.code}"
            return f"{_DYNAMODB_NAMESPACE}{spec.code}"
        if self.service_name == "sqs":
            return f"com.amazonaws.sqs#{spec.code}"
        return spec.code


def error_fields(codec: JsonCodec, spec: ErrorSpec, fields: dict[str, Any]) -> dict[str, Any]:
    """An error's extra members in wire form: modeled ones through their shapes, others as-is."""
    if not fields:
        return {}
    if spec.shape is None:
        return dict(fields)
    members = spec.shape.members
    out: dict[str, Any] = codec.encoder(spec.shape)(fields)
    for key, value in fields.items():
        if key not in members and value is not None:
            out[key] = value
    return out


class JsonProtocol(Protocol):
    """awsJson 1.0/1.1 for one service model."""

    name = "json"

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        metadata = service.metadata
        self.target_prefix: str = metadata["targetPrefix"]
        self.content_type = f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}"
        self.query_compatible = "awsQueryCompatible" in metadata
        self.codec = JsonCodec("unixtimestamp")
        self.errors = ErrorCatalog(service)
        self.operations: dict[str, OperationModel] = {}
        self._decoders: dict[str, Codec | None] = {}
        self._encoders: dict[str, Codec | None] = {}
        for name in service.operation_names:
            operation = service.operation_model(name)
            self.operations[name] = operation
            self._decoders[name] = self._codec_for(operation.input_shape, decode=True)
            self._encoders[name] = self._codec_for(operation.output_shape, decode=False)

    def _codec_for(self, shape: Shape | None, *, decode: bool) -> Codec | None:
        if shape is None:
            return None
        return self.codec.decoder(shape) if decode else self.codec.encoder(shape)

    def parse(self, request: HttpRequest) -> ParsedRequest:
        if request.method.upper() != "POST":
            raise UnroutableRequest(f"Method {request.method} is not supported; use POST.")
        if request.content_type not in JSON_CONTENT_TYPES:
            raise UnroutableRequest(
                f"Content type {request.content_type or '(none)'!r} is not supported; "
                f"use {self.content_type}."
            )
        data = load_json_object(request.body, "SerializationException")
        target = request.headers.get("x-amz-target", "")
        prefix, _, name = target.rpartition(".")
        operation = self.operations.get(name) if prefix == self.target_prefix else None
        if operation is None:
            shown = target or "(missing X-Amz-Target header)"
            raise ServiceError("UnknownOperationException", f"Unknown operation: {shown}")
        decoder = self._decoders[name]
        if decoder is None:
            return ParsedRequest(operation, {})
        try:
            params = decoder(data)
        except WireValueError as exc:
            raise ServiceError("SerializationException", str(exc)) from None
        return ParsedRequest(operation, params)

    def serialize(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> HttpResponse:
        encoder = self._encoders.get(operation.name)
        body = dump_json(encoder(result)) if encoder is not None else b"{}"
        return HttpResponse(200, self._headers(request_id, body), body)

    def serialize_error(
        self, error: ServiceError, operation: OperationModel | None, request_id: str
    ) -> HttpResponse:
        if isinstance(error, UnroutableRequest):
            body = UnroutableRequest.BODY
            return HttpResponse(404, [("x-amzn-RequestId", request_id)], body)
        spec = self.errors.resolve(error)
        document: dict[str, Any] = {"__type": self.errors.type_name(spec)}
        if error.message is not None:
            document["message"] = error.message
        document.update(error_fields(self.codec, spec, error.fields))
        body = dump_json(document)
        headers = self._headers(request_id, body)
        if self.query_compatible:
            fault = "Sender" if spec.sender_fault else "Receiver"
            headers.append(("x-amzn-query-error", f"{spec.query_code};{fault}"))
        headers.extend(error.headers.items())
        return HttpResponse(spec.status, headers, body)

    def _headers(self, request_id: str, body: bytes) -> list[tuple[str, str]]:
        return [
            ("x-amzn-RequestId", request_id),
            ("Content-Type", self.content_type),
            ("x-amz-crc32", str(zlib.crc32(body))),
        ]


def load_json_object(body: bytes, code: str, prefix: str = "") -> dict[str, Any]:
    """The request body as a JSON object (empty body: ``{}``); anything else is ``code``."""
    if not body or body.isspace():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ServiceError(code, f"{prefix}{exc}") from None
    if type(data) is not dict:
        raise ServiceError(code, f"{prefix}Expected a JSON object at the top level of the body")
    return data
