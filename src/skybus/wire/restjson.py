"""The ``rest-json`` protocol: Lambda, API Gateway v2 and the API Gateway management API.

The operation is found from the method and the URI template; members travel in the URI, the
query string, headers or the body (a JSON object of the unbound members, or the raw ``payload``
member). Errors name their code in ``X-Amzn-ErrorType`` and carry ``message`` (and, for Lambda,
``Type: User|Service``) in a JSON body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse
from skybus.wire.jsonproto import ErrorCatalog, error_fields, load_json_object
from skybus.wire.protocol import ParsedRequest, Protocol
from skybus.wire.uritemplate import Router
from skybus.wire.values import Codec, JsonCodec, WireValueError, dump_json, from_text, to_text

# Error codes for a body that is not the JSON the operation expects, and for a URI, query or
# header value of the wrong type, in order of preference among the operation's modeled errors.
MALFORMED_BODY_CODES = ("InvalidRequestContentException", "BadRequestException")
BAD_PARAMETER_CODES = (
    "InvalidParameterValueException",
    "BadRequestException",
    "InvalidRequestContentException",
)
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass(slots=True)
class _InputPlan:
    uri: list[tuple[str, str, Shape]] = field(default_factory=list)
    query: list[tuple[str, str, Shape]] = field(default_factory=list)
    query_map: tuple[str, Shape] | None = None
    headers: list[tuple[str, str, Shape]] = field(default_factory=list)
    header_maps: list[tuple[str, str]] = field(default_factory=list)
    payload: tuple[str, str, Codec | None] | None = None
    body: Codec | None = None
    malformed_code: str = "SerializationException"
    parameter_code: str = "ValidationException"


@dataclass(slots=True)
class _OutputPlan:
    status: int = 200
    status_member: str | None = None
    headers: list[tuple[str, str, Shape]] = field(default_factory=list)
    header_maps: list[tuple[str, str]] = field(default_factory=list)
    payload: tuple[str, str, Codec | None] | None = None
    body: Codec | None = None


def _pick(candidates: tuple[str, ...], *pools: set[str]) -> str | None:
    for pool in pools:
        for code in candidates:
            if code in pool:
                return code
    return None


class RestJsonProtocol(Protocol):
    """rest-json for one service model."""

    name = "rest-json"

    def __init__(self, service: ServiceModel) -> None:
        super().__init__(service)
        self.codec = JsonCodec("unixtimestamp")
        self.errors = ErrorCatalog(service)
        # Lambda's errors carry ``Type`` (User/Service) beside the message.
        self.typed_errors = any("Type" in s.members for s in self.errors.shapes.values())
        self.operations: dict[str, OperationModel] = {}
        self._inputs: dict[str, _InputPlan] = {}
        self._outputs: dict[str, _OutputPlan] = {}
        routes = []
        service_codes = set(self.errors.shapes)
        for name in service.operation_names:
            operation = service.operation_model(name)
            self.operations[name] = operation
            http = operation.http
            routes.append((name, http.get("method", "POST"), http.get("requestUri", "/")))
            plan = self._input_plan(operation.input_shape)
            op_codes = {shape.name for shape in operation.error_shapes}
            plan.malformed_code = (
                _pick(MALFORMED_BODY_CODES, op_codes, service_codes) or "SerializationException"
            )
            plan.parameter_code = (
                _pick(BAD_PARAMETER_CODES, op_codes, service_codes) or "ValidationException"
            )
            self._inputs[name] = plan
            self._outputs[name] = self._output_plan(operation)
        self.router = Router(routes)

    # plans -----------------------------------------------------------------------------------

    def _input_plan(self, shape: Shape | None) -> _InputPlan:
        plan = _InputPlan()
        if shape is None:
            return plan
        has_body = False
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                plan.uri.append((name, wire, member))
            elif location == "querystring":
                if member.type_name == "map":
                    plan.query_map = (name, member)
                else:
                    plan.query.append((name, wire, member))
            elif location == "header":
                plan.headers.append((name, wire.lower(), member))
            elif location == "headers":
                plan.header_maps.append((name, wire.lower()))
            elif location is None:
                has_body = True
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            kind = member.type_name
            codec = self.codec.decoder(member) if kind not in ("blob", "string") else None
            plan.payload = (payload, kind, codec)
        elif has_body:
            plan.body = self.codec.decoder(shape)
        return plan

    def _output_plan(self, operation: OperationModel) -> _OutputPlan:
        plan = _OutputPlan(status=int(operation.http.get("responseCode", 200)))
        shape = operation.output_shape
        if shape is None:
            return plan
        has_body = False
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "statusCode":
                plan.status_member = name
            elif location == "header":
                plan.headers.append((name, wire, member))
            elif location == "headers":
                plan.header_maps.append((name, wire))
            elif location is None:
                has_body = True
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            kind = member.type_name
            codec = self.codec.encoder(member) if kind not in ("blob", "string") else None
            plan.payload = (payload, kind, codec)
        elif has_body:
            plan.body = self.codec.encoder(shape)
        return plan

    # parsing ---------------------------------------------------------------------------------

    def parse(self, request: HttpRequest) -> ParsedRequest:
        match = self.router.match(request.method, request.path, request.query)
        if match is None:
            known = self.router.has_path(request.path)
            reason = "Method not allowed" if known else "Unknown operation"
            raise ServiceError(
                "UnknownOperationException",
                f"{reason}: {request.method} {request.path}",
                status=404,
                sender_fault=True,
            )
        operation = self.operations[match.operation]
        plan = self._inputs[match.operation]
        params: dict[str, Any] = {}
        try:
            for member, label, shape in plan.uri:
                if label in match.labels:
                    params[member] = from_text(shape, match.labels[label], "iso8601")
            if plan.query or plan.query_map:
                self._parse_query(request, plan, match.literal_query, params)
            for member, header, shape in plan.headers:
                raw = request.headers.get(header)
                if raw is not None:
                    params[member] = from_text(shape, raw, "rfc822")
            for member, prefix in plan.header_maps:
                found = {
                    key[len(prefix) :]: value
                    for key, value in request.headers.raw_items()
                    if key.lower().startswith(prefix)
                }
                if found:
                    params[member] = found
        except WireValueError as exc:
            raise ServiceError(plan.parameter_code, str(exc)) from None
        self._parse_body(request.body, plan, params)
        return ParsedRequest(operation, params)

    @staticmethod
    def _parse_query(
        request: HttpRequest, plan: _InputPlan, literal: frozenset[str], params: dict[str, Any]
    ) -> None:
        grouped: dict[str, list[str]] = {}
        for key, value in request.query_params():
            grouped.setdefault(key, []).append(value)
        claimed = set(literal)
        for member, key, shape in plan.query:
            values = grouped.get(key)
            if not values:
                continue
            claimed.add(key)
            if shape.type_name == "list":
                params[member] = [from_text(shape.member, v, "iso8601") for v in values]
            else:
                params[member] = from_text(shape, values[0], "iso8601")
        if plan.query_map is not None:
            member, shape = plan.query_map
            many = shape.value.type_name == "list"
            rest = {
                key: (values if many else values[0])
                for key, values in grouped.items()
                if key not in claimed
            }
            if rest:
                params[member] = rest

    def _parse_body(self, body: bytes, plan: _InputPlan, params: dict[str, Any]) -> None:
        code = plan.malformed_code
        prefix = (
            "Could not parse request body into json: "
            if code == "InvalidRequestContentException"
            else ""
        )
        if plan.payload is not None:
            member, kind, decoder = plan.payload
            if not body:
                return
            if kind == "blob":
                params[member] = body
                return
            if kind == "string":
                try:
                    params[member] = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise ServiceError(code, f"{prefix}Invalid UTF-8 in body") from None
                return
            decode = decoder
        elif plan.body is not None:
            decode = plan.body
        else:
            return
        data = load_json_object(body, code, prefix)
        if decode is None:
            return
        try:
            decoded = decode(data)
        except WireValueError as exc:
            raise ServiceError(code, f"{prefix}{exc}") from None
        if plan.payload is not None:
            params[plan.payload[0]] = decoded
        else:
            params.update(decoded)

    # serializing -----------------------------------------------------------------------------

    def serialize(
        self, operation: OperationModel, result: dict[str, Any], request_id: str
    ) -> HttpResponse:
        plan = self._outputs.get(operation.name) or self._output_plan(operation)
        status = plan.status
        headers: list[tuple[str, str]] = [("x-amzn-RequestId", request_id)]
        if plan.status_member is not None and result.get(plan.status_member) is not None:
            status = int(result[plan.status_member])
        for member, name, shape in plan.headers:
            value = result.get(member)
            if value is not None:
                headers.append((name, to_text(shape, value, "rfc822")))
        for member, prefix in plan.header_maps:
            for key, value in (result.get(member) or {}).items():
                headers.append((f"{prefix}{key}", str(value)))
        body = b""
        if plan.payload is not None:
            member, kind, encoder = plan.payload
            value = result.get(member)
            if value is None:
                body = b""
            elif kind in ("blob", "string"):
                body = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            elif encoder is not None:
                body = dump_json(encoder(value))
        elif plan.body is not None:
            body = dump_json(plan.body(result))
        if status in _NO_BODY_STATUSES:
            body = b""
        if body and not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
        return HttpResponse(status, headers, body)

    def serialize_error(
        self, error: ServiceError, operation: OperationModel | None, request_id: str
    ) -> HttpResponse:
        spec = self.errors.resolve(error)
        document: dict[str, Any] = {}
        if self.typed_errors:
            document["Type"] = "User" if spec.sender_fault else "Service"
        headers: list[tuple[str, str]] = [
            ("x-amzn-RequestId", request_id),
            ("X-Amzn-ErrorType", spec.code),
            ("Content-Type", "application/json"),
        ]
        fields = dict(error.fields)
        message_key = "message"
        if spec.shape is not None:
            for name, member in spec.shape.members.items():
                wire = member.serialization.get("name", name)
                if name.lower() == "message":
                    message_key = wire
                if member.serialization.get("location") == "header" and name in fields:
                    value = fields.pop(name)
                    if value is not None:
                        headers.append((wire, to_text(member, value, "rfc822")))
        if error.message is not None:
            document[message_key] = error.message
        document.update(error_fields(self.codec, spec, fields))
        headers.extend(error.headers.items())
        return HttpResponse(spec.status, headers, dump_json(document))
