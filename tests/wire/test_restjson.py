"""The rest-json protocol against botocore's own serializer and parser, over whole models."""

from __future__ import annotations

import base64
import datetime as dt
from functools import cache
from typing import Any

import orjson
import pytest
from botocore.model import OperationModel
from botocore.serialize import create_serializer

from skybus.wire.errors import ServiceError
from skybus.wire.http import Headers, HttpRequest
from skybus.wire.models import service_model
from skybus.wire.restjson import RestJsonProtocol
from skybus.wire.uritemplate import Router
from skybus.wire.values import WireValueError, from_text, to_text
from tests.wire.botocore_wire import (
    botocore_parse,
    operations,
    to_request,
    without_event_streams,
)
from tests.wire.shapegen import sample

REST_SERVICES = ("lambda", "apigatewayv2", "apigatewaymanagementapi")
SEEDS = (0, 1, 2)
PROTOCOL = "rest-json"
OPERATIONS = operations(REST_SERVICES)
OUTPUT_OPERATIONS = without_event_streams(OPERATIONS)


@cache
def protocol(service: str) -> RestJsonProtocol:
    return RestJsonProtocol(service_model(service))


def request(
    method: str, path: str, query: str = "", body: bytes = b"", **headers: str
) -> HttpRequest:
    return HttpRequest(method, path, query, Headers(headers.items()), body)


def parse_error(service: str, http: HttpRequest) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        protocol(service).parse(http)
    return caught.value


def normalised_input(model: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    shape = model.input_shape
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        # botocore sends no header at all for an empty list.
        if location == "header" and member.type_name == "list" and out.get(name) == []:
            del out[name]
        # An empty query map sends no parameters, so it arrives as absent.
        if location == "querystring" and member.type_name == "map" and out.get(name) == {}:
            del out[name]
    return out


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
def test_input_round_trip(service: str, operation: str) -> None:
    proto = protocol(service)
    model = proto.operations[operation]
    serializer = create_serializer("rest-json", include_validation=False)
    for seed in SEEDS:
        params = sample(model.input_shape, seed) if model.input_shape is not None else {}
        http = to_request(serializer.serialize_to_request(dict(params), model))
        parsed = proto.parse(http)
        assert parsed.operation.name == operation, http
        assert parsed.params == normalised_input(model, params)


def normalised_output(model: OperationModel, result: dict[str, Any]) -> dict[str, Any]:
    shape = model.output_shape
    for name, member in shape.members.items():
        # A status-code member becomes the HTTP status; only a success status reads back as
        # a result rather than an error.
        if member.serialization.get("location") == "statusCode":
            result[name] = 200
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob" and payload in result:
        # botocore's parser (given bytes rather than a stream) decodes a raw payload as UTF-8
        # text, so the sample payload must be text to compare.
        result[payload] = b'{"answer": 42}'
    return result


@pytest.mark.parametrize(("service", "operation"), OUTPUT_OPERATIONS)
def test_output_round_trip(service: str, operation: str) -> None:
    proto = protocol(service)
    model = proto.operations[operation]
    for seed in SEEDS:
        if model.output_shape is None:
            response = proto.serialize(model, {}, "req-1")
            assert response.status == model.http.get("responseCode", 200)
            continue
        result = normalised_output(model, sample(model.output_shape, seed))
        response = proto.serialize(model, result, "req-1")
        assert response.header("x-amzn-RequestId") == "req-1"
        parsed = botocore_parse(response, model.output_shape, PROTOCOL)
        assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
        payload = model.output_shape.serialization.get("payload")
        if payload and isinstance(parsed.get(payload), str):
            parsed[payload] = parsed[payload].encode()
        assert parsed == result


def test_lambda_invoke_status_headers_and_raw_payload() -> None:
    proto = protocol("lambda")
    model = proto.operations["Invoke"]
    result = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "ExecutedVersion": "$LATEST",
        "Payload": b'{"errorMessage": "x"}',
    }
    response = proto.serialize(model, result, "r")
    assert response.status == 200
    assert response.body == b'{"errorMessage": "x"}'
    assert response.header("X-Amz-Function-Error") == "Unhandled"
    assert response.header("X-Amz-Executed-Version") == "$LATEST"
    queued = proto.serialize(model, {"StatusCode": 202, "Payload": b""}, "r")
    assert (queued.status, queued.body) == (202, b"")


def test_no_content_operation_has_empty_body() -> None:
    proto = protocol("lambda")
    response = proto.serialize(proto.operations["DeleteAlias"], {}, "r")
    assert (response.status, response.body) == (204, b"")


def test_lambda_invoke_parses_headers_and_payload() -> None:
    context = base64.b64encode(b'{"custom": 1}').decode()
    http = request(
        "POST",
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations",
        "Qualifier=live",
        b"not json at all",
        **{"X-Amz-Invocation-Type": "Event", "X-Amz-Client-Context": context},
    )
    parsed = protocol("lambda").parse(http)
    assert parsed.operation.name == "Invoke"
    assert parsed.params == {
        "FunctionName": "arn:aws:lambda:us-east-1:1:function:f",
        "Qualifier": "live",
        "InvocationType": "Event",
        "ClientContext": context,
        "Payload": b"not json at all",
    }


def test_query_values_are_typed() -> None:
    parsed = protocol("lambda").parse(
        request("GET", "/2015-03-31/functions/", "MaxItems=5&Marker=m&FunctionVersion=ALL")
    )
    assert parsed.operation.name == "ListFunctions"
    assert parsed.params == {"MaxItems": 5, "Marker": "m", "FunctionVersion": "ALL"}


def test_apigatewayv2_uses_json_names_and_iso_timestamps() -> None:
    proto = protocol("apigatewayv2")
    body = b'{"name": "api", "protocolType": "HTTP", "corsConfiguration": {"maxAge": 5}}'
    parsed = proto.parse(request("POST", "/v2/apis", body=body))
    assert parsed.operation.name == "CreateApi"
    assert parsed.params == {
        "Name": "api",
        "ProtocolType": "HTTP",
        "CorsConfiguration": {"MaxAge": 5},
    }
    created = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    response = proto.serialize(
        proto.operations["GetApi"], {"ApiId": "a1", "CreatedDate": created}, "r"
    )
    assert orjson.loads(response.body) == {"apiId": "a1", "createdDate": "2024-05-06T07:08:09Z"}
    assert response.header("Content-Type") == "application/json"


# --- routing --------------------------------------------------------------------------------


def test_literal_query_parts_choose_the_operation() -> None:
    proto = protocol("lambda")
    by_arn = proto.parse(request("GET", "/2018-10-31/layers", "find=LayerVersion&Arn=a"))
    assert by_arn.operation.name == "GetLayerVersionByArn"
    assert by_arn.params == {"Arn": "a"}
    assert proto.parse(request("GET", "/2018-10-31/layers")).operation.name == "ListLayers"
    listed = proto.parse(
        request("GET", "/2019-09-30/functions/f/provisioned-concurrency", "List=ALL")
    )
    assert listed.operation.name == "ListProvisionedConcurrencyConfigs"
    one = proto.parse(
        request("GET", "/2019-09-30/functions/f/provisioned-concurrency", "Qualifier=1")
    )
    assert one.operation.name == "GetProvisionedConcurrencyConfig"


def test_literal_segments_beat_labels_and_greedy_labels_take_the_rest() -> None:
    router = Router(
        [
            ("ByName", "GET", "/things/{Name}"),
            ("Special", "GET", "/things/special"),
            ("Deep", "GET", "/files/{Key+}"),
            ("DeepMeta", "GET", "/files/{Key+}/meta"),
        ]
    )

    def route(path: str) -> tuple[str, dict[str, str]]:
        found = router.match("GET", path, "")
        assert found is not None, path
        return found.operation, found.labels

    assert route("/things/special") == ("Special", {})
    assert route("/things/a%2Fb") == ("ByName", {"Name": "a/b"})
    assert route("/files/a/b%20c/d") == ("Deep", {"Key": "a/b c/d"})
    assert route("/files/a/b/meta") == ("DeepMeta", {"Key": "a/b"})
    assert router.match("POST", "/things/x", "") is None
    assert router.match("GET", "/things", "") is None


def test_percent_encoded_labels_are_decoded() -> None:
    parsed = protocol("apigatewaymanagementapi").parse(
        request("POST", "/@connections/abc%3D%3D", body=b"hello")
    )
    assert parsed.operation.name == "PostToConnection"
    assert parsed.params == {"ConnectionId": "abc==", "Data": b"hello"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/2015-03-31/nothing-here"), ("PATCH", "/2015-03-31/functions/f"), ("GET", "/")],
)
def test_unknown_route_is_404_unknown_operation(method: str, path: str) -> None:
    error = parse_error("lambda", request(method, path))
    assert error.code == "UnknownOperationException"
    response = protocol("lambda").serialize_error(error, None, "r")
    assert response.status == 404
    parsed = botocore_parse(response, None, PROTOCOL)
    assert parsed["Error"]["Code"] == "UnknownOperationException"


# --- malformed input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{oops", b"[1]", b'{"Timeout": "ten"}', b'{"Description": "\xff"}', b'{"Environment": []}'],
)
def test_lambda_bad_body_is_invalid_request_content(body: bytes) -> None:
    error = parse_error(
        "lambda", request("PUT", "/2015-03-31/functions/f/configuration", body=body)
    )
    assert error.code == "InvalidRequestContentException"
    assert str(error.message).startswith("Could not parse request body into json: ")
    response = protocol("lambda").serialize_error(error, None, "r")
    assert response.status == 400


def test_apigatewayv2_bad_body_is_bad_request() -> None:
    error = parse_error("apigatewayv2", request("POST", "/v2/apis", body=b'{"name": 1}'))
    assert error.code == "BadRequestException"


def test_bad_query_value_is_a_parameter_error() -> None:
    error = parse_error("lambda", request("GET", "/2015-03-31/functions/", "MaxItems=many"))
    assert error.code == "InvalidParameterValueException"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("service", REST_SERVICES)
def test_modeled_errors_parse_in_botocore(service: str) -> None:
    proto = protocol(service)
    for shape in service_model(service).error_shapes:
        response = proto.serialize_error(ServiceError(shape.name, "went wrong"), None, "rid")
        parsed = botocore_parse(response, None, PROTOCOL)
        assert parsed["Error"]["Code"] == shape.name
        assert parsed["Error"]["Message"] == "went wrong"
        assert parsed["ResponseMetadata"]["RequestId"] == "rid"
        trait = shape.metadata.get("error") or {}
        assert response.status == trait.get("httpStatusCode", 400)
        assert response.header("X-Amzn-ErrorType") == shape.name


def test_lambda_error_body_has_type_and_modeled_fields() -> None:
    proto = protocol("lambda")
    missing = proto.serialize_error(
        ServiceError("ResourceNotFoundException", "Function not found"), None, "r"
    )
    assert missing.status == 404
    assert orjson.loads(missing.body) == {"Type": "User", "Message": "Function not found"}
    throttled = ServiceError(
        "TooManyRequestsException",
        "Rate Exceeded.",
        fields={"Reason": "ConcurrentInvocationLimitExceeded", "retryAfterSeconds": "1"},
    )
    response = proto.serialize_error(throttled, None, "r")
    assert response.status == 429
    assert response.header("Retry-After") == "1"
    assert orjson.loads(response.body) == {
        "Type": "User",
        "message": "Rate Exceeded.",
        "Reason": "ConcurrentInvocationLimitExceeded",
    }
    failure = proto.serialize_error(ServiceError("ServiceException", "boom"), None, "r")
    assert failure.status == 500
    assert orjson.loads(failure.body)["Type"] == "Service"


def test_apigateway_errors_have_no_type() -> None:
    proto = protocol("apigatewaymanagementapi")
    gone = proto.serialize_error(
        ServiceError("GoneException", "gone", headers={"x-a": "1"}), None, "r"
    )
    assert gone.status == 410
    assert gone.header("x-a") == "1"
    assert "Type" not in orjson.loads(gone.body)


def test_text_codecs_for_headers() -> None:
    """Header values the models allow but these three services do not exercise."""
    from botocore.model import ShapeResolver

    resolver = ShapeResolver(
        {
            "Doc": {"type": "string", "jsonvalue": True},
            "When": {"type": "timestamp"},
            "Names": {"type": "list", "member": {"shape": "Name"}},
            "Name": {"type": "string"},
            "Flag": {"type": "boolean"},
        }
    )
    doc, when, names, flag = (
        resolver.get_shape_by_name(n) for n in ("Doc", "When", "Names", "Flag")
    )
    value = {"a": [1, "x"]}
    assert from_text(doc, to_text(doc, value, "rfc822"), "rfc822") == value
    moment = dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert to_text(when, moment, "rfc822") == "Sat, 03 Feb 2024 04:05:06 GMT"
    assert from_text(when, "Sat, 03 Feb 2024 04:05:06 GMT", "rfc822") == moment
    assert from_text(when, "2024-02-03T04:05:06Z", "iso8601") == moment
    assert from_text(when, "1706933106", "iso8601") == moment
    listed = ["a", "b,c", 'say "hi"']
    assert from_text(names, to_text(names, listed, "rfc822"), "rfc822") == listed
    assert from_text(flag, "TRUE", "rfc822") is True
    with pytest.raises(WireValueError):
        from_text(flag, "yes", "rfc822")
